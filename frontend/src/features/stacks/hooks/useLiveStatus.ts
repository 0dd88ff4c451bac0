import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { statusQueryOptions } from '../api/getStatus';
import { events } from '@/lib/backend';
import { stackQueryOptions } from '../api/getStack';
import { listStacksQueryOptions, stacksQueryKey } from '../api/listStacks';

/** Changes arriving within this long of the first one are applied together. */
export const LIVE_STATUS_BATCH_MS = 150;

/**
 * Live status without polling. The backend watches one `docker events` stream for every
 * DevArch container (changes made here, by the CLI, or by `docker stop` in a terminal) and
 * emits `status:changed`; this refreshes what shows container state: the changed stacks'
 * pages and live state, and the stacks list. An apply makes dozens of events a second, so
 * they are batched. When the stream (re)connects, everything about stacks is refreshed,
 * since changes made while it was down were not seen.
 *
 * Mounted once, by the app shell.
 */
export function useLiveStatus() {
  const queryClient = useQueryClient();
  useEffect(() => {
    const changed = new Set<string>();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      const stacks = [...changed];
      changed.clear();
      for (const stack of stacks) {
        // The stack itself, not the keys under it: its compose file did not change.
        void queryClient.invalidateQueries({ queryKey: stackQueryOptions(stack).queryKey, exact: true });
        void queryClient.invalidateQueries({ queryKey: statusQueryOptions(stack).queryKey });
      }
      void queryClient.invalidateQueries({ queryKey: listStacksQueryOptions().queryKey });
    };
    const offStatus = events.onStatusChanged((change) => {
      changed.add(change.stack);
      timer ??= setTimeout(flush, LIVE_STATUS_BATCH_MS);
    });
    const offOnline = events.onEngineOnline((online) => {
      if (online) void queryClient.invalidateQueries({ queryKey: stacksQueryKey });
    });
    return () => {
      offStatus();
      offOnline();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [queryClient]);
}
