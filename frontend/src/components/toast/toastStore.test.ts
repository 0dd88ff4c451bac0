import { afterEach, describe, expect, it, vi } from 'vitest';
import { createToastStore } from './toastStore';

afterEach(() => {
  vi.useRealTimers();
});

describe('toast store', () => {
  it('replaces a toast with the same key', () => {
    const store = createToastStore();
    store.show({ key: 'q', tone: 'error', title: 'one' });
    store.show({ key: 'q', tone: 'error', title: 'two' });
    expect(store.getSnapshot().map((t) => t.title)).toEqual(['two']);
  });

  it('keeps at most four, dropping the oldest', () => {
    const store = createToastStore();
    for (let i = 1; i <= 6; i++) store.show({ tone: 'info', title: `t${i}` });
    expect(store.getSnapshot().map((t) => t.title)).toEqual(['t3', 't4', 't5', 't6']);
  });

  it('closes a timed toast by itself and notifies subscribers', () => {
    vi.useFakeTimers();
    const store = createToastStore();
    const listener = vi.fn();
    store.subscribe(listener);
    store.show({ tone: 'success', title: 'Saved', timeout: 3000 });
    expect(store.getSnapshot()).toHaveLength(1);
    vi.advanceTimersByTime(3000);
    expect(store.getSnapshot()).toHaveLength(0);
    expect(listener).toHaveBeenCalledTimes(2);
  });
});
