/**
 * ANSI escapes in log lines, read into styled segments the viewer renders as React elements
 * (never as HTML). SGR ("ESC [ ... m") sets bold, dim, italic, underline and the 16, 256 and
 * 24-bit colours; every other escape (cursor moves, erase line, OSC titles) and the other
 * control characters (but tab) are dropped. An unfinished escape at the end is dropped too.
 */

/** A run of text with one style. fg/bg: "c0".."c15" (a theme class), or an "rgb(...)" colour. */
export interface AnsiSegment {
  text: string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
  fg?: string;
  bg?: string;
}

type Style = Omit<AnsiSegment, 'text'>;

/** The xterm 256-colour palette above the 16 named ones, as CSS. */
function colour256(n: number): string | undefined {
  if (!Number.isInteger(n) || n < 0 || n > 255) return undefined;
  if (n < 16) return `c${n}`;
  if (n < 232) {
    const i = n - 16;
    const level = (v: number) => (v === 0 ? 0 : 55 + v * 40);
    return `rgb(${level(Math.floor(i / 36))}, ${level(Math.floor(i / 6) % 6)}, ${level(i % 6)})`;
  }
  const g = 8 + (n - 232) * 10;
  return `rgb(${g}, ${g}, ${g})`;
}

function byte(v: number | undefined): number | undefined {
  return v !== undefined && Number.isInteger(v) && v >= 0 && v <= 255 ? v : undefined;
}

/** Applies one SGR sequence's parameters to style (a new object). */
function applySgr(style: Style, params: string): Style {
  const next: Style = { ...style };
  const codes = params === '' ? [0] : params.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c === 0) {
      for (const k of Object.keys(next) as (keyof Style)[]) delete next[k];
    } else if (c === 1) next.bold = true;
    else if (c === 2) next.dim = true;
    else if (c === 3) next.italic = true;
    else if (c === 4) next.underline = true;
    else if (c === 22) {
      delete next.bold;
      delete next.dim;
    } else if (c === 23) delete next.italic;
    else if (c === 24) delete next.underline;
    else if (c >= 30 && c <= 37) next.fg = `c${c - 30}`;
    else if (c >= 90 && c <= 97) next.fg = `c${c - 90 + 8}`;
    else if (c === 39) delete next.fg;
    else if (c >= 40 && c <= 47) next.bg = `c${c - 40}`;
    else if (c >= 100 && c <= 107) next.bg = `c${c - 100 + 8}`;
    else if (c === 49) delete next.bg;
    else if (c === 38 || c === 48) {
      const key = c === 38 ? 'fg' : 'bg';
      let value: string | undefined;
      if (codes[i + 1] === 5) {
        value = colour256(codes[i + 2]);
        i += 2;
      } else if (codes[i + 1] === 2) {
        const [r, g, b] = [byte(codes[i + 2]), byte(codes[i + 3]), byte(codes[i + 4])];
        if (r !== undefined && g !== undefined && b !== undefined) value = `rgb(${r}, ${g}, ${b})`;
        i += 4;
      } else {
        break; // malformed: ignore the rest of this sequence
      }
      if (value) next[key] = value;
    }
  }
  return next;
}

function sameStyle(a: Style, b: Style): boolean {
  return a.bold === b.bold && a.dim === b.dim && a.italic === b.italic && a.underline === b.underline && a.fg === b.fg && a.bg === b.bg;
}

/** Reads a line into segments; their texts joined are the line without escapes. */
export function parseAnsi(line: string): AnsiSegment[] {
  const out: AnsiSegment[] = [];
  let style: Style = {};
  let text = '';
  const push = () => {
    if (text === '') return;
    const last = out[out.length - 1];
    if (last && sameStyle(last, style)) last.text += text;
    else out.push({ ...style, text });
    text = '';
  };
  let i = 0;
  while (i < line.length) {
    const ch = line.charCodeAt(i);
    if (ch === 0x1b) {
      const kind = line[i + 1];
      if (kind === '[') {
        // CSI: parameter and intermediate bytes, then a final byte 0x40-0x7e.
        let j = i + 2;
        while (j < line.length && (line.charCodeAt(j) < 0x40 || line.charCodeAt(j) > 0x7e)) j++;
        if (j >= line.length) break; // unfinished: drop the rest
        if (line[j] === 'm' && /^[0-9;:]*$/.test(line.slice(i + 2, j))) {
          push();
          style = applySgr(style, line.slice(i + 2, j));
        }
        i = j + 1;
      } else if (kind === ']' || kind === 'P' || kind === '_' || kind === '^' || kind === 'X') {
        // OSC / DCS / APC / PM / SOS: up to BEL or ST (ESC \).
        let j = i + 2;
        while (j < line.length && line.charCodeAt(j) !== 0x07 && !(line.charCodeAt(j) === 0x1b && line[j + 1] === '\\')) j++;
        i = j >= line.length ? j : line.charCodeAt(j) === 0x07 ? j + 1 : j + 2;
      } else {
        i += kind === undefined ? 1 : 2; // a two-byte escape (ESC c, ESC 7, ...)
      }
      continue;
    }
    if ((ch < 0x20 && ch !== 0x09) || ch === 0x7f || (ch >= 0x80 && ch < 0xa0)) {
      i++;
      continue;
    }
    text += line[i];
    i++;
  }
  push();
  return out;
}

/** The line as plain text: what copy and the filter see. */
export function stripAnsi(line: string): string {
  if (!/[\x00-\x08\x0a-\x1f\x7f-\x9f]/.test(line)) return line;
  return parseAnsi(line)
    .map((s) => s.text)
    .join('');
}
