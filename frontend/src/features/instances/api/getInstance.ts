import { queryOptions, useQuery } from '@tanstack/react-query';
import { stackQueryKey } from '@/features/stacks';
import { instances } from '@/lib/backend';

/** Under its stack's key: invalidating the stack refreshes its instances too. */
export function instanceQueryKey(stack: string, name: string) {
  return [...stackQueryKey(stack), 'instances', name] as const;
}

export function instanceQueryOptions(stack: string, name: string) {
  return queryOptions({
    queryKey: instanceQueryKey(stack, name),
    queryFn: () => instances.get(stack, name),
    meta: { inlineError: true, errorTitle: `Could not refresh instance ${name}` },
  });
}

export function useInstance(stack: string, name: string) {
  return useQuery(instanceQueryOptions(stack, name));
}
