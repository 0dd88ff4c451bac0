import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { createToastStore, ToastProvider, type ToastStore } from '@/components/toast';
import { createQueryClient } from './queryClient';

interface AppProvidersProps {
  children: ReactNode;
  /** Tests pass their own; the app makes one of each. */
  toasts?: ToastStore;
  queryClient?: QueryClient;
}

export function AppProviders({ children, toasts, queryClient }: AppProvidersProps) {
  const [toastStore] = useState(() => toasts ?? createToastStore());
  const [client] = useState(() => queryClient ?? createQueryClient(toastStore));
  return (
    <ToastProvider store={toastStore}>
      <QueryClientProvider client={client}>{children}</QueryClientProvider>
    </ToastProvider>
  );
}
