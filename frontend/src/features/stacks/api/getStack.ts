import { queryOptions, useQuery } from '@tanstack/react-query';
import { stacks } from '@/lib/backend';
import { stacksQueryKey } from './listStacks';

/**
 * One stack. Its compose preview and its instances have keys under this one, so
 * invalidating a stack refreshes everything shown about it.
 */
export function stackQueryKey(name: string) {
  return [...stacksQueryKey, 'detail', name] as const;
}

export function stackQueryOptions(name: string) {
  return queryOptions({
    queryKey: stackQueryKey(name),
    queryFn: () => stacks.get(name),
    meta: { inlineError: true, errorTitle: `Could not refresh stack ${name}` },
  });
}

export function useStack(name: string) {
  return useQuery(stackQueryOptions(name));
}
