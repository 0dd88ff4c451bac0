import { queryOptions, useQuery } from '@tanstack/react-query';
import { stacks } from '@/lib/backend';

/** The docker contexts of this machine, for the engine dialog's suggestions. */
export function contextsQueryOptions() {
  return queryOptions({
    queryKey: ['docker-contexts'] as const,
    queryFn: () => stacks.contexts(),
    // Only suggestions: the field takes any name, and the backend checks it.
    meta: { toast: false },
    staleTime: 10_000,
  });
}

export function useDockerContexts() {
  return useQuery(contextsQueryOptions());
}
