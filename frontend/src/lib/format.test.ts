import { describe, expect, it } from 'vitest';
import { formatRelativeTime } from './format';

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
