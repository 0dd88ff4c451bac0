import { queryOptions, useQuery } from '@tanstack/react-query';
import { stackQueryKey } from '@/features/stacks';
import { plans } from '@/lib/backend';

export function historyQueryKey(stack: string) {
  return [...stackQueryKey(stack), 'history'] as const;
}

export function historyQueryOptions(stack: string) {
  return queryOptions({
    queryKey: historyQueryKey(stack),
    queryFn: () => plans.history(stack),
    meta: { inlineError: true, errorTitle: `Could not refresh the history of ${stack}` },
  });
}

export function useHistory(stack: string) {
  return useQuery(historyQueryOptions(stack));
}
