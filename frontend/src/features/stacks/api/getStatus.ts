import { queryOptions, useQuery } from '@tanstack/react-query';
import { stackQueryKey } from './getStack';
import { plans } from '@/lib/backend';

/** Under the stack's key: whatever refreshes the stack refreshes its live state too. */
export function statusQueryKey(stack: string) {
  return [...stackQueryKey(stack), 'status'] as const;
}

export function statusQueryOptions(stack: string) {
  return queryOptions({
    queryKey: statusQueryKey(stack),
    queryFn: () => plans.status(stack),
    // Without an engine this fails on every refresh; the status bar already says why, and the
    // table falls back to the stack's own status column.
    meta: { toast: false },
  });
}

export function useStackStatus(stack: string) {
  return useQuery(statusQueryOptions(stack));
}
