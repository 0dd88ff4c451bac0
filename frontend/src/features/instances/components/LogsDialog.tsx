import { memo, useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import { Callout } from '@/components/Callout';
import { CopyButton } from '@/components/CopyButton';
import { Dialog, DialogCancel } from '@/components/Dialog';
import { ErrorState } from '@/components/ErrorState';
import { PlayIcon, RefreshIcon } from '@/components/icons';
import { Spinner } from '@/components/Spinner';
import { useLogStream } from '../api/logStream';
import { parseAnsi, type AnsiSegment } from '../lib/ansi';
import { copyText, filterLines, instancesOf, tagColour, visibleRange, type ViewLine } from '../lib/logLines';
import './logs.css';

/** How many of the last lines (of each instance) the viewer starts with. */
export const LOG_TAIL = 200;

/**
 * The height of one row in px (.logs-line in logs.css: a monospace line of 12.5px on an 18px
 * line). Rows never wrap (a long line scrolls sideways), so every row has this height and
 * the list renders only the rows in view.
 */
export const LOG_ROW_HEIGHT = 18;

/** The pane's height before it is measured (and in tests, where nothing has a size). */
const FALLBACK_VIEWPORT = 560;

/** Pauses follow: the pane keeps its place while lines still arrive. */
const PauseIcon = (props: { 'aria-hidden'?: boolean }) => (
  <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" {...props}>
    <path d="M9 5v14M15 5v14" />
  </svg>
);

/**
 * The logs of one instance, or of a whole stack (instance "" or absent: every instance
 * interleaved, each line tagged), live: the last LOG_TAIL lines, then each new one. The
 * stream (and its compose process) ends when the dialog closes. Reusable anywhere an
 * instance or a stack is shown.
 */
export function LogsDialog({ stack, instance = '', onClose }: { stack: string; instance?: string; onClose: () => void }) {
  const title = instance ? `Logs of ${instance}` : `Logs of stack ${stack}`;
  const description = instance
    ? `Stack ${stack}: the last ${LOG_TAIL} lines, then new ones as they come.`
    : `Every instance of the stack: the last ${LOG_TAIL} lines of each, then new ones as they come.`;
  return (
    <Dialog title={title} description={description} onClose={onClose} size="xl" testId="logs-dialog" className="logs-dialog" footer={<DialogCancel>Close</DialogCancel>}>
      <LogsPanel stack={stack} instance={instance} />
    </Dialog>
  );
}

/** One styled run of a line: a span with theme classes for the 16 colours, inline style for others. */
function Segment({ seg }: { seg: AnsiSegment }) {
  const classes: string[] = [];
  const style: CSSProperties = {};
  if (seg.bold) classes.push('ansi-bold');
  if (seg.dim) classes.push('ansi-dim');
  if (seg.italic) classes.push('ansi-italic');
  if (seg.underline) classes.push('ansi-underline');
  if (seg.fg) {
    if (seg.fg.startsWith('c')) classes.push(`ansi-fg-${seg.fg}`);
    else style.color = seg.fg;
  }
  if (seg.bg) {
    if (seg.bg.startsWith('c')) classes.push(`ansi-bg-${seg.bg}`);
    else style.backgroundColor = seg.bg;
  }
  if (classes.length === 0 && !seg.fg && !seg.bg) return <>{seg.text}</>;
  return (
    <span className={classes.join(' ') || undefined} style={seg.fg || seg.bg ? style : undefined}>
      {seg.text}
    </span>
  );
}

/** One row: the instance tag (in a stack view) and the line's text, escapes rendered. */
const Row = memo(function Row({ line, top, tagWidth }: { line: ViewLine; top: number; tagWidth: number }) {
  const segments = line.text === line.plain ? [{ text: line.plain }] : parseAnsi(line.text);
  const colour = tagColour(line.instance);
  return (
    <div className="logs-line" style={{ top }} data-instance={line.instance}>
      {tagWidth > 0 && (
        <span className={`logs-line__tag${colour >= 0 ? ` logs-tag--${colour}` : ''}`} style={{ width: `${tagWidth}ch` }}>
          {line.instance}
        </span>
      )}
      {segments.map((seg, i) => (
        <Segment key={i} seg={seg} />
      ))}
    </div>
  );
});

/**
 * The viewer itself, without the dialog: for a page that has room for it. A virtualised
 * list (only the rows in view are in the DOM) that follows the tail until the user pauses it
 * (or scrolls up); resume jumps back to the end. The filter (any case, on the text without
 * escapes) and, in a stack view, the instance checkboxes narrow what is shown; copy takes
 * the lines shown, as plain text.
 */
export function LogsPanel({ stack, instance = '' }: { stack: string; instance?: string }) {
  const stackView = instance === '';
  const [attempt, setAttempt] = useState(0);
  const state = useLogStream(stack, instance, LOG_TAIL, attempt);
  const [following, setFollowing] = useState(true);
  const [query, setQuery] = useState('');
  const [hidden, setHidden] = useState<ReadonlySet<string>>(() => new Set());
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(FALLBACK_VIEWPORT);
  const pane = useRef<HTMLDivElement>(null);
  /**
   * Where a scroll of the view's own (following, holding the rows in view, a clamp) left the
   * pane: the scroll event that finds the pane there is not the user's and neither pauses
   * nor resumes follow. A position, not a flag: a user's scroll in the same frame shares
   * the event, and is then told apart by where the pane is.
   */
  const programmatic = useRef<number | null>(null);
  const filterId = useId();

  const shown = useMemo(() => filterLines(state.lines, { query, hidden }), [state.lines, query, hidden]);
  const instances = useMemo(() => (stackView ? instancesOf(state.lines) : []), [stackView, state.lines]);
  const tagWidth = stackView ? Math.max(4, ...instances.map((n) => n.length)) + 1 : 0;
  const copy = useMemo(() => copyText(shown, stackView), [shown, stackView]);
  // The longest line shown, in characters: the rows' width, so the pane's horizontal extent
  // does not jump as long lines scroll in and out of the rendered window (that would move a
  // view scrolled sideways, and re-lay the scrollbar out on every frame).
  const widest = useMemo(() => shown.reduce((max, l) => Math.max(max, l.plain.length), 0), [shown]);

  // The pane's height, kept as the window resizes.
  useLayoutEffect(() => {
    const el = pane.current;
    if (!el) return;
    const measure = () => setViewport(el.clientHeight || FALLBACK_VIEWPORT);
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [state.phase]);

  // The effects below read following from here: they run when the lines change, never
  // because following did. Following turns on when the user's own scroll reaches the end,
  // and a scroll made then would cancel the one they make next (Home right after End, a
  // wheel turn back up), yanking the view to where it was a moment ago.
  const followingNow = useRef(following);
  followingNow.current = following;

  /** Puts the end in view (a programmatic scroll: it does not pause or resume follow). */
  const toEnd = () => {
    const el = pane.current;
    if (!el) return;
    const end = Math.max(0, el.scrollHeight - el.clientHeight);
    if (Math.abs(el.scrollTop - end) > 1) {
      el.scrollTop = end;
      programmatic.current = el.scrollTop;
    }
    setScrollTop(el.scrollTop);
  };

  // Following: the end stays in view as lines arrive.
  useLayoutEffect(() => {
    if (followingNow.current) toEnd();
  }, [shown]);

  // Paused: the cap drops the oldest lines, so the rows in view move up by that many; scroll
  // back by as much so the view stays put. What was on screen is read as a render for new
  // lines starts, before React changes the rows (a shorter list can clamp the position), and
  // from the pane itself: the browser moves the pane as soon as the user scrolls and sends
  // the scroll event a frame later, so the last event's position (scrollTop) can be one the
  // user has already left, and anchoring to it would undo their scroll.
  const onScreen = useRef({ lines: shown, query, hidden });
  const before = useRef({ lines: shown, top: 0, seen: 0, sameFilter: true, now: onScreen.current });
  if (shown !== onScreen.current.lines) {
    const was = onScreen.current;
    const top = pane.current?.scrollTop ?? scrollTop;
    before.current = { lines: was.lines, top, seen: scrollTop, sameFilter: was.query === query && was.hidden === hidden, now: { lines: shown, query, hidden } };
  }
  useLayoutEffect(() => {
    const el = pane.current;
    const { lines: prev, top, seen, sameFilter, now } = before.current;
    onScreen.current = now;
    if (!el || followingNow.current || prev === shown) return;
    // The pane moved since the last scroll event: the user's scroll, its event still to come.
    const userPending = Math.abs(top - seen) > 1;
    if (userPending && prev.length * LOG_ROW_HEIGHT - top - el.clientHeight < 8) {
      // It reached the end: follow, as its event would have (the new lines moved the end).
      setFollowing(true);
      toEnd();
      return;
    }
    const at = Math.floor(top / LOG_ROW_HEIGHT);
    const line = prev[at];
    // Where the line in view is now: the same place unless lines before it went.
    let i = !line || shown[at] === line ? at : shown.indexOf(line);
    let offset = top - at * LOG_ROW_HEIGHT;
    if (i < 0 && sameFilter) {
      // The line itself was dropped: the oldest line kept takes its place.
      i = 0;
      offset = 0;
    }
    // (Filtered out: the pane stays, clamped to the rows left.)
    if (i >= 0 && Math.abs(el.scrollTop - (i * LOG_ROW_HEIGHT + offset)) > 1) el.scrollTop = i * LOG_ROW_HEIGHT + offset;
    if (el.scrollTop !== top && !userPending) programmatic.current = el.scrollTop;
    setScrollTop(el.scrollTop); // the rows rendered are those at the pane's real position
  }, [shown]);

  // Reaching the end again by scrolling resumes follow; scrolling up pauses it.
  const onScroll = () => {
    const el = pane.current;
    if (!el) return;
    setScrollTop(el.scrollTop);
    const own = programmatic.current;
    programmatic.current = null;
    if (own !== null && Math.abs(el.scrollTop - own) <= 1) return;
    const atEnd = el.scrollHeight - el.scrollTop - el.clientHeight < 8;
    setFollowing(atEnd);
  };

  useEffect(() => setFollowing(true), [attempt]);

  /** Resume: follow again, from the end. */
  const resume = () => {
    setFollowing(true);
    toEnd();
  };

  const toggle = (name: string) =>
    setHidden((prev) => {
      const next = new Set(prev);
      if (next.has(name)) next.delete(name);
      else next.add(name);
      return next;
    });

  if (state.phase === 'failed' && state.error) {
    return (
      <div data-testid="logs-panel" data-phase={state.phase}>
        <ErrorState title={stackView ? `Couldn't read the logs of stack ${stack}` : `Couldn't read the logs of ${instance}`} error={state.error} onRetry={() => setAttempt((n) => n + 1)} />
      </div>
    );
  }
  const total = state.lines.length;
  const filtered = shown.length !== total;
  const { start, end } = visibleRange(shown.length, LOG_ROW_HEIGHT, scrollTop, viewport);
  const rows = [];
  for (let i = start; i < end; i++) rows.push(<Row key={i} line={shown[i]} top={i * LOG_ROW_HEIGHT} tagWidth={tagWidth} />);
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
        <span className="logs-panel__count" data-testid="logs-count">
          {filtered ? `${shown.length} of ${total} lines` : `${total} ${total === 1 ? 'line' : 'lines'}`}
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
            <button type="button" className="button" onClick={resume}>
              <PlayIcon aria-hidden="true" /> Resume follow
            </button>
          )}
          <CopyButton text={copy} label={filtered ? 'Copy shown lines' : 'Copy logs'} />
        </div>
      </div>
      <div className="logs-panel__filters">
        <label className="logs-panel__filter" htmlFor={filterId}>
          <span>Filter</span>
          <input
            id={filterId}
            className="input"
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder="Text in a line (any case)"
            data-testid="logs-filter"
            autoComplete="off"
            spellCheck={false}
          />
        </label>
        {stackView && instances.length > 0 && (
          <fieldset className="logs-panel__instances" data-testid="logs-instances">
            <legend>Instances</legend>
            {instances.map((name) => {
              const colour = tagColour(name);
              return (
                <label key={name} className="logs-panel__instance">
                  <input type="checkbox" checked={!hidden.has(name)} onChange={() => toggle(name)} />
                  <span className={`logs-line__tag logs-tag--${colour}`}>{name}</span>
                </label>
              );
            })}
          </fieldset>
        )}
      </div>
      {state.phase === 'ended' && state.error && (
        <Callout tone="error" title={state.error.summary}>
          {state.error.detail && <p className="callout__text">{state.error.detail}</p>}
        </Callout>
      )}
      <div
        ref={pane}
        className="logs-panel__pane nowheel nodrag"
        data-testid="logs-pane"
        data-rows={shown.length}
        tabIndex={0}
        role="region"
        aria-label={stackView ? `Log lines of stack ${stack}` : `Log lines of ${instance}`}
        onScroll={onScroll}
      >
        {total === 0 ? (
          <span className="logs-panel__empty" data-testid="logs-empty">
            {state.phase === 'connecting' ? 'Reading the logs…' : stackView ? 'No output yet. Lines the instances print appear here as they come.' : `No output yet. Lines ${instance} prints appear here as they come.`}
          </span>
        ) : shown.length === 0 ? (
          <span className="logs-panel__empty" data-testid="logs-none-match">
            No line matches the filter.
          </span>
        ) : (
          <div
            className="logs-panel__rows"
            style={{
              height: shown.length * LOG_ROW_HEIGHT,
              width: `max(100%, calc(${widest + tagWidth}ch + 2 * var(--space-3)${tagWidth > 0 ? ' + var(--space-2)' : ''}))`,
            }}
          >
            {rows}
          </div>
        )}
      </div>
    </div>
  );
}
