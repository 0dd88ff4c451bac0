import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { InstanceStatus, stateBadge } from './InstanceStatus';

describe('stateBadge', () => {
  it('reads running and health: green, amber while starting, red when unhealthy', () => {
    expect(stateBadge({ state: 'running' })).toEqual({ text: 'Running', tone: 'ok' });
    expect(stateBadge({ state: 'running', health: 'healthy' })).toEqual({ text: 'Healthy', tone: 'ok' });
    expect(stateBadge({ state: 'running', health: 'starting' })).toEqual({ text: 'Starting', tone: 'warning' });
    expect(stateBadge({ state: 'running', health: 'unhealthy' })).toEqual({ text: 'Unhealthy', tone: 'error' });
    expect(stateBadge({ state: 'unhealthy' })).toEqual({ text: 'Unhealthy', tone: 'error' });
  });

  it('tells a stopped container from a crashed one by its exit code', () => {
    expect(stateBadge({ state: 'exited', detail: 'Exited (137) 2 seconds ago' })).toEqual({ text: 'Stopped', tone: 'neutral' });
    expect(stateBadge({ state: 'exited', detail: 'Exited (0) 1 minute ago' })).toEqual({ text: 'Stopped', tone: 'neutral' });
    expect(stateBadge({ state: 'exited', detail: 'Exited (1) 1 minute ago' })).toEqual({ text: 'Exited (1)', tone: 'error' });
    expect(stateBadge({ state: 'exited' })).toEqual({ text: 'Exited', tone: 'neutral' });
    expect(stateBadge({ state: 'dead' }).tone).toBe('error');
  });

  it('shows a one-shot job that finished as completed, not stopped', () => {
    expect(stateBadge({ state: 'completed', detail: 'Exited (0) 1 minute ago' })).toEqual({ text: 'Completed', tone: 'ok' });
  });

  it('greys out what is not running', () => {
    expect(stateBadge({ state: 'not created' })).toEqual({ text: 'Not created', tone: 'neutral' });
    expect(stateBadge({ state: 'created' }).tone).toBe('neutral');
    expect(stateBadge({ state: 'unknown' })).toEqual({ text: 'Unknown', tone: 'neutral' });
    expect(stateBadge({ state: 'removing' }).tone).toBe('warning');
    expect(stateBadge({ state: 'frozen' })).toEqual({ text: 'Frozen', tone: 'neutral' });
  });

  it('renders the engine text as the tooltip', () => {
    render(<InstanceStatus state="exited" detail="Exited (2) 3 seconds ago" />);
    const badge = screen.getByTestId('instance-state');
    expect(badge).toHaveTextContent('Exited (2)');
    expect(badge).toHaveClass('badge--error');
    expect(badge).toHaveAttribute('title', 'Exited (2) 3 seconds ago');
    expect(badge).toHaveAttribute('data-status', 'exited');
  });
});
