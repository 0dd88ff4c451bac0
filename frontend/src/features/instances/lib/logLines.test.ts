import { describe, expect, it } from 'vitest';
import { copyText, filterLines, instancesOf, tagColour, TAG_COLOURS, visibleRange, type ViewLine } from './logLines';

const line = (instance: string, plain: string): ViewLine => ({ instance, text: plain, plain });
const lines = [line('web', 'GET /health 200'), line('worker', 'job 1 done'), line('web', 'ERROR boom'), line('', 'Attaching to web')];

describe('filterLines', () => {
  it('keeps everything (the same array) without a filter', () => {
    expect(filterLines(lines, { query: '  ', hidden: new Set() })).toBe(lines);
  });
  it('matches a substring in any case on the plain text', () => {
    expect(filterLines(lines, { query: 'error', hidden: new Set() })).toEqual([lines[2]]);
    expect(filterLines([{ instance: 'a', text: '\x1b[31mRed\x1b[0m', plain: 'Red' }], { query: '31m', hidden: new Set() })).toEqual([]);
  });
  it('hides instances, and combines with the query', () => {
    expect(filterLines(lines, { query: '', hidden: new Set(['web']) })).toEqual([lines[1], lines[3]]);
    expect(filterLines(lines, { query: 'JOB', hidden: new Set(['web']) })).toEqual([lines[1]]);
  });
});

describe('tagColour', () => {
  it('is stable, in range, and none for compose messages', () => {
    expect(tagColour('web')).toBe(tagColour('web'));
    for (const n of ['a', 'web', 'worker', 'db', 'api-v2']) {
      expect(tagColour(n)).toBeGreaterThanOrEqual(0);
      expect(tagColour(n)).toBeLessThan(TAG_COLOURS);
    }
    expect(tagColour('')).toBe(-1);
  });
});

describe('instancesOf and copyText', () => {
  it('lists instances sorted, without compose messages', () => {
    expect(instancesOf(lines)).toEqual(['web', 'worker']);
  });
  it('copies plain text, tagged for a stack view', () => {
    const colored: ViewLine = { instance: 'web', text: '\x1b[1mhi\x1b[0m', plain: 'hi' };
    expect(copyText([colored], false)).toBe('hi');
    expect(copyText([colored, lines[3]], true)).toBe('web | hi\nAttaching to web');
  });
});

describe('visibleRange', () => {
  it('covers the viewport plus overscan, clamped', () => {
    expect(visibleRange(10_000, 20, 0, 400, 5)).toEqual({ start: 0, end: 26 });
    expect(visibleRange(10_000, 20, 100_000, 400, 5)).toEqual({ start: 4995, end: 5026 });
    expect(visibleRange(10_000, 20, 10_000_000, 400, 5)).toEqual({ start: 9995, end: 10_000 });
    expect(visibleRange(0, 20, 0, 400)).toEqual({ start: 0, end: 0 });
  });
});
