import { useCallback, useEffect, useState } from 'react';
import { events as backendEvents } from '@/lib/backend';
import type { ProgressEvent } from '@/lib/types';

/** The log keeps the last this many events; a long run's early lines scroll away. */
const MAX_EVENTS = 500;

/**
 * The progress events of the stack's running apply or operation, as they arrive. Listening
 * starts with the component, before any run is started, so the first batch is never missed;
 * reset() clears the log when a new run begins.
 */
export function useProgress(stack: string) {
  const [events, setEvents] = useState<ProgressEvent[]>([]);
  useEffect(
    () =>
      backendEvents.onProgress(stack, (batch) => {
        setEvents((current) => {
          const next = current.concat(batch);
          return next.length > MAX_EVENTS ? next.slice(-MAX_EVENTS) : next;
        });
      }),
    [stack],
  );
  const reset = useCallback(() => setEvents([]), []);
  return { events, reset };
}
