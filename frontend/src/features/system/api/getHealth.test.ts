import { describe, expect, it } from 'vitest';
import { HEALTH_STARTING_POLL_MS, healthQueryOptions } from './getHealth';

describe('health polling', () => {
  it('polls fast while the backend starts and not at all once ready', () => {
    const interval = healthQueryOptions().refetchInterval as (q: never) => number | false;
    const withData = (data: unknown) => ({ state: { data } }) as never;
    expect(interval(withData(undefined))).toBe(HEALTH_STARTING_POLL_MS);
    expect(interval(withData({ ready: false }))).toBe(HEALTH_STARTING_POLL_MS);
    expect(interval(withData({ ready: true }))).toBe(false);
  });
});
