import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { createToastStore, ToastProvider, type ToastStore } from '@/components/toast';
import { LogsViewerContext } from '@/components/LogsViewer';
import { LogsDialog } from '@/features/instances';
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
      <QueryClientProvider client={client}>
        {/* The graph's node menu and a failed apply open the instances feature's logs viewer. */}
        <LogsViewerContext.Provider value={LogsDialog}>{children}</LogsViewerContext.Provider>
      </QueryClientProvider>
    </ToastProvider>
  );
}
