import { queryOptions, useQuery } from '@tanstack/react-query';
import { system } from '@/lib/backend';

/** How often the status bar asks the backend for database and engine health. */
export const HEALTH_POLL_MS = 5_000;

/** While the backend is still starting, ask often so "ready" shows within a moment. */
export const HEALTH_STARTING_POLL_MS = 500;

export const healthQueryKey = ['system', 'health'] as const;

export function healthQueryOptions() {
  return queryOptions({
    queryKey: healthQueryKey,
    queryFn: () => system.health(),
    refetchInterval: (query) => (query.state.data?.ready ? HEALTH_POLL_MS : HEALTH_STARTING_POLL_MS),
    staleTime: 0,
    // The status bar itself shows a failing health check; a toast every 5 s would be noise.
    retry: false,
    meta: { toast: false },
  });
}

export function useHealth() {
  return useQuery(healthQueryOptions());
}
