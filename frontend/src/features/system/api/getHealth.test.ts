import { describe, expect, it } from 'vitest';
import { HEALTH_POLL_MS, HEALTH_STARTING_POLL_MS, healthQueryOptions } from './getHealth';

describe('health polling', () => {
  it('polls fast while the backend starts and slowly once ready', () => {
    const interval = healthQueryOptions().refetchInterval as (q: never) => number;
    const withData = (data: unknown) => ({ state: { data } }) as never;
    expect(interval(withData(undefined))).toBe(HEALTH_STARTING_POLL_MS);
    expect(interval(withData({ ready: false }))).toBe(HEALTH_STARTING_POLL_MS);
    expect(interval(withData({ ready: true }))).toBe(HEALTH_POLL_MS);
  });
});
