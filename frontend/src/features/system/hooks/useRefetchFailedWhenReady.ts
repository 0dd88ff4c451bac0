import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useHealth } from '../api/getHealth';

/**
 * The backend answers "unavailable" while it starts its database (several seconds on a
 * cold start). When the health poll first reports ready, queries that failed meanwhile are
 * fetched again, so pages recover without the user pressing retry.
 */
export function useRefetchFailedWhenReady() {
  const queryClient = useQueryClient();
  const ready = useHealth().data?.ready ?? false;
  const wasReady = useRef(false);
  useEffect(() => {
    if (ready && !wasReady.current) {
      void queryClient.invalidateQueries({ predicate: (query) => query.state.status === 'error' });
    }
    wasReady.current = ready;
  }, [ready, queryClient]);
}
