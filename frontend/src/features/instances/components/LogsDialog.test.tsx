import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '@/lib/errors';
import { logs } from '@/lib/backend';
import { eventBus } from '@/test/events';
import { renderWithApp } from '@/test/render';
import { LogsPanel } from './LogsDialog';

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
    eventBus.emit(`logs:${id}`, { lines: ['hello', 'world'], done: false });
    expect(screen.getByTestId('logs-pane')).toHaveTextContent('hello world');
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
});
