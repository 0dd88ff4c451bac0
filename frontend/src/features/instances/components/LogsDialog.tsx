import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { Callout } from '@/components/Callout';
import { CopyButton } from '@/components/CopyButton';
import { Dialog, DialogCancel } from '@/components/Dialog';
import { ErrorState } from '@/components/ErrorState';
import { PlayIcon, RefreshIcon } from '@/components/icons';
import { Spinner } from '@/components/Spinner';
import { useLogStream } from '../api/logStream';
import './logs.css';

/** How many of the last lines the viewer starts with. */
export const LOG_TAIL = 200;

/** Pauses follow: the pane keeps its place while lines still arrive. */
const PauseIcon = (props: { 'aria-hidden'?: boolean }) => (
  <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" {...props}>
    <path d="M9 5v14M15 5v14" />
  </svg>
);

/**
 * The logs of one instance, live: the last LOG_TAIL lines, then each new one, in a monospace
 * pane that follows the tail until the user pauses it (or scrolls up); resume jumps back to
 * the end. Copy takes every line shown. The stream (and its compose process) ends when the
 * dialog closes. Reusable anywhere an instance is shown: give it the stack and the instance.
 */
export function LogsDialog({ stack, instance, onClose }: { stack: string; instance: string; onClose: () => void }) {
  return (
    <Dialog title={`Logs of ${instance}`} description={`Stack ${stack}: the last ${LOG_TAIL} lines, then new ones as they come.`} onClose={onClose} size="xl" testId="logs-dialog" className="logs-dialog" footer={<DialogCancel>Close</DialogCancel>}>
      <LogsPanel stack={stack} instance={instance} />
    </Dialog>
  );
}

/** The viewer itself, without the dialog: for a page that has room for it. */
export function LogsPanel({ stack, instance }: { stack: string; instance: string }) {
  const [attempt, setAttempt] = useState(0);
  const state = useLogStream(stack, instance, LOG_TAIL, attempt);
  const [following, setFollowing] = useState(true);
  const pane = useRef<HTMLPreElement>(null);
  const programmatic = useRef(false);

  useLayoutEffect(() => {
    const el = pane.current;
    if (!el || !following) return;
    programmatic.current = true;
    el.scrollTop = el.scrollHeight;
  }, [state.lines, following]);

  // Reaching the end again by scrolling resumes follow; scrolling up pauses it.
  const onScroll = () => {
    const el = pane.current;
    if (!el) return;
    if (programmatic.current) {
      programmatic.current = false;
      return;
    }
    const atEnd = el.scrollHeight - el.scrollTop - el.clientHeight < 8;
    setFollowing(atEnd);
  };

  useEffect(() => setFollowing(true), [attempt]);

  if (state.phase === 'failed' && state.error) {
    return (
      <div data-testid="logs-panel" data-phase={state.phase}>
        <ErrorState title={`Couldn't read the logs of ${instance}`} error={state.error} onRetry={() => setAttempt((n) => n + 1)} />
      </div>
    );
  }
  const text = state.lines.join('\n');
  return (
    <div className="logs-panel" data-testid="logs-panel" data-phase={state.phase} data-following={following}>
      <div className="logs-panel__bar">
        <span className="logs-panel__status" role="status">
          {state.phase === 'connecting' ? (
            <>
              <Spinner /> Connecting…
            </>
          ) : state.phase === 'ended' ? (
            'The log stream ended'
          ) : following ? (
            <>
              <span className="logs-panel__live" aria-hidden="true" /> Following
            </>
          ) : (
            'Paused: new lines are kept below'
          )}
        </span>
        <span className="logs-panel__count">
          {state.lines.length} {state.lines.length === 1 ? 'line' : 'lines'}
          {state.dropped > 0 && ` (${state.dropped} older dropped)`}
        </span>
        <div className="logs-panel__actions">
          {state.phase === 'ended' ? (
            <button type="button" className="button" onClick={() => setAttempt((n) => n + 1)}>
              <RefreshIcon aria-hidden="true" /> Reconnect
            </button>
          ) : following ? (
            <button type="button" className="button" onClick={() => setFollowing(false)} aria-pressed={false}>
              <PauseIcon aria-hidden /> Pause follow
            </button>
          ) : (
            <button type="button" className="button" onClick={() => setFollowing(true)}>
              <PlayIcon aria-hidden="true" /> Resume follow
            </button>
          )}
          <CopyButton text={text} label="Copy logs" />
        </div>
      </div>
      {state.phase === 'ended' && state.error && (
        <Callout tone="error" title={state.error.summary}>
          {state.error.detail && <p className="callout__text">{state.error.detail}</p>}
        </Callout>
      )}
      <pre
        ref={pane}
        className="logs-panel__pane nowheel nodrag"
        data-testid="logs-pane"
        tabIndex={0}
        aria-label={`Log lines of ${instance}`}
        onScroll={onScroll}
      >
        {state.lines.length === 0 ? (
          <span className="logs-panel__empty" data-testid="logs-empty">
            {state.phase === 'connecting' ? 'Reading the logs…' : `No output yet. Lines ${instance} prints appear here as they come.`}
          </span>
        ) : (
          text
        )}
      </pre>
    </div>
  );
}
