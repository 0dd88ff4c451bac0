import { useEffect, useReducer } from 'react';
import { AppError, toAppError } from '@/lib/errors';
import { events, logs } from '@/lib/backend';
import type { LogLine } from '@/lib/types';
import { stripAnsi } from '../lib/ansi';
import type { ViewLine } from '../lib/logLines';

/**
 * Lines kept in memory: older ones are dropped (the count of dropped ones is shown). The
 * list is virtualised, so this bounds memory, not rendering.
 */
export const MAX_LOG_LINES = 10_000;

export interface LogStreamState {
  /** connecting: the stream is being started; live: lines arrive; ended: the logs ended. */
  phase: 'connecting' | 'live' | 'ended' | 'failed';
  lines: ViewLine[];
  /** Lines dropped from the start to stay within MAX_LOG_LINES. */
  dropped: number;
  /** Why it failed to start, or why it ended (the container was removed, the engine went away). */
  error?: AppError;
}

type Action =
  | { type: 'reset' }
  | { type: 'live' }
  | { type: 'lines'; lines: ViewLine[] }
  | { type: 'ended'; error?: AppError }
  | { type: 'failed'; error: AppError };

const initial: LogStreamState = { phase: 'connecting', lines: [], dropped: 0 };

function reduce(state: LogStreamState, action: Action): LogStreamState {
  switch (action.type) {
    case 'reset':
      return initial;
    case 'live':
      return state.phase === 'connecting' ? { ...state, phase: 'live' } : state;
    case 'lines': {
      if (action.lines.length === 0) return state;
      const all = state.lines.concat(action.lines);
      const over = Math.max(0, all.length - MAX_LOG_LINES);
      return { ...state, phase: state.phase === 'connecting' ? 'live' : state.phase, lines: over ? all.slice(over) : all, dropped: state.dropped + over };
    }
    case 'ended':
      return { ...state, phase: 'ended', error: action.error };
    case 'failed':
      return { ...state, phase: 'failed', error: action.error };
  }
}

let nextStream = 0;

/** A line as the viewer keeps it: its plain text (for filter and copy) read once, on arrival. */
function toViewLine(line: LogLine): ViewLine {
  return { instance: line.instance, text: line.text, plain: stripAnsi(line.text) };
}

/**
 * Follows one instance's logs (or the whole stack's: instance "") while mounted: the last `tail` lines, then each new one. The
 * backend's stream (and its compose process) is closed on unmount, on a change of stack or
 * instance, and by the app's quit; `restart` (a new key) starts a fresh one.
 */
export function useLogStream(stack: string, instance: string, tail: number, key = 0): LogStreamState {
  const [state, dispatch] = useReducer(reduce, initial);
  useEffect(() => {
    let closed = false;
    let started = false;
    nextStream += 1;
    const id = `logs-${Date.now().toString(36)}-${nextStream}`;
    dispatch({ type: 'reset' });
    // Listen first: the stream's first lines can arrive before follow's answer does.
    const off = events.onLogs(id, (event) => {
      if (event.lines.length > 0) dispatch({ type: 'lines', lines: event.lines.map(toViewLine) });
      if (event.done) {
        dispatch({
          type: 'ended',
          error: event.problem ? new AppError({ kind: 'internal', summary: event.problem.summary, detail: event.problem.detail || undefined }) : undefined,
        });
      }
    });
    logs.follow(stack, instance, tail, id).then(
      () => {
        started = true;
        if (closed) void logs.close(id).catch(() => {});
        else dispatch({ type: 'live' });
      },
      (error: unknown) => {
        if (!closed) dispatch({ type: 'failed', error: toAppError(error) });
      },
    );
    return () => {
      closed = true;
      off();
      if (started) void logs.close(id).catch(() => {});
    };
  }, [stack, instance, tail, key]);
  return state;
}
