import { act, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { stacks, system } from '@/lib/backend';
import { AppError } from '@/lib/errors';
import { healthQueryKey } from '@/features/system';
import { healthyReport } from '@/test/fixtures';
import { renderWithApp } from '@/test/render';
import { App } from './App';

vi.mock('@/lib/backend', async () => ({
  stacks: { list: vi.fn() },
  system: { health: vi.fn(), version: vi.fn() },
  events: (await import('@/test/events')).fakeEvents(),
}));

beforeEach(() => {
  vi.mocked(stacks.list).mockResolvedValue([]);
  vi.mocked(system.health).mockResolvedValue(healthyReport);
  vi.mocked(system.version).mockResolvedValue({ version: 'v0.1.0', commit: 'c', goVersion: 'g', platform: 'p' });
});

describe('App', () => {
  it('opens on Stacks and navigates to System with the sidebar', async () => {
    renderWithApp(<App />);
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(nav).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Stacks' })).toHaveAttribute('aria-current', 'page');
    expect(await screen.findByText('No stacks yet')).toBeInTheDocument();
    expect(await screen.findByRole('button', { name: /^Database\b.*\(ok\)$/ })).toBeInTheDocument();

    await userEvent.click(screen.getByRole('link', { name: 'System' }));
    const heading = await screen.findByRole('heading', { level: 1, name: 'System' });
    expect(heading).toHaveFocus();
    expect(screen.getByRole('link', { name: 'System' })).toHaveAttribute('aria-current', 'page');
    expect(document.title).toBe('System · DevArch');
  });

  it('fetches failed queries again once the backend reports ready', async () => {
    vi.mocked(system.health).mockResolvedValueOnce({ ...healthyReport, ready: false });
    vi.mocked(stacks.list).mockRejectedValueOnce(new AppError({ kind: 'unavailable', summary: 'DevArch is still starting' }));
    vi.mocked(stacks.list).mockResolvedValueOnce([]);
    const { queryClient } = renderWithApp(<App />);
    expect(await screen.findByText('DevArch is still starting')).toBeInTheDocument();
    expect(await screen.findByTestId('status-starting')).toBeInTheDocument();

    await act(() => queryClient.refetchQueries({ queryKey: healthQueryKey }));
    expect(await screen.findByText('No stacks yet')).toBeInTheDocument();
    expect(screen.queryByTestId('status-starting')).not.toBeInTheDocument();
    expect(stacks.list).toHaveBeenCalledTimes(2);
  });
});
