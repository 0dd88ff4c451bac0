import { defaultRangeExtractor, useVirtualizer, type Range } from '@tanstack/react-virtual';
import { useCallback, useLayoutEffect, useMemo, useRef, useState, type FocusEvent } from 'react';
import { stackHref } from '@/app/routes';
import { ServerIcon } from '@/components/icons';
import { formatDateTime, formatRelativeTime } from '@/lib/format';
import type { StackSummary } from '@/lib/types';
import { StackStatusBadge } from './StackStatusBadge';
import { ESTIMATED_ROW_HEIGHT, tableSegments, WINDOW_THRESHOLD, withFocusNeighbours } from './tableWindow';

/** Rows rendered above and below the viewport, so a fast scroll or a Tab finds them there. */
const OVERSCAN = 8;

/**
 * The stacks list. Up to WINDOW_THRESHOLD stacks every row is rendered; above it the body is
 * windowed (StacksBody), so the page's DOM and memory stay flat as stacks accumulate. Either
 * way the table tells assistive technology its real size: aria-rowcount on the table counts
 * every stack and the header row, and each rendered row has its aria-rowindex.
 */
export function StacksTable({ stacks }: { stacks: StackSummary[] }) {
  const windowed = stacks.length > WINDOW_THRESHOLD;
  return (
    <div className="table-wrap card">
      <table className="table" data-testid="stacks-table" data-windowed={windowed || undefined} aria-rowcount={stacks.length + 1}>
        <caption className="visually-hidden">Stacks</caption>
        <thead>
          <tr aria-rowindex={1}>
            <th scope="col">Name</th>
            <th scope="col">Description</th>
            <th scope="col" className="num">
              Instances
            </th>
            <th scope="col">Status</th>
            <th scope="col">Updated</th>
          </tr>
        </thead>
        <StacksBody stacks={stacks} windowed={windowed} />
      </table>
    </div>
  );
}

/**
 * The element that scrolls the page: the app's content area (<main>, the only vertical
 * scroller of the window, see .main in global.css), or the document outside the app frame
 * (tests render pages on their own).
 */
function scrollParentOf(element: HTMLElement): HTMLElement {
  return element.closest('main') ?? (document.scrollingElement as HTMLElement | null) ?? document.documentElement;
}

/**
 * The table body. Windowed (a long list), only the rows in the viewport of the page's scroll
 * container, a few more around them, and the keyboard-focused row with its neighbours are
 * rendered; spacer rows (aria-hidden) stand for the others, so the scroll height and every
 * row's position are those of the whole list. Rows are measured as they render (a stack on
 * another engine or with a long description takes two lines), the others are estimated.
 * Not windowed, every row is rendered and the virtualizer is idle. One component for both,
 * so a list that crosses the threshold keeps its <tbody> and row elements (and the focus in
 * them).
 */
function StacksBody({ stacks, windowed }: { stacks: StackSummary[]; windowed: boolean }) {
  const bodyRef = useRef<HTMLTableSectionElement>(null);
  const [scrollElement, setScrollElement] = useState<HTMLElement | null>(null);
  // Where the table body starts in the scroll container's content (the page header and the
  // table head are above it): the virtualizer's positions count from the container's top.
  const [scrollMargin, setScrollMargin] = useState(0);
  // The keyboard-focused row's stack, by name: its index moves when stacks above it come or go.
  const [focusedName, setFocusedName] = useState<string | null>(null);
  const focused = useMemo(() => {
    if (focusedName === null) return null;
    const index = stacks.findIndex((stack) => stack.name === focusedName);
    return index < 0 ? null : index;
  }, [stacks, focusedName]);

  useLayoutEffect(() => {
    const body = bodyRef.current;
    if (!body) return;
    const scroller = scrollParentOf(body);
    setScrollElement(scroller);
    const measure = () => {
      const top = body.getBoundingClientRect().top - scroller.getBoundingClientRect().top + scroller.scrollTop;
      // Rounded so a sub-pixel difference does not re-render (setState bails out when equal).
      setScrollMargin(Math.max(0, Math.round(top)));
    };
    measure();
    // What is above the body changes height when the window's width does (the page header
    // wraps its actions) or the table head's does.
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(scroller);
    const head = body.parentElement?.querySelector('thead');
    if (head) observer.observe(head);
    return () => observer.disconnect();
  }, []);

  const rangeExtractor = useCallback((range: Range) => withFocusNeighbours(defaultRangeExtractor(range), focused, range.count), [focused]);

  const virtualizer = useVirtualizer({
    count: stacks.length,
    getScrollElement: () => scrollElement,
    estimateSize: () => ESTIMATED_ROW_HEIGHT,
    getItemKey: (index) => stacks[index]?.name ?? index,
    overscan: OVERSCAN,
    scrollMargin,
    rangeExtractor,
    enabled: windowed,
    // Before the container is known, assume a window's height of rows so the first paint is full.
    initialRect: { width: 0, height: typeof window === 'undefined' ? 800 : window.innerHeight },
  });

  // Focus inside the body: remember the row so it stays rendered with its neighbours.
  const onFocus = (event: FocusEvent<HTMLTableSectionElement>) => {
    const row = (event.target as HTMLElement).closest<HTMLElement>('tr[data-stack]');
    if (row) setFocusedName(row.dataset.stack ?? null);
  };
  // Focus left the body for another element: the row no longer needs to stay. (When the
  // window itself loses focus relatedTarget is null: keep the row, focus comes back to it.)
  const onBlur = (event: FocusEvent<HTMLTableSectionElement>) => {
    const next = event.relatedTarget as Node | null;
    if (next && !event.currentTarget.contains(next)) setFocusedName(null);
  };

  if (!windowed) {
    return (
      <tbody ref={bodyRef} onFocus={onFocus} onBlur={onBlur}>
        {stacks.map((stack, index) => (
          <StackRow key={stack.name} stack={stack} index={index} />
        ))}
      </tbody>
    );
  }

  const items = virtualizer.getVirtualItems();
  const segments = tableSegments(items, virtualizer.getTotalSize(), scrollMargin);

  return (
    <tbody ref={bodyRef} className="table__body--windowed" onFocus={onFocus} onBlur={onBlur}>
      {segments.map((segment) => {
        if (segment.kind === 'gap') {
          return (
            <tr key={segment.key} className="table__spacer" aria-hidden="true" style={{ height: segment.height }}>
              <td colSpan={5} />
            </tr>
          );
        }
        const stack = stacks[segment.index];
        return <StackRow key={stack.name} stack={stack} index={segment.index} measure={virtualizer.measureElement} />;
      })}
    </tbody>
  );
}

function StackRow({
  stack,
  index,
  measure,
}: {
  stack: StackSummary;
  index: number;
  measure?: (element: HTMLTableRowElement | null) => void;
}) {
  return (
    // aria-rowindex: 1 is the header row.
    <tr ref={measure} data-index={index} data-stack={stack.name} aria-rowindex={index + 2}>
      <th scope="row" className="table__name cell-fit cell-fit--stack">
        <a className="table__link truncate" href={stackHref(stack.name)} title={stack.name}>
          {stack.name}
        </a>
        {stack.engine && stack.engine !== 'default' && (
          // Part of the row's header cell, so a screen reader reads it with the name.
          <span className="table__sub engine-label truncate" data-testid="stack-engine-label" title={`Runs on the engine of docker context ${stack.engine}`}>
            <ServerIcon aria-hidden="true" />
            <span className="visually-hidden">Engine </span>
            {stack.engine}
          </span>
        )}
      </th>
      <td className="table__description cell-fit cell-fit--description">
        {stack.description ? (
          <span className="clamp" title={stack.description}>
            {stack.description}
          </span>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td className="num">{stack.instances}</td>
      <td>
        <StackStatusBadge status={stack.status} />
      </td>
      <td>
        <time dateTime={stack.updatedAt} title={formatDateTime(stack.updatedAt)}>
          {formatRelativeTime(stack.updatedAt)}
        </time>
      </td>
    </tr>
  );
}
