import { act } from '@testing-library/react';
import type { LogEvent, ProgressEvent, StatusChange } from '@/lib/types';

type Handler = (...data: unknown[]) => void;

const listeners = new Map<string, Set<Handler>>();

/**
 * A stand-in for the Wails event bus, for tests that mock @/lib/backend (see backendMock):
 * components subscribe through `events` as in the app, and tests emit what the backend would.
 * Plain functions, not vi.fn(), so the config's mockReset leaves them working.
 */
export const eventBus = {
  on(name: string, handler: Handler): () => void {
    const set = listeners.get(name) ?? new Set<Handler>();
    set.add(handler);
    listeners.set(name, set);
    return () => {
      set.delete(handler);
    };
  },
  /** Delivers an event inside act(), as the runtime would between renders. */
  emit(name: string, ...data: unknown[]) {
    act(() => {
      for (const handler of [...(listeners.get(name) ?? [])]) handler(...data);
    });
  },
  /** How many handlers listen to an event. */
  count(name: string): number {
    return listeners.get(name)?.size ?? 0;
  },
  clear() {
    listeners.clear();
  },
};

/** The `events` of @/lib/backend on top of the fake bus. */
export function fakeEvents() {
  return {
    onProgress: (stack: string, handler: (batch: ProgressEvent[]) => void) =>
      eventBus.on(`progress:${stack}`, (batch) => handler(batch as ProgressEvent[])),
    onStatusChanged: (handler: (change: StatusChange) => void) =>
      eventBus.on('status:changed', (change) => handler(change as StatusChange)),
    onEngineOnline: (handler: (online: boolean) => void) => eventBus.on('engine:online', (online) => handler(Boolean(online))),
    onLogs: (id: string, handler: (event: LogEvent) => void) => eventBus.on(`logs:${id}`, (event) => handler(event as LogEvent)),
  };
}

/** A progress event at a given time, for brevity. */
export function progress(instance: string, status: string, message = ''): ProgressEvent {
  return { instance, status, message, time: new Date().toISOString() };
}
