/**
 * The one place where errors become toasts.
 *
 * Every query and mutation error reaches the caches' onError below. The rule:
 *  - a mutation error always toasts (unless its meta says toast: false);
 *  - a query error toasts, except when the query opts out with meta.toast === false (it shows
 *    its state elsewhere, like the status bar's health poll) or with meta.inlineError === true
 *    while it has no data yet (the page shows its own error state with a retry button);
 *  - a query that already had data and failed to refresh always toasts (the screen shows
 *    stale data, so the user must be told);
 *  - repeated failures of one query replace its toast instead of stacking up.
 */
import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import type { ToastStore } from '@/components/toast';
import { errorKindTitle, isTransient, toAppError, type AppError } from '@/lib/errors';

export interface AppQueryMeta extends Record<string, unknown> {
  /** false: never toast this query's errors. */
  toast?: boolean;
  /** true: the component renders the first-load error itself; toast only background failures. */
  inlineError?: boolean;
  /** A short phrase for the toast title, e.g. "Could not load stacks". */
  errorTitle?: string;
}

export interface AppMutationMeta extends Record<string, unknown> {
  toast?: boolean;
  errorTitle?: string;
}

declare module '@tanstack/react-query' {
  interface Register {
    defaultError: AppError;
    queryMeta: AppQueryMeta;
    mutationMeta: AppMutationMeta;
  }
}

export function showErrorToast(toasts: ToastStore, error: unknown, options: { title?: string; key?: string } = {}) {
  const appError = toAppError(error);
  toasts.show({
    key: options.key,
    tone: 'error',
    title: options.title ?? errorKindTitle(appError.kind),
    message: appError.summary,
    detail: appError.detail,
  });
}

const MAX_RETRIES = 3;

export function createQueryClient(toasts: ToastStore): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({
      onError(error, query) {
        const meta = query.meta ?? {};
        if (meta.toast === false) return;
        const hadData = query.state.data !== undefined;
        if (meta.inlineError && !hadData) return;
        showErrorToast(toasts, error, { title: meta.errorTitle, key: `query:${query.queryHash}` });
      },
    }),
    mutationCache: new MutationCache({
      onError(error, _variables, _context, mutation) {
        const meta = mutation.meta ?? {};
        if (meta.toast === false) return;
        showErrorToast(toasts, error, { title: meta.errorTitle });
      },
    }),
    defaultOptions: {
      queries: {
        // The backend may still be starting (kind "unavailable"): retry those, nothing else.
        retry: (failureCount, error) => failureCount < MAX_RETRIES && isTransient(error),
        staleTime: 2_000,
      },
      mutations: { retry: false },
    },
  });
}
