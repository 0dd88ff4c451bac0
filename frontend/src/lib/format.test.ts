import { describe, expect, it } from 'vitest';
import { formatClock, formatDuration, formatRelativeTime } from './format';

describe('formatRelativeTime', () => {
  const now = new Date('2025-06-01T12:00:00Z');
  it('says just now for the last few seconds', () => {
    expect(formatRelativeTime('2025-06-01T11:59:50Z', now)).toBe('just now');
  });
  it('uses the largest fitting unit', () => {
    expect(formatRelativeTime('2025-06-01T11:55:00Z', now)).toMatch(/5 minutes ago/);
    expect(formatRelativeTime('2025-06-01T09:00:00Z', now)).toMatch(/3 hours ago/);
    expect(formatRelativeTime('2025-05-31T12:00:00Z', now)).toMatch(/yesterday|1 day ago/);
  });
  it('shows a dash for a missing or broken timestamp', () => {
    expect(formatRelativeTime('', now)).toBe('—');
    expect(formatRelativeTime('not a date', now)).toBe('—');
  });
});

describe('formatDuration', () => {
  it('picks a unit a person reads at a glance', () => {
    expect(formatDuration('2025-06-01T12:00:00.000Z', '2025-06-01T12:00:00.850Z')).toBe('850 ms');
    expect(formatDuration('2025-06-01T12:00:00Z', '2025-06-01T12:00:11Z')).toBe('11 s');
    expect(formatDuration('2025-06-01T12:00:00Z', '2025-06-01T12:03:05Z')).toBe('3 min 5 s');
    expect(formatDuration('2025-06-01T12:00:00Z', '2025-06-01T12:02:00Z')).toBe('2 min');
    expect(formatDuration('2025-06-01T12:00:00Z', '2025-06-01T14:04:00Z')).toBe('2 h 4 min');
  });
  it('is empty without both ends', () => {
    expect(formatDuration('2025-06-01T12:00:00Z', '')).toBe('');
    expect(formatDuration('x', '2025-06-01T12:00:00Z')).toBe('');
    expect(formatDuration('2025-06-01T12:00:10Z', '2025-06-01T12:00:00Z')).toBe('');
  });
});

describe('formatClock', () => {
  it('shows a wall-clock time with seconds', () => {
    expect(formatClock('2025-06-01T12:00:07Z')).toMatch(/^\d{2}:\d{2}:07$/);
    expect(formatClock('')).toBe('');
  });
});
