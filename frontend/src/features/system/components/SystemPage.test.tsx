import { screen, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { system } from '@/lib/backend';
import { engineDownReport } from '@/test/fixtures';
import { renderWithApp } from '@/test/render';
import { SystemPage } from './SystemPage';

vi.mock('@/lib/backend', async () => ({
  stacks: { list: vi.fn() },
  system: { health: vi.fn(), version: vi.fn() },
  events: (await import('@/test/events')).fakeEvents(),
}));

beforeEach(() => {
  vi.mocked(system.health).mockResolvedValue(engineDownReport);
  vi.mocked(system.version).mockResolvedValue({
    version: 'v0.1.0',
    commit: 'abc123',
    goVersion: 'go1.26.8',
    platform: 'linux/amd64',
  });
});

describe('SystemPage', () => {
  it('shows every check with its fix, and the build', async () => {
    renderWithApp(<SystemPage />);
    const engine = await screen.findByRole('article', { name: 'Container engine' });
    await within(engine).findByText('Docker is not answering');
    expect(engine).toHaveTextContent('How to fix');
    const database = screen.getByRole('article', { name: 'Database' });
    expect(database).toHaveTextContent('PostgreSQL 15 is running');
    expect(database).not.toHaveTextContent('How to fix');

    const facts = await screen.findByTestId('version-info');
    expect(facts).toHaveTextContent('v0.1.0');
    expect(facts).toHaveTextContent('abc123');
    expect(facts).toHaveTextContent('go1.26.8');
    expect(facts).toHaveTextContent('linux/amd64');
    expect(screen.getByRole('button', { name: 'Check again' })).toBeInTheDocument();
  });
});
