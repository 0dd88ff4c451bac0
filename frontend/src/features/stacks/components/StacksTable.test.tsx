import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StackSummary } from '@/lib/types';
import { StacksTable } from './StacksTable';
import { ESTIMATED_ROW_HEIGHT } from './tableWindow';

/**
 * jsdom lays nothing out: a table row is ROW px high (the virtualizer's estimate), one with an
 * engine label TALL px (measured as it renders), the scroll container VIEWPORT px.
 */
const ROW = ESTIMATED_ROW_HEIGHT;
const TALL = ROW + 18;
const VIEWPORT = 400;
const HEAD = 120;

function manyStacks(count: number): StackSummary[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `s${String(i).padStart(3, '0')}`,
    description: i % 2 ? `Stack number ${i}` : '',
    instances: i % 7,
    revision: 1,
    status: 'stopped',
    updatedAt: new Date(Date.now() - 60_000).toISOString(),
    engine: i % 10 === 3 ? 'build-box' : 'default',
  }));
}

beforeEach(() => {
  // What the virtualizer reads: the scroll container's clientHeight and each row's offsetHeight.
  vi.spyOn(HTMLElement.prototype, 'offsetHeight', 'get').mockImplementation(function (this: HTMLElement) {
    if (this.tagName !== 'TR') return 0;
    return this.querySelector('[data-testid="stack-engine-label"]') ? TALL : ROW;
  });
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockImplementation(function (this: HTMLElement) {
    return this.tagName === 'MAIN' ? VIEWPORT : 0;
  });
  // The table body starts HEAD px below the top of the container's content (page header,
  // table head), and moves up as the container scrolls, as in a browser.
  vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
    if (this.tagName !== 'TBODY') return new DOMRect(0, 0, 0, 0);
    const main = this.closest('main');
    return new DOMRect(0, HEAD - (main?.scrollTop ?? 0), 1000, 0);
  });
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockImplementation(function (this: HTMLElement) {
    return this.tagName === 'MAIN' ? 1000 : 0;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** The table inside a scrolling <main>, as in the app frame. */
function renderTable(stacks: StackSummary[]) {
  const result = render(
    <main>
      <StacksTable stacks={stacks} />
    </main>,
  );
  const main = result.container.querySelector('main')!;
  // jsdom does not scroll: the container's offset is whatever the test sets.
  let offset = 0;
  Object.defineProperty(main, 'scrollTop', { configurable: true, get: () => offset, set: (v: number) => (offset = v) });
  const table = screen.getByRole('table', { name: 'Stacks' });
  const body = table.querySelector('tbody')!;
  const scrollTo = (top: number) =>
    act(() => {
      main.scrollTop = top;
      fireEvent.scroll(main);
    });
  return { ...result, main, table, body, scrollTo };
}

const dataRows = (body: HTMLElement) => [...body.querySelectorAll<HTMLTableRowElement>('tr[aria-rowindex]')];
const spacers = (body: HTMLElement) => [...body.querySelectorAll<HTMLTableRowElement>('tr.table__spacer')];
const names = (body: HTMLElement) => dataRows(body).map((tr) => tr.querySelector('a')!.textContent);

describe('StacksTable windowing', () => {
  it('renders every row up to 60 stacks, and windows from 61', () => {
    const { body, unmount } = renderTable(manyStacks(60));
    expect(dataRows(body)).toHaveLength(60);
    expect(spacers(body)).toHaveLength(0);
    unmount();

    const long = renderTable(manyStacks(61));
    expect(long.table).toHaveAttribute('data-windowed', 'true');
    expect(dataRows(long.body).length).toBeLessThan(61);
  });

  it('renders only the rows in and near the viewport of 500, and tells the real size', () => {
    const stacks = manyStacks(500);
    const { table, body } = renderTable(stacks);
    const rows = dataRows(body);
    // 10 rows fill the viewport, 8 more below it (overscan).
    expect(rows.length).toBeGreaterThanOrEqual(VIEWPORT / ROW);
    expect(rows.length).toBeLessThanOrEqual(VIEWPORT / ROW + 10);
    expect(table).toHaveAttribute('aria-rowcount', '501');
    expect(within(table).getAllByRole('row')[0]).toHaveAttribute('aria-rowindex', '1');
    expect(rows.map((tr) => tr.getAttribute('aria-rowindex'))).toEqual(rows.map((_, i) => String(i + 2)));
    expect(names(body)[0]).toBe('s000');
    // The semantics of a row are those of the full table.
    const first = within(rows[0]);
    expect(first.getByRole('rowheader')).toHaveTextContent('s000');
    expect(first.getByRole('link', { name: 's000' })).toHaveAttribute('href', '#/stacks/s000');
    // One spacer below stands for the 480-odd other rows: hidden from assistive technology.
    const [below] = spacers(body);
    expect(spacers(body)).toHaveLength(1);
    expect(below).toHaveAttribute('aria-hidden', 'true');
    // The spacer stands for exactly the rows not rendered: estimated, or as measured when they
    // were rendered once (the first paint, before the container was known, rendered a window's
    // height of rows: s023 with its engine label among them, TALL).
    expect(rows.filter((tr) => tr.querySelector('[data-testid="stack-engine-label"]'))).toHaveLength(2);
    expect(parseFloat(below.style.height)).toBe((500 - rows.length) * ROW + (TALL - ROW));
  });

  it('moves the window with the scroll position, down to the last stack', () => {
    const stacks = manyStacks(500);
    const { body, scrollTo } = renderTable(stacks);
    scrollTo(HEAD + 400 * ROW);
    const rows = dataRows(body);
    expect(names(body)).toContain('s400');
    expect(names(body)).not.toContain('s000');
    expect(rows.length).toBeLessThan(40);
    const s400 = rows.find((tr) => tr.textContent?.startsWith('s400'))!;
    expect(s400).toHaveAttribute('aria-rowindex', '402');
    // A spacer above and one below.
    expect(spacers(body)).toHaveLength(2);
    expect(body.firstElementChild).toHaveClass('table__spacer');

    scrollTo(HEAD + 500 * ROW);
    expect(names(body)).toContain('s499');
    expect(dataRows(body).at(-1)).toHaveAttribute('aria-rowindex', '501');
    // Nothing below the last row.
    expect(body.lastElementChild).not.toHaveClass('table__spacer');
  });

  it('keeps the focused row and its neighbours rendered, so Tab reaches the next stack and focus never drops', () => {
    const stacks = manyStacks(500);
    const { body, scrollTo } = renderTable(stacks);
    const lastRendered = dataRows(body).at(-1)!;
    const lastName = lastRendered.querySelector('a')!.textContent!;
    const lastIndex = Number(lastRendered.dataset.index);
    expect(names(body)).not.toContain(stacks[lastIndex + 1].name);

    // Focus on the last rendered row (as Tab gets there): the row after it is rendered, next in
    // the document, so the next Tab lands on it.
    act(() => within(lastRendered).getByRole('link', { name: lastName }).focus());
    const after = screen.getByRole('link', { name: stacks[lastIndex + 1].name });
    expect(dataRows(body).indexOf(after.closest('tr')!)).toBe(dataRows(body).indexOf(lastRendered) + 1);
    act(() => after.focus());
    expect(screen.getByRole('link', { name: stacks[lastIndex + 2].name })).toBeInTheDocument();

    // Scrolled far away with the mouse: the focused row stays, with a spacer between it and
    // the viewport's rows, and keeps focus.
    scrollTo(HEAD + 300 * ROW);
    expect(document.activeElement).toBe(after);
    expect(names(body)).toContain('s300');
    expect(names(body)).toContain(stacks[lastIndex + 1].name);
    expect(dataRows(body).length).toBeLessThan(40);
    expect(spacers(body)).toHaveLength(3);

    // Focus leaves the table for another element: the row is let go.
    const outside = document.createElement('button');
    document.body.append(outside);
    act(() => outside.focus());
    expect(names(body)).not.toContain(stacks[lastIndex + 1].name);
    outside.remove();
  });

  it('keeps the focused link when the list grows past the threshold or shrinks below it', () => {
    const sixty = manyStacks(60);
    const { body, rerender } = renderTable(sixty);
    const link = screen.getByRole('link', { name: 's005' });
    act(() => link.focus());
    const grown = [...sixty, ...manyStacks(61).slice(60)];
    rerender(
      <main>
        <StacksTable stacks={grown} />
      </main>,
    );
    expect(screen.getByRole('table', { name: 'Stacks' })).toHaveAttribute('data-windowed', 'true');
    expect(dataRows(body).length).toBeLessThan(61);
    // The same element, still focused: the row was not re-created.
    expect(document.activeElement).toBe(link);
    rerender(
      <main>
        <StacksTable stacks={sixty} />
      </main>,
    );
    expect(dataRows(body)).toHaveLength(60);
    expect(document.activeElement).toBe(link);
  });

  it('follows the focused stack by name when stacks above it come and go', () => {
    const stacks = manyStacks(500);
    const { body, rerender, scrollTo } = renderTable(stacks);
    scrollTo(HEAD + 200 * ROW);
    const link = screen.getByRole('link', { name: 's200' });
    act(() => link.focus());
    scrollTo(0);
    // Two stacks above it are deleted (elsewhere, a live refresh): its index is now 198.
    rerender(
      <main>
        <StacksTable stacks={stacks.filter((s) => s.name !== 's010' && s.name !== 's011')} />
      </main>,
    );
    expect(document.activeElement).toBe(link);
    expect(link.closest('tr')).toHaveAttribute('aria-rowindex', '200');
    expect(names(body)).toEqual(expect.arrayContaining(['s199', 's200', 's201']));
  });

  it('shows live changes of the rendered rows (the list re-renders on status events)', () => {
    const stacks = manyStacks(500);
    const { body, rerender } = renderTable(stacks);
    expect(within(dataRows(body)[2]).getByText('Stopped')).toBeInTheDocument();
    const changed = stacks.map((s, i) => (i === 2 ? { ...s, status: 'running' as const } : s));
    rerender(
      <main>
        <StacksTable stacks={changed} />
      </main>,
    );
    expect(within(dataRows(body)[2]).getByText('Running')).toBeInTheDocument();
    // A stack removed and one added: the size follows.
    const fewer = changed.slice(1);
    rerender(
      <main>
        <StacksTable stacks={fewer} />
      </main>,
    );
    expect(screen.getByRole('table', { name: 'Stacks' })).toHaveAttribute('aria-rowcount', '500');
    expect(names(body)[0]).toBe('s001');
  });
});
