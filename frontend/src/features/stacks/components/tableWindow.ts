/**
 * The pure part of the windowed stacks table (StacksTable): which rows to render and the
 * spacer rows that stand for the others. No DOM here, so it is tested without layout.
 */

/**
 * Up to this many stacks the table renders every row (no change for most users); above it,
 * only the rows in and around the viewport.
 */
export const WINDOW_THRESHOLD = 60;

/**
 * A row's height before it is measured: one line of name and description, as measured in
 * Chromium (11 px padding twice, a 21 px line, the status badge, a 1 px border). Rows with a
 * second line (an engine label, a two-line description) are measured as they render.
 */
export const ESTIMATED_ROW_HEIGHT = 46;

/**
 * The rows to render: the virtualizer's range (sorted, visible rows plus overscan) and the
 * keyboard-focused row with its neighbours. Keeping the focused row rendered stops focus
 * from falling to <body> when it scrolls away; rendering its neighbours makes Tab and
 * Shift+Tab reach the next and previous stacks even when they are off screen (the browser
 * then scrolls them into view, which moves the range along). Sorted, no duplicates, all in
 * [0, count).
 */
export function withFocusNeighbours(range: readonly number[], focused: number | null, count: number): number[] {
  if (focused === null || focused < 0 || focused >= count) return [...range];
  const set = new Set(range);
  for (const i of [focused - 1, focused, focused + 1]) if (i >= 0 && i < count) set.add(i);
  return [...set].sort((a, b) => a - b);
}

/** A rendered row, or a spacer of this height standing for rows that are not rendered. */
export type Segment = { kind: 'row'; index: number } | { kind: 'gap'; key: string; height: number };

/**
 * The table body as rows and spacers: ITEMS are the rendered rows' positions (sorted by
 * index, start/end in the scroll element's coordinates, which begin OFFSET before the table
 * body), TOTAL the height of all rows together. A spacer fills the space before the first
 * item, between two items that are not adjacent (the focused row far from the viewport) and
 * after the last one, so the body is always TOTAL high and each row sits where it would with
 * every row rendered. Spacers of zero (or negative, while sizes settle) height are left out.
 */
export function tableSegments(
  items: readonly { index: number; start: number; end: number }[],
  total: number,
  offset: number,
): Segment[] {
  const out: Segment[] = [];
  let cursor = 0;
  for (const item of items) {
    const start = item.start - offset;
    if (start > cursor) out.push({ kind: 'gap', key: `gap-before-${item.index}`, height: start - cursor });
    out.push({ kind: 'row', index: item.index });
    cursor = Math.max(cursor, item.end - offset);
  }
  if (total > cursor) out.push({ kind: 'gap', key: 'gap-end', height: total - cursor });
  return out;
}
