import { describe, expect, it } from 'vitest';
import { tableSegments, WINDOW_THRESHOLD, withFocusNeighbours } from './tableWindow';

describe('withFocusNeighbours', () => {
  it('is the range itself when nothing in the table has focus', () => {
    expect(withFocusNeighbours([3, 4, 5], null, 100)).toEqual([3, 4, 5]);
  });

  it('adds the focused row and its neighbours, sorted, once each', () => {
    // Focus far below the viewport (the user scrolled away from it).
    expect(withFocusNeighbours([0, 1, 2], 40, 100)).toEqual([0, 1, 2, 39, 40, 41]);
    // Focus on the last rendered row: the next one is rendered so Tab reaches it.
    expect(withFocusNeighbours([10, 11, 12], 12, 100)).toEqual([10, 11, 12, 13]);
    // And on the first: Shift+Tab reaches the previous one.
    expect(withFocusNeighbours([10, 11, 12], 10, 100)).toEqual([9, 10, 11, 12]);
  });

  it('stays inside the list at both ends', () => {
    expect(withFocusNeighbours([0, 1], 0, 2)).toEqual([0, 1]);
    expect(withFocusNeighbours([97, 98, 99], 99, 100)).toEqual([97, 98, 99]);
    // A focused index left over from a longer list is ignored.
    expect(withFocusNeighbours([0, 1], 150, 100)).toEqual([0, 1]);
  });
});

describe('tableSegments', () => {
  const row = (index: number, height = 40, offset = 0) => ({ index, start: offset + index * height, end: offset + (index + 1) * height });

  it('renders the rows of a window between two spacers that keep the whole height', () => {
    const items = [row(10), row(11), row(12)];
    expect(tableSegments(items, 100 * 40, 0)).toEqual([
      { kind: 'gap', key: 'gap-before-10', height: 400 },
      { kind: 'row', index: 10 },
      { kind: 'row', index: 11 },
      { kind: 'row', index: 12 },
      { kind: 'gap', key: 'gap-end', height: (100 - 13) * 40 },
    ]);
  });

  it('counts positions from the table body, OFFSET below the top of the scroll container', () => {
    const items = [row(0, 40, 250), row(1, 40, 250)];
    expect(tableSegments(items, 10 * 40, 250)).toEqual([
      { kind: 'row', index: 0 },
      { kind: 'row', index: 1 },
      { kind: 'gap', key: 'gap-end', height: 8 * 40 },
    ]);
  });

  it('puts a spacer between the viewport rows and a focused row far from them', () => {
    const items = [row(0), row(1), row(39), row(40), row(41)];
    const segments = tableSegments(items, 100 * 40, 0);
    expect(segments).toEqual([
      { kind: 'row', index: 0 },
      { kind: 'row', index: 1 },
      { kind: 'gap', key: 'gap-before-39', height: 37 * 40 },
      { kind: 'row', index: 39 },
      { kind: 'row', index: 40 },
      { kind: 'row', index: 41 },
      { kind: 'gap', key: 'gap-end', height: 58 * 40 },
    ]);
    // Rows and spacers add up to the whole list.
    const rendered = segments.filter((s) => s.kind === 'row').length * 40;
    const spacers = segments.reduce((sum, s) => sum + (s.kind === 'gap' ? s.height : 0), 0);
    expect(rendered + spacers).toBe(100 * 40);
  });

  it('leaves out empty spacers (the window at either end of the list)', () => {
    expect(tableSegments([row(0), row(1)], 80, 0)).toEqual([
      { kind: 'row', index: 0 },
      { kind: 'row', index: 1 },
    ]);
    // While sizes settle the total can briefly be smaller than the last row's end.
    expect(tableSegments([row(0), row(1)], 70, 0)).toEqual([
      { kind: 'row', index: 0 },
      { kind: 'row', index: 1 },
    ]);
    expect(tableSegments([], 0, 0)).toEqual([]);
  });

  it('windows only lists longer than the threshold', () => {
    expect(WINDOW_THRESHOLD).toBe(60);
  });
});
