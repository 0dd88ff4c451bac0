const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "5 minutes ago", "yesterday", "just now"; "—" for a missing or unreadable timestamp. */
export function formatRelativeTime(iso: string, now: Date = new Date()): string {
  const time = Date.parse(iso);
  if (!iso || Number.isNaN(time)) return '—';
  const seconds = Math.round((time - now.getTime()) / 1000);
  if (Math.abs(seconds) < 45) return 'just now';
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  }
  return relative.format(Math.round(seconds / 60) || (seconds < 0 ? -1 : 1), 'minute');
}

/** A full local date and time, for tooltips; "" when unreadable. */
export function formatDateTime(iso: string): string {
  const time = Date.parse(iso);
  return !iso || Number.isNaN(time) ? '' : absolute.format(time);
}

/** "850 ms", "12 s", "3 min 5 s", "2 h 4 min"; "" when either end is missing or unreadable. */
export function formatDuration(startIso: string, endIso: string): string {
  const start = Date.parse(startIso);
  const end = Date.parse(endIso);
  if (!startIso || !endIso || Number.isNaN(start) || Number.isNaN(end) || end < start) return '';
  const ms = end - start;
  if (ms < 1000) return `${ms} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 ? `${minutes} min ${seconds % 60} s` : `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

/** A local wall-clock time with seconds ("14:03:07"), for progress logs; "" when unreadable. */
export function formatClock(iso: string): string {
  const time = Date.parse(iso);
  return !iso || Number.isNaN(time) ? '' : clock.format(time);
}
