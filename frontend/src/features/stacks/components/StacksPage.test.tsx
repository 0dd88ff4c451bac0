import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { stacks } from '@/lib/backend';
import { AppError } from '@/lib/errors';
import { sampleStacks } from '@/test/fixtures';
import { pending, renderWithApp } from '@/test/render';
import { StacksPage } from './StacksPage';

vi.mock('@/lib/backend', () => ({
  stacks: { list: vi.fn() },
  system: { health: vi.fn(), version: vi.fn() },
}));

const list = vi.mocked(stacks.list);

beforeEach(() => {
  list.mockReset();
});

describe('StacksPage', () => {
  it('shows a loading state while the first list loads', () => {
    list.mockReturnValue(pending());
    renderWithApp(<StacksPage />);
    expect(screen.getByRole('heading', { level: 1, name: 'Stacks' })).toBeInTheDocument();
    expect(screen.getByTestId('stacks-loading')).toHaveAttribute('aria-busy', 'true');
    expect(screen.getByRole('status')).toHaveTextContent('Loading stacks…');
    expect(screen.queryByRole('button', { name: 'Refresh' })).not.toBeInTheDocument();
  });

  it('tells the user how to create a stack when there is none', async () => {
    list.mockResolvedValue([]);
    renderWithApp(<StacksPage />);
    const empty = await screen.findByTestId('stacks-empty');
    expect(within(empty).getByRole('heading', { name: 'No stacks yet' })).toBeInTheDocument();
    expect(within(empty).getByRole('button', { name: 'New stack' })).toBeInTheDocument();
    // The terminal stays a secondary way.
    expect(empty).toHaveTextContent('devarch stack create NAME');
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('lists stacks in a table', async () => {
    list.mockResolvedValue(sampleStacks);
    renderWithApp(<StacksPage />);
    const table = await screen.findByRole('table', { name: 'Stacks' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(within(table).getAllByRole('columnheader').map((th) => th.textContent)).toEqual([
      'Name',
      'Description',
      'Instances',
      'Status',
      'Updated',
    ]);
    const shop = within(rows[1]);
    expect(shop.getByRole('rowheader')).toHaveTextContent('shop');
    expect(shop.getByRole('link', { name: 'shop' })).toHaveAttribute('href', '#/stacks/shop');
    expect(shop.getByText('Storefront with Postgres and Redis')).toBeInTheDocument();
    expect(shop.getByText('3')).toBeInTheDocument();
    expect(shop.getByText('Running')).toBeInTheDocument();
    expect(shop.getByText(/5 minutes ago/)).toHaveAttribute('dateTime', sampleStacks[0].updatedAt);
    expect(within(rows[2]).getByText('Stopped')).toBeInTheDocument();
    expect(screen.getByText('2 stacks on this machine')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'New stack' })).toBeInTheDocument();
  });

  it('labels a stack on another engine in its row header, and no label for the default engine', async () => {
    list.mockResolvedValue([sampleStacks[0], { ...sampleStacks[1], engine: 'build-box' }]);
    renderWithApp(<StacksPage />);
    const table = await screen.findByRole('table', { name: 'Stacks' });
    const [, shop, blog] = within(table).getAllByRole('row');
    expect(within(shop).queryByTestId('stack-engine-label')).toBeNull();
    const label = within(blog).getByTestId('stack-engine-label');
    expect(label).toHaveTextContent('Engine build-box');
    expect(label).toHaveAttribute('title', 'Runs on the engine of docker context build-box');
    // Read with the name: the row header says where the stack runs.
    expect(within(blog).getByRole('rowheader')).toContainElement(label);
    expect(label.querySelector('.visually-hidden')).toHaveTextContent('Engine');
    expect(label.querySelector('svg')).toHaveAttribute('aria-hidden', 'true');
    expect(within(blog).getByRole('link', { name: 'blog' })).toHaveAttribute('href', '#/stacks/blog');
  });

  it('shows an error with a retry that loads the list', async () => {
    list.mockRejectedValueOnce(
      new AppError({ kind: 'internal', summary: 'The database is not running', detail: 'dial tcp: refused' }),
    );
    list.mockResolvedValueOnce(sampleStacks);
    const { toasts } = renderWithApp(<StacksPage />);

    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: "Couldn't load stacks" })).toBeInTheDocument();
    expect(alert).toHaveTextContent('The database is not running');
    expect(alert).toHaveTextContent('dial tcp: refused');
    // The page shows a first-load failure itself: no toast on top of it.
    expect(toasts.getSnapshot()).toHaveLength(0);

    await userEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('table')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(list).toHaveBeenCalledTimes(2);
  });

  it('waits calmly while the backend is still starting', async () => {
    list.mockRejectedValue(
      new AppError({ kind: 'unavailable', summary: 'DevArch is still starting', detail: 'The database is being started.' }),
    );
    const { toasts } = renderWithApp(<StacksPage />);
    const status = await screen.findByText('DevArch is still starting');
    expect(status.closest('[role="status"]')).toHaveTextContent('The database is being started.');
    expect(screen.getByTestId('stacks-loading')).toHaveAttribute('aria-busy', 'true');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(toasts.getSnapshot()).toHaveLength(0);
  });

  it('toasts when a refresh fails while the list is shown', async () => {
    list.mockResolvedValueOnce(sampleStacks);
    list.mockRejectedValueOnce(new AppError({ kind: 'internal', summary: 'query failed' }));
    renderWithApp(<StacksPage />);
    await screen.findByRole('table');

    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    const toast = await screen.findByRole('alert');
    expect(toast).toHaveTextContent('Could not refresh stacks');
    expect(toast).toHaveTextContent('query failed');
    // The stale list stays on screen.
    expect(screen.getByRole('table')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole('button', { name: 'Refresh' })).toHaveAttribute('aria-disabled', 'false'));
  });
});
