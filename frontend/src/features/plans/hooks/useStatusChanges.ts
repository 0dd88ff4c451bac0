import { useEffect, useRef } from 'react';
import { events } from '@/lib/backend';
import type { StatusChange } from '@/lib/types';

/** Calls handler for every container change of one stack (from the live status stream). */
export function useStatusChanges(stack: string, handler: (change: StatusChange) => void) {
  const handlerRef = useRef(handler);
  handlerRef.current = handler;
  useEffect(
    () =>
      events.onStatusChanged((change) => {
        if (change.stack === stack) handlerRef.current(change);
      }),
    [stack],
  );
}
