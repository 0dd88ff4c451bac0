/** Pure helpers of the log viewer: instance colours and the filter. */

/** One line as the viewer keeps it: its instance, the text as printed, and without escapes. */
export interface ViewLine {
  instance: string;
  text: string;
  plain: string;
}

/** How many tag colours there are (--log-tag-0 .. --log-tag-7 in global.css, both themes). */
export const TAG_COLOURS = 8;

/**
 * The tag colour of an instance: a hash of its name, so the same instance has the same
 * colour in every view and every session (two instances can share one: the tag's text still
 * names each). "" (compose's own messages) has none: -1.
 */
export function tagColour(instance: string): number {
  if (instance === '') return -1;
  let h = 2166136261;
  for (let i = 0; i < instance.length; i++) {
    h ^= instance.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0) % TAG_COLOURS;
}

/** What the filter keeps: lines whose plain text contains query (any case), of instances not hidden. */
export interface LogFilter {
  query: string;
  hidden: ReadonlySet<string>;
}

/** The lines the filter keeps, in order; the same array when it keeps everything. */
export function filterLines<T extends ViewLine>(lines: readonly T[], filter: LogFilter): readonly T[] {
  const q = filter.query.trim().toLowerCase();
  if (q === '' && filter.hidden.size === 0) return lines;
  return lines.filter((l) => !filter.hidden.has(l.instance) && (q === '' || l.plain.toLowerCase().includes(q)));
}

/** The instances seen in lines, sorted (compose's own messages, "", left out). */
export function instancesOf(lines: readonly ViewLine[]): string[] {
  const seen = new Set<string>();
  for (const l of lines) if (l.instance !== '') seen.add(l.instance);
  return [...seen].sort();
}

/** The copy of lines: plain text, with "instance | " before each when tagged is set. */
export function copyText(lines: readonly ViewLine[], tagged: boolean): string {
  return lines.map((l) => (tagged && l.instance ? `${l.instance} | ${l.plain}` : l.plain)).join('\n');
}

/**
 * The rows of a virtualised list of count rows of rowHeight px to render for a viewport at
 * scrollTop of height px: the visible ones and overscan more on each side.
 */
export function visibleRange(count: number, rowHeight: number, scrollTop: number, height: number, overscan = 10): { start: number; end: number } {
  if (count === 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const shown = Math.ceil(Math.max(0, height) / rowHeight) + 1;
  const start = Math.max(0, Math.min(count, first) - overscan);
  const end = Math.min(count, first + shown + overscan);
  return { start, end: Math.max(start, end) };
}
