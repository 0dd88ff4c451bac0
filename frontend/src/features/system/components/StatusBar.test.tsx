import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { system } from '@/lib/backend';
import { AppError } from '@/lib/errors';
import { eventBus } from '@/test/events';
import { engineDownReport, healthyReport } from '@/test/fixtures';
import { pending, renderWithApp } from '@/test/render';
import { StatusBar } from './StatusBar';

vi.mock('@/lib/backend', async () => ({
  stacks: { list: vi.fn() },
  system: { health: vi.fn(), version: vi.fn() },
  events: (await import('@/test/events')).fakeEvents(),
}));

const health = vi.mocked(system.health);
const version = vi.mocked(system.version);

beforeEach(() => {
  health.mockReset();
  version.mockReset();
  version.mockResolvedValue({ version: 'v0.1.0', commit: 'abc123', goVersion: 'go1.26', platform: 'linux/amd64' });
});

describe('StatusBar', () => {
  it('says it is checking before the first report', () => {
    health.mockReturnValue(pending());
    renderWithApp(<StatusBar />);
    expect(screen.getByRole('button', { name: /^Database\b.*\(checking\)$/ })).toHaveAttribute('data-status', 'checking');
    expect(screen.getByRole('button', { name: /^Container engine\b.*\(checking\)$/ })).toBeInTheDocument();
  });

  it('shows both checks ok, with their summaries and the version', async () => {
    health.mockResolvedValue(healthyReport);
    renderWithApp(<StatusBar />);
    // The name is what the button shows, with the state after the label (WCAG 2.5.3).
    const database = await screen.findByRole('button', { name: 'Database PostgreSQL 15 is running (ok)' });
    expect(database).toHaveAttribute('data-testid', 'status-database');
    const engine = screen.getByRole('button', { name: /^Container engine\b.*\(ok\)$/ });
    expect(engine).toHaveTextContent('Docker 24.0 with Compose v2.40');
    expect(await screen.findByRole('link', { name: 'DevArch v0.1.0' })).toHaveAttribute('href', '#/system');
    expect(screen.queryByTestId('status-starting')).not.toBeInTheDocument();
  });

  it('does not poll once ready, and refetches when the engine stream drops or returns', async () => {
    health.mockResolvedValue(healthyReport);
    renderWithApp(<StatusBar />);
    await screen.findByRole('button', { name: /^Container engine\b.*\(ok\)$/ });
    const asked = health.mock.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 700)); // longer than the starting poll
    expect(health.mock.calls.length).toBe(asked);

    health.mockResolvedValue(engineDownReport);
    act(() => eventBus.emit('engine:online', false));
    expect(await screen.findByRole('button', { name: /^Container engine\b.*\(error\)$/ })).toHaveAttribute('data-status', 'error');
  });

  it('shows a failing check in red with its fix on demand', async () => {
    health.mockResolvedValue(engineDownReport);
    renderWithApp(<StatusBar />);
    const engine = await screen.findByRole('button', { name: /^Container engine\b.*\(error\)$/ });
    expect(engine).toHaveAttribute('data-status', 'error');
    expect(engine).toHaveAttribute('title', expect.stringContaining('Fix: Start Docker'));
    expect(engine).toHaveAttribute('aria-expanded', 'false');

    await userEvent.click(engine);
    expect(engine).toHaveAttribute('aria-expanded', 'true');
    const panel = screen.getByRole('region', { name: 'Container engine details' });
    expect(panel).toBeVisible();
    expect(panel).toHaveTextContent('Cannot connect to the Docker daemon');
    expect(within(panel).getByText('How to fix')).toBeInTheDocument();
    expect(panel).toHaveTextContent('Start Docker (for example `sudo systemctl start docker`), then check again.');

    await userEvent.keyboard('{Escape}');
    expect(engine).toHaveAttribute('aria-expanded', 'false');
    expect(engine).toHaveFocus();
    expect(screen.getByRole('button', { name: /^Database\b.*\(ok\)$/ })).toBeInTheDocument();
  });

  it('says unknown, without a toast, when the backend cannot be asked', async () => {
    health.mockRejectedValue(new AppError({ kind: 'unavailable', summary: 'The DevArch backend is not connected' }));
    const { toasts } = renderWithApp(<StatusBar />);
    const database = await screen.findByRole('button', { name: /^Database\b.*\(unknown\)$/ });
    expect(database).toHaveTextContent('Status unknown');
    expect(screen.getByRole('button', { name: /^Container engine\b.*\(unknown\)$/ })).toBeInTheDocument();
    expect(toasts.getSnapshot()).toHaveLength(0);
  });

  it('flags a backend that is not ready yet', async () => {
    health.mockResolvedValue({ ...healthyReport, ready: false });
    renderWithApp(<StatusBar />);
    expect(await screen.findByTestId('status-starting')).toHaveTextContent('Starting…');
  });
});
