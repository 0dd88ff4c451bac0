import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { plans, secrets, stacks } from '@/lib/backend';
import { eventBus } from '@/test/events';
import { sampleRuns, sampleStackDetail, sampleStacks, sampleStates } from '@/test/fixtures';
import { renderWithApp } from '@/test/render';
import { StackPage } from './StackPage';
import { LIVE_STATUS_BATCH_MS, StacksPage, useLiveStatus } from '@/features/stacks';

vi.mock('@/lib/backend', async () => (await import('@/test/backendMock')).backendMock());

function Live() {
  useLiveStatus();
  return null;
}

beforeEach(() => {
  vi.mocked(stacks.get).mockResolvedValue(sampleStackDetail);
  vi.mocked(stacks.list).mockResolvedValue(sampleStacks);
  vi.mocked(plans.status).mockResolvedValue(sampleStates);
  vi.mocked(plans.history).mockResolvedValue(sampleRuns);
  vi.mocked(secrets.list).mockResolvedValue([]);
});

const stateOf = (instance: string) => within(screen.getByTestId(`instance-row-${instance}`)).getByTestId('instance-state');

describe('useLiveStatus', () => {
  it('refreshes the stack page when one of its containers changes, without polling', async () => {
    renderWithApp(
      <>
        <Live />
        <StackPage name="shop" />
      </>,
    );
    await waitFor(() => expect(stateOf('web')).toHaveTextContent('Healthy'));
    expect(stacks.get).toHaveBeenCalledTimes(1);
    expect(plans.status).toHaveBeenCalledTimes(1);

    // `docker stop devarch-shop-web` in a terminal: a burst of events, one refresh.
    vi.mocked(plans.status).mockResolvedValue([sampleStates[0], { ...sampleStates[1], state: 'exited', health: '', status: 'Exited (137) 1 second ago' }]);
    vi.mocked(stacks.get).mockResolvedValue({ ...sampleStackDetail, status: 'stopped' });
    for (const action of ['kill', 'die', 'stop']) eventBus.emit('status:changed', { stack: 'shop', instance: 'web', action, time: '' });
    expect(plans.status).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(stateOf('web')).toHaveTextContent('Stopped'));
    expect(plans.status).toHaveBeenCalledTimes(2);
    expect(stacks.get).toHaveBeenCalledTimes(2);
    expect(screen.getByText('Stopped', { selector: '.page-header .badge' })).toBeInTheDocument();
  });

  it('leaves other stacks alone but refreshes the list', async () => {
    renderWithApp(
      <>
        <Live />
        <StacksPage />
        <StackPage name="shop" />
      </>,
    );
    await screen.findByRole('table', { name: 'Stacks' });
    await waitFor(() => expect(plans.status).toHaveBeenCalledTimes(1));
    eventBus.emit('status:changed', { stack: 'blog', instance: 'web', action: 'start', time: '' });
    await waitFor(() => expect(stacks.list).toHaveBeenCalledTimes(2));
    await new Promise((resolve) => setTimeout(resolve, LIVE_STATUS_BATCH_MS + 50));
    expect(plans.status).toHaveBeenCalledTimes(1);
    expect(stacks.get).toHaveBeenCalledTimes(1);
  });

  it('refreshes everything about stacks when the event stream reconnects', async () => {
    renderWithApp(
      <>
        <Live />
        <StackPage name="shop" />
      </>,
    );
    await waitFor(() => expect(plans.status).toHaveBeenCalledTimes(1));
    eventBus.emit('engine:online', false);
    eventBus.emit('engine:online', true);
    await waitFor(() => expect(plans.status).toHaveBeenCalledTimes(2));
    expect(stacks.get).toHaveBeenCalledTimes(2);
  });

  it('stops listening when unmounted', () => {
    const { unmount } = renderWithApp(<Live />);
    expect(eventBus.count('status:changed')).toBe(1);
    expect(eventBus.count('engine:online')).toBe(1);
    unmount();
    expect(eventBus.count('status:changed')).toBe(0);
    expect(eventBus.count('engine:online')).toBe(0);
  });
});
