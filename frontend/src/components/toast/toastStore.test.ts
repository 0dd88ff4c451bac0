import { afterEach, describe, expect, it, vi } from 'vitest';
import { createToastStore, ROUTINE_TIMEOUT } from './toastStore';

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

  it('keeps at most three, dropping routine news before errors, then the oldest', () => {
    const store = createToastStore();
    for (let i = 1; i <= 5; i++) store.show({ tone: 'info', title: `t${i}` });
    expect(store.getSnapshot().map((t) => t.title)).toEqual(['t3', 't4', 't5']);
    store.show({ tone: 'error', title: 'e1' });
    store.show({ tone: 'error', title: 'e2' });
    store.show({ tone: 'info', title: 't6' });
    expect(store.getSnapshot().map((t) => t.title)).toEqual(['e1', 'e2', 't6']);
    store.show({ tone: 'error', title: 'e3' });
    expect(store.getSnapshot().map((t) => t.title)).toEqual(['e1', 'e2', 'e3']);
    store.show({ tone: 'error', title: 'e4' });
    expect(store.getSnapshot().map((t) => t.title)).toEqual(['e2', 'e3', 'e4']);
  });

  it('merges the same toast raised again instead of stacking it, and counts it', () => {
    const store = createToastStore();
    store.show({ tone: 'error', title: 'Could not load', message: 'engine down' });
    store.show({ tone: 'error', title: 'Could not load', message: 'engine down' });
    store.show({ tone: 'error', title: 'Could not load', message: 'engine down' });
    expect(store.getSnapshot()).toEqual([expect.objectContaining({ title: 'Could not load', count: 3 })]);
    store.show({ tone: 'error', title: 'Could not load', message: 'other' });
    expect(store.getSnapshot()).toHaveLength(2);
  });

  it('closes routine successes by themselves, keeps errors', () => {
    vi.useFakeTimers();
    const store = createToastStore();
    store.show({ tone: 'success', title: 'Saved' });
    store.show({ tone: 'error', title: 'Failed' });
    vi.advanceTimersByTime(ROUTINE_TIMEOUT);
    expect(store.getSnapshot().map((t) => t.title)).toEqual(['Failed']);
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
