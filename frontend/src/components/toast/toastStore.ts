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
  /**
   * Milliseconds until it closes by itself. Left out, a success or info toast (routine news)
   * closes after ROUTINE_TIMEOUT; an error stays until dismissed.
   */
  timeout?: number;
  /** How many times the same toast was raised (merged instead of stacked); 1 when once. */
  count?: number;
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

/** At most this many toasts show at once; the oldest goes first (errors outlive routine news). */
const MAX_VISIBLE = 3;

/** How long a routine toast (success, info) stays when its caller gave no timeout. */
export const ROUTINE_TIMEOUT = 5000;

const sameToast = (a: Omit<Toast, 'id'>, b: Omit<Toast, 'id'>) =>
  a.tone === b.tone && a.title === b.title && (a.message ?? '') === (b.message ?? '') && (a.detail ?? '') === (b.detail ?? '');

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
    show({ key, ...input }) {
      // The same toast again (same tone and words) merges into the one showing, counted.
      const twin = key === undefined ? toasts.find((t) => sameToast(t, input)) : toasts.find((t) => t.id === key);
      const id = key ?? twin?.id ?? `toast-${++counter}`;
      const count = twin && sameToast(twin, input) ? (twin.count ?? 1) + 1 : 1;
      const timeout = input.timeout ?? (input.tone === 'error' ? undefined : ROUTINE_TIMEOUT);
      const toast = { ...input, timeout };
      stopTimer(id);
      const next: Toast = { id, ...toast, count };
      const rest = toasts.filter((t) => t.id !== id);
      let kept = [...rest, next];
      while (kept.length > MAX_VISIBLE) {
        // Routine news leaves first; among errors, the oldest.
        const drop = kept.find((t) => t.tone !== 'error' && t.id !== id) ?? kept[0];
        stopTimer(drop.id);
        kept = kept.filter((t) => t !== drop);
      }
      toasts = kept;
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
