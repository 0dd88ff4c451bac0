import { describe, expect, it } from 'vitest';
import { parseAnsi, stripAnsi } from './ansi';

describe('parseAnsi', () => {
  it('reads bold and the 16 colours, and reset', () => {
    expect(parseAnsi('a\x1b[1;31mred\x1b[0m b \x1b[92mgreen\x1b[39m c')).toEqual([
      { text: 'a' },
      { text: 'red', bold: true, fg: 'c1' },
      { text: ' b ' },
      { text: 'green', fg: 'c10' },
      { text: ' c' },
    ]);
  });

  it('reads backgrounds, 256 and 24-bit colours', () => {
    expect(parseAnsi('\x1b[44mx\x1b[49m')).toEqual([{ text: 'x', bg: 'c4' }]);
    expect(parseAnsi('\x1b[38;5;196mx')).toEqual([{ text: 'x', fg: 'rgb(255, 0, 0)' }]);
    expect(parseAnsi('\x1b[38;5;9mx')).toEqual([{ text: 'x', fg: 'c9' }]);
    expect(parseAnsi('\x1b[48;5;232mx')).toEqual([{ text: 'x', bg: 'rgb(8, 8, 8)' }]);
    expect(parseAnsi('\x1b[38;2;1;2;3mx')).toEqual([{ text: 'x', fg: 'rgb(1, 2, 3)' }]);
    expect(parseAnsi('\x1b[38;5;999mx')).toEqual([{ text: 'x' }]);
  });

  it('turns bold off with 22 and keeps the rest of the style', () => {
    expect(parseAnsi('\x1b[1;4;33mA\x1b[22mB\x1b[mC')).toEqual([
      { text: 'A', bold: true, underline: true, fg: 'c3' },
      { text: 'B', underline: true, fg: 'c3' },
      { text: 'C' },
    ]);
  });

  it('drops other escapes, control characters and an unfinished escape', () => {
    expect(stripAnsi('\r\x1b[Kweb exited\x1b[2J')).toBe('web exited');
    expect(stripAnsi('\x1b]0;title\x07after')).toBe('after');
    expect(stripAnsi('\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\')).toBe('link');
    expect(stripAnsi('tab\tkept\x00\x08')).toBe('tab\tkept');
    expect(stripAnsi('cut \x1b[31')).toBe('cut ');
    expect(stripAnsi('esc at end\x1b')).toBe('esc at end');
  });

  it('keeps markup as text: nothing is read as HTML', () => {
    expect(stripAnsi('<img src=x onerror=alert(1)>')).toBe('<img src=x onerror=alert(1)>');
    expect(parseAnsi('\x1b[31m<b>&amp;</b>')).toEqual([{ text: '<b>&amp;</b>', fg: 'c1' }]);
  });

  it('joins its segments into the stripped line for any input', () => {
    const samples = ['', 'plain', '\x1b[', '\x1b[;;m', '\x1b[38;5m', '\x1b[38;2;300;1;1mx', 'é\x1b[1m漢字', '\x1b[?25l\x1b[1A'];
    for (const s of samples) {
      expect(parseAnsi(s).map((x) => x.text).join('')).toBe(stripAnsi(s));
      expect(stripAnsi(s)).not.toContain('\x1b');
    }
  });
});
