import { QueryClient } from '@tanstack/react-query';
import { render, type RenderOptions } from '@testing-library/react';
import type { ReactElement } from 'react';
import { AppProviders } from '@/app/AppProviders';
import { createQueryClient } from '@/app/queryClient';
import { createToastStore, Toaster, type ToastStore } from '@/components/toast';

/**
 * Renders with the app's real providers and error-to-toast wiring, minus retries and
 * polling delays that would slow tests down.
 */
export function renderWithApp(ui: ReactElement, options: RenderOptions = {}) {
  const toasts: ToastStore = createToastStore();
  const queryClient: QueryClient = createQueryClient(toasts);
  queryClient.setDefaultOptions({
    queries: { ...queryClient.getDefaultOptions().queries, retry: false, gcTime: Infinity },
  });
  const result = render(
    <AppProviders toasts={toasts} queryClient={queryClient}>
      {ui}
      <Toaster />
    </AppProviders>,
    options,
  );
  return { ...result, queryClient, toasts };
}

/** A promise that never settles, for loading states. */
export function pending<T>(): Promise<T> {
  return new Promise<T>(() => {});
}

/** A promise the test settles when it wants, to see a state while a request runs. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
