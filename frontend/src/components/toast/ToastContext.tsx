import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { ToastStore } from './toastStore';

const ToastContext = createContext<ToastStore | null>(null);

export function ToastProvider({ store, children }: { store: ToastStore; children: ReactNode }) {
  return <ToastContext.Provider value={store}>{children}</ToastContext.Provider>;
}

export function useToastStore(): ToastStore {
  const store = useContext(ToastContext);
  if (!store) throw new Error('useToastStore must be used inside <ToastProvider>');
  return store;
}

export function useToasts() {
  const store = useToastStore();
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}
