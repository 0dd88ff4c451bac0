import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '@/lib/errors';
import { logs } from '@/lib/backend';
import { MAX_LOG_LINES } from '../api/logStream';
import { eventBus } from '@/test/events';
import { renderWithApp } from '@/test/render';
import { LOG_ROW_HEIGHT, LogsPanel } from './LogsDialog';

vi.mock('@/lib/backend', async () => (await import('@/test/backendMock')).backendMock());

beforeEach(() => {
  vi.mocked(logs.follow).mockResolvedValue(undefined);
  vi.mocked(logs.close).mockResolvedValue(undefined);
});

async function streamId() {
  await waitFor(() => expect(logs.follow).toHaveBeenCalled());
  return vi.mocked(logs.follow).mock.calls.at(-1)![3];
}

describe('LogsPanel', () => {
  it('says there is no output yet, then shows the lines that arrive, following', async () => {
    renderWithApp(<LogsPanel stack="shop" instance="web" />);
    const id = await streamId();
    expect(await screen.findByText(/No output yet/)).toBeInTheDocument();
    eventBus.emit(`logs:${id}`, { lines: [{ instance: 'web', text: 'hello' }, { instance: 'web', text: 'world' }], done: false });
    expect(screen.getByTestId('logs-pane')).toHaveTextContent('helloworld');
    expect(screen.getByText('2 lines')).toBeInTheDocument();
    expect(screen.getByTestId('logs-panel')).toHaveAttribute('data-following', 'true');
  });

  it('pauses and resumes follow', async () => {
    const user = userEvent.setup();
    renderWithApp(<LogsPanel stack="shop" instance="web" />);
    await streamId();
    await user.click(await screen.findByRole('button', { name: 'Pause follow' }));
    expect(screen.getByTestId('logs-panel')).toHaveAttribute('data-following', 'false');
    await user.click(screen.getByRole('button', { name: 'Resume follow' }));
    expect(screen.getByTestId('logs-panel')).toHaveAttribute('data-following', 'true');
  });

  it('shows why the stream could not start, and tries again', async () => {
    const user = userEvent.setup();
    vi.mocked(logs.follow).mockRejectedValueOnce(new AppError({ kind: 'not_found', summary: 'stack "shop" has no instance named "web"' }));
    renderWithApp(<LogsPanel stack="shop" instance="web" />);
    expect(await screen.findByText('stack "shop" has no instance named "web"')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(logs.follow).toHaveBeenCalledTimes(2));
  });

  it('says when the stream ended and why', async () => {
    renderWithApp(<LogsPanel stack="shop" instance="web" />);
    const id = await streamId();
    eventBus.emit(`logs:${id}`, { lines: [], done: true, problem: { summary: 'the container was removed', detail: '' } });
    expect(await screen.findByText('The log stream ended')).toBeInTheDocument();
    expect(screen.getByText('the container was removed')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Reconnect/ })).toBeInTheDocument();
  });

  it('renders only a window of rows of 10,000 lines, and the rows at the scroll position', async () => {
    renderWithApp(<LogsPanel stack="shop" instance="web" />);
    const id = await streamId();
    const lines = Array.from({ length: 10_000 }, (_, i) => ({ instance: 'web', text: `line ${i}` }));
    for (let i = 0; i < lines.length; i += 500) eventBus.emit(`logs:${id}`, { lines: lines.slice(i, i + 500), done: false });
    const pane = screen.getByTestId('logs-pane');
    expect(screen.getByTestId('logs-count')).toHaveTextContent('10000 lines');
    expect(pane).toHaveAttribute('data-rows', '10000');
    const rows = () => pane.querySelectorAll('.logs-line');
    expect(rows().length).toBeGreaterThan(10);
    expect(rows().length).toBeLessThan(100);
    // Scrolled to the middle: the rows there, and still only a window of them.
    pane.scrollTop = 5000 * LOG_ROW_HEIGHT;
    fireEvent.scroll(pane);
    expect(rows().length).toBeLessThan(100);
    expect(pane).toHaveTextContent('line 5000');
    expect(pane).not.toHaveTextContent('line 9999');
    expect(pane).not.toHaveTextContent('line 1 ');
  });

  it('does not scroll by itself when the user scrolls to the end and follow resumes', async () => {
    renderWithApp(<LogsPanel stack="shop" instance="web" />);
    const id = await streamId();
    const pane = await screen.findByTestId('logs-pane');
    // jsdom lays nothing out: the pane is 360 px high and holds its rows.
    Object.defineProperty(pane, 'clientHeight', { configurable: true, get: () => 360 });
    Object.defineProperty(pane, 'scrollHeight', { configurable: true, get: () => Number(pane.dataset.rows) * LOG_ROW_HEIGHT });
    const lines = Array.from({ length: 100 }, (_, i) => ({ instance: 'web', text: `line ${i}` }));
    eventBus.emit(`logs:${id}`, { lines, done: false });
    const end = 100 * LOG_ROW_HEIGHT - 360;
    expect(pane.scrollTop).toBe(end); // following: at the end
    fireEvent.scroll(pane); // the event of that programmatic scroll
    pane.scrollTop = 200;
    fireEvent.scroll(pane);
    const panel = screen.getByTestId('logs-panel');
    expect(panel).toHaveAttribute('data-following', 'false');
    // Back near the end by the user's own scroll: follow resumes, and the view is left where
    // the user put it (a scroll here would cancel the one they make next, e.g. Home after End).
    pane.scrollTop = end - 4;
    fireEvent.scroll(pane);
    expect(panel).toHaveAttribute('data-following', 'true');
    expect(pane.scrollTop).toBe(end - 4);
    // New lines still bring the end into view.
    eventBus.emit(`logs:${id}`, { lines: [{ instance: 'web', text: 'one more' }], done: false });
    expect(pane.scrollTop).toBe(101 * LOG_ROW_HEIGHT - 360);
  });

  /**
   * A pane holding `count` lines, paused at `top`. jsdom lays nothing out: the pane gets a
   * height, and a position the browser's way (kept within the rows there are, a clamp that
   * sticks when the rows grow again; events are the test's to fire).
   */
  async function pausedPane(count: number, top: number) {
    renderWithApp(<LogsPanel stack="shop" instance="web" />);
    const id = await streamId();
    const pane = await screen.findByTestId('logs-pane');
    Object.defineProperty(pane, 'clientHeight', { configurable: true, get: () => 360 });
    Object.defineProperty(pane, 'scrollHeight', { configurable: true, get: () => Number(pane.dataset.rows) * LOG_ROW_HEIGHT });
    let position = 0;
    const clamp = (v: number) => Math.max(0, Math.min(v, pane.scrollHeight - pane.clientHeight));
    Object.defineProperty(pane, 'scrollTop', { configurable: true, get: () => (position = clamp(position)), set: (v: number) => (position = clamp(v)) });
    const lines = Array.from({ length: count }, (_, i) => ({ instance: 'web', text: `line ${i}` }));
    for (let i = 0; i < lines.length; i += 1000) eventBus.emit(`logs:${id}`, { lines: lines.slice(i, i + 1000), done: false });
    fireEvent.scroll(pane); // the event of the programmatic scroll to the end
    pane.scrollTop = top;
    fireEvent.scroll(pane);
    expect(screen.getByTestId('logs-panel')).toHaveAttribute('data-following', 'false');
    const more = (n: number, from: number) =>
      eventBus.emit(`logs:${id}`, { lines: Array.from({ length: n }, (_, i) => ({ instance: 'web', text: `line ${from + i}` })), done: false });
    return { pane, more };
  }

  it('paused at the cap: as the oldest lines are dropped, the rows in view stay in view', async () => {
    const { pane, more } = await pausedPane(MAX_LOG_LINES, 100 * LOG_ROW_HEIGHT + 5);
    expect(pane).toHaveTextContent('line 100');
    more(30, MAX_LOG_LINES);
    expect(screen.getByTestId('logs-count')).toHaveTextContent('(30 older dropped)');
    // Line 100 is now the 71st kept: the view moved up by the 30 rows dropped, same offset.
    expect(pane.scrollTop).toBe(70 * LOG_ROW_HEIGHT + 5);
    fireEvent.scroll(pane); // that programmatic scroll's event: it does not resume follow
    expect(screen.getByTestId('logs-panel')).toHaveAttribute('data-following', 'false');
    expect(pane).toHaveTextContent('line 100');
  });

  it('paused: a scroll whose event has not arrived yet is not undone by new lines', async () => {
    const { pane, more } = await pausedPane(500, 200);
    // The user scrolls; the browser moves the pane at once and fires the scroll event at the
    // next frame. A line arriving in between must leave the pane where the user put it.
    pane.scrollTop = 900;
    more(1, 500);
    expect(pane.scrollTop).toBe(900);
    // With drops too: the position the user scrolled to moves up by the dropped rows only.
    fireEvent.scroll(pane);
    more(MAX_LOG_LINES - 501, 501);
    fireEvent.scroll(pane);
    pane.scrollTop = 1800;
    more(20, MAX_LOG_LINES);
    expect(pane.scrollTop).toBe(1800 - 20 * LOG_ROW_HEIGHT);
  });

  it("paused: a scroll of the view's own is told from the user's", async () => {
    const { pane, more } = await pausedPane(MAX_LOG_LINES, 100 * LOG_ROW_HEIGHT);
    const panel = screen.getByTestId('logs-panel');
    more(30, MAX_LOG_LINES); // the view scrolls up by the 30 rows dropped
    // The user's scroll to the end lands in the same frame: one event, and it is the user's.
    pane.scrollTop = pane.scrollHeight - 360;
    fireEvent.scroll(pane);
    expect(panel).toHaveAttribute('data-following', 'true');
  });

  it('paused: a filter that empties the pane (a clamp to the top) neither resumes follow nor loses the pause', async () => {
    const user = userEvent.setup();
    const { pane } = await pausedPane(500, 200 * LOG_ROW_HEIGHT);
    const panel = screen.getByTestId('logs-panel');
    await user.type(screen.getByTestId('logs-filter'), 'no such text');
    expect(await screen.findByTestId('logs-none-match')).toBeInTheDocument();
    expect(pane.scrollTop).toBe(0);
    fireEvent.scroll(pane); // the clamp's event: "at the end" of nothing, but not the user's
    expect(panel).toHaveAttribute('data-following', 'false');
    await user.clear(screen.getByTestId('logs-filter'));
    expect(pane).toHaveAttribute('data-rows', '500');
    expect(panel).toHaveAttribute('data-following', 'false');
    expect(pane.scrollTop).toBe(0);
  });

  it('paused: a filter keeps the top line in view when it still matches', async () => {
    const user = userEvent.setup();
    const { pane } = await pausedPane(500, 120 * LOG_ROW_HEIGHT);
    await user.type(screen.getByTestId('logs-filter'), 'line 12');
    // "line 12", "line 120".."line 129" match; line 120 was at the top and is the 2nd shown.
    expect(pane).toHaveAttribute('data-rows', '11');
    expect(pane.scrollTop).toBe(0); // 11 rows fit the pane: clamped to the top, line 120 in view
    expect(pane).toHaveTextContent('line 120');
    expect(screen.getByTestId('logs-panel')).toHaveAttribute('data-following', 'false');
  });

  it('paused: when the line at the top is dropped itself, the oldest line kept takes its place', async () => {
    const { pane, more } = await pausedPane(MAX_LOG_LINES, 10 * LOG_ROW_HEIGHT + 7);
    more(50, MAX_LOG_LINES); // lines 0-49 go, line 10 with them
    expect(pane.scrollTop).toBe(0);
    expect(pane.querySelector('.logs-line')).toHaveTextContent('line 50');
  });

  it("paused: the user's scroll to the end, its event still to come when lines arrive, resumes follow", async () => {
    const { pane, more } = await pausedPane(500, 200);
    pane.scrollTop = 500 * LOG_ROW_HEIGHT - 360; // the end; no event yet
    more(3, 500);
    const panel = screen.getByTestId('logs-panel');
    expect(panel).toHaveAttribute('data-following', 'true');
    expect(pane.scrollTop).toBe(503 * LOG_ROW_HEIGHT - 360);
    fireEvent.scroll(pane); // that scroll's event, at the new end: follow stays on
    expect(panel).toHaveAttribute('data-following', 'true');
  });

  it('tags the lines of a stack view, renders ANSI colours as elements, filters by text and instance', async () => {
    const user = userEvent.setup();
    renderWithApp(<LogsPanel stack="shop" />);
    await waitFor(() => expect(logs.follow).toHaveBeenCalledWith('shop', '', expect.any(Number), expect.any(String)));
    const id = vi.mocked(logs.follow).mock.calls.at(-1)![3];
    eventBus.emit(`logs:${id}`, {
      lines: [
        { instance: 'web', text: '\x1b[1;31mERROR\x1b[0m <b>boom</b>' },
        { instance: 'worker', text: 'job done' },
        { instance: 'web', text: 'GET /health' },
      ],
      done: false,
    });
    const pane = screen.getByTestId('logs-pane');
    const error = within(pane).getByText('ERROR');
    expect(error).toHaveClass('ansi-bold', 'ansi-fg-c1');
    expect(pane.querySelector('b')).toBeNull();
    expect(pane).toHaveTextContent('<b>boom</b>');
    expect(pane.querySelectorAll('[data-instance="worker"] .logs-line__tag')[0]).toHaveTextContent('worker');

    await user.type(screen.getByRole('searchbox', { name: 'Filter' }), 'error');
    expect(screen.getByTestId('logs-count')).toHaveTextContent('1 of 3 lines');
    expect(pane).not.toHaveTextContent('job done');
    await user.clear(screen.getByRole('searchbox', { name: 'Filter' }));
    await user.click(within(screen.getByRole('group', { name: 'Instances' })).getByRole('checkbox', { name: 'web' }));
    expect(screen.getByTestId('logs-count')).toHaveTextContent('1 of 3 lines');
    expect(pane).toHaveTextContent('job done');
    expect(pane).not.toHaveTextContent('GET /health');
  });
});
