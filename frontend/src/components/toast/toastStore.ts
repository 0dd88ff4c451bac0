/**
 * A tiny external store for toasts, so code outside React (the QueryClient's caches) can
 * raise them and React renders them through useSyncExternalStore.
 */

export type ToastTone = 'error' | 'info' | 'success';

export interface Toast {
  id: string;
  tone: ToastTone;
  title: string;
  message?: string;
  detail?: string;
  /** Milliseconds until it closes by itself; undefined keeps it until dismissed. */
  timeout?: number;
}

export interface ToastInput extends Omit<Toast, 'id'> {
  /** Toasts with the same key replace each other instead of stacking up. */
  key?: string;
}

export interface ToastStore {
  getSnapshot(): readonly Toast[];
  subscribe(listener: () => void): () => void;
  show(input: ToastInput): string;
  dismiss(id: string): void;
  clear(): void;
}

const MAX_VISIBLE = 4;

export function createToastStore(): ToastStore {
  let toasts: readonly Toast[] = [];
  let counter = 0;
  const listeners = new Set<() => void>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();

  const emit = () => listeners.forEach((listener) => listener());

  const stopTimer = (id: string) => {
    const timer = timers.get(id);
    if (timer !== undefined) clearTimeout(timer);
    timers.delete(id);
  };

  const store: ToastStore = {
    getSnapshot: () => toasts,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    show({ key, ...toast }) {
      const id = key ?? `toast-${++counter}`;
      stopTimer(id);
      const next: Toast = { id, ...toast };
      const rest = toasts.filter((t) => t.id !== id);
      const kept = [...rest, next];
      for (const dropped of kept.slice(0, Math.max(0, kept.length - MAX_VISIBLE))) stopTimer(dropped.id);
      toasts = kept.slice(-MAX_VISIBLE);
      if (toast.timeout !== undefined) {
        timers.set(id, setTimeout(() => store.dismiss(id), toast.timeout));
      }
      emit();
      return id;
    },
    dismiss(id) {
      stopTimer(id);
      if (!toasts.some((t) => t.id === id)) return;
      toasts = toasts.filter((t) => t.id !== id);
      emit();
    },
    clear() {
      timers.forEach((timer) => clearTimeout(timer));
      timers.clear();
      toasts = [];
      emit();
    },
  };
  return store;
}
