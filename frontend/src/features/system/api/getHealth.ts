import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { events, system } from '@/lib/backend';

/**
 * While the backend is still starting, ask often so "ready" shows within a moment. Once it is
 * ready nothing polls (an idle window wakes no one): the engine's event stream reports the
 * engine going away or coming back (engine:online), which refetches
 * health, and so does focusing the window.
 */
export const HEALTH_STARTING_POLL_MS = 500;

export const healthQueryKey = ['system', 'health'] as const;

export function healthQueryOptions() {
  return queryOptions({
    queryKey: healthQueryKey,
    queryFn: () => system.health(),
    refetchInterval: (query) => (query.state.data?.ready ? false : HEALTH_STARTING_POLL_MS),
    refetchOnWindowFocus: true,
    staleTime: 0,
    // The status bar itself shows a failing health check; a toast every 5 s would be noise.
    retry: false,
    meta: { toast: false },
  });
}

/** Health, refetched whenever the engine's event stream connects or drops. */
export function useHealth() {
  const queryClient = useQueryClient();
  useEffect(() => events.onEngineOnline(() => void queryClient.invalidateQueries({ queryKey: healthQueryKey })), [queryClient]);
  return useQuery(healthQueryOptions());
}
