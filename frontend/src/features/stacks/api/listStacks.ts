import { queryOptions, useQuery } from '@tanstack/react-query';
import { stacks } from '@/lib/backend';

/** Every stack query lives under this key: the list, each stack, its compose file, its instances. */
export const stacksQueryKey = ['stacks'] as const;
export const stacksListQueryKey = [...stacksQueryKey, 'list'] as const;

export function listStacksQueryOptions() {
  return queryOptions({
    queryKey: stacksListQueryKey,
    queryFn: () => stacks.list(),
    // The page renders a first-load failure itself, with a retry button.
    meta: { inlineError: true, errorTitle: 'Could not refresh stacks' },
  });
}

export function useStacks() {
  return useQuery(listStacksQueryOptions());
}
