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
 *  - repeated failures of one query replace its toast instead of stacking up;
 *  - a mutation error that its form shows itself is not toasted: one whose field the form
 *    renders at that field (meta.fieldErrors), or of a kind the form explains in place
 *    (meta.inlineKinds, e.g. a YAML editor's "invalid" with a line and column, or a delete
 *    dialog's "conflict" that offers a way out).
 */
import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import type { ToastStore } from '@/components/toast';
import { errorKindTitle, fieldError, isTransient, toAppError, type AppError, type ErrorKind } from '@/lib/errors';

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
  /**
   * Field paths the form shows errors at (see fieldMatches in lib/errors: "environment"
   * covers "environment.APP_ENV", "*" covers any field). Matching errors are not toasted.
   */
  fieldErrors?: readonly string[];
  /** Kinds of error the form explains in place (not toasted), whatever their field. */
  inlineKinds?: readonly ErrorKind[];
}

/** True when a mutation's own form shows this error, so no toast is needed. */
export function isShownInline(error: unknown, meta: AppMutationMeta | undefined): boolean {
  if (!meta) return false;
  const appError = toAppError(error);
  if (meta.inlineKinds?.includes(appError.kind)) return true;
  return Boolean(meta.fieldErrors && fieldError(appError, ...meta.fieldErrors));
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
        if (meta.toast === false || isShownInline(error, meta)) return;
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
