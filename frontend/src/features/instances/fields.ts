import type { EffectiveField, Origin } from '@/lib/types';

/** One variable of a keyed map (environment, labels), with its own origin. */
export interface MapEntry {
  key: string;
  value: string;
  origin: Origin;
}

export function fieldAt(fields: readonly EffectiveField[], path: string): EffectiveField | undefined {
  return fields.find((field) => field.path === path);
}

/** A value as one line of text: strings as they are, everything else as JSON. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** A list field's items as text ([] when unset or not a list). */
export function listItems(field: EffectiveField | undefined): string[] {
  return Array.isArray(field?.value) ? field.value.map(valueText) : [];
}

/**
 * The keys of a keyed map, each with its origin. The backend lists keys individually
 * ("environment.APP_ENV", kind map-key); a whole-map entry without them is expanded with the
 * map's own origin.
 */
export function mapEntries(fields: readonly EffectiveField[], map: string): MapEntry[] {
  const prefix = `${map}.`;
  const keyed = fields
    .filter((field) => field.path.startsWith(prefix))
    .map((field) => ({ key: field.path.slice(prefix.length), value: valueText(field.value), origin: field.origin }));
  if (keyed.length > 0) return keyed.sort((a, b) => a.key.localeCompare(b.key));
  const whole = fieldAt(fields, map);
  if (whole && whole.value && typeof whole.value === 'object' && !Array.isArray(whole.value)) {
    return Object.entries(whole.value as Record<string, unknown>)
      .map(([key, value]) => ({ key, value: valueText(value), origin: whole.origin }))
      .sort((a, b) => a.key.localeCompare(b.key));
  }
  return [];
}

export interface EffectiveRow {
  path: string;
  /** Set for a key of a keyed map. */
  mapKey?: string;
  value: unknown;
  origin: Origin;
  kind: EffectiveField['kind'];
}

export interface EffectiveGroup {
  /** The top-level field. */
  name: string;
  /** For a keyed map: one row per key. Otherwise the field's own row. */
  rows: EffectiveRow[];
  isMap: boolean;
}

/** Every effective field, top-level fields by name, the keys of maps listed individually. */
export function effectiveGroups(fields: readonly EffectiveField[]): EffectiveGroup[] {
  const names = new Set<string>();
  for (const field of fields) names.add(field.path.split('.')[0]);
  return [...names].sort().map((name) => {
    const own = fieldAt(fields, name);
    const isMap = own?.kind === 'map' || fields.some((field) => field.kind === 'map-key' && field.path.startsWith(`${name}.`));
    if (isMap) {
      const rows = mapEntries(fields, name).map((entry) => ({
        path: `${name}.${entry.key}`,
        mapKey: entry.key,
        value: entry.value,
        origin: entry.origin,
        kind: 'map-key' as const,
      }));
      return { name, rows, isMap };
    }
    const rows = fields
      .filter((field) => field.path === name || field.path.startsWith(`${name}.`))
      .map((field) => ({ path: field.path, value: field.value, origin: field.origin, kind: field.kind }));
    return { name, rows, isMap };
  });
}

/** How many effective values come from the instance's own overrides. */
export function overrideCount(fields: readonly EffectiveField[]): number {
  return effectiveGroups(fields).reduce((sum, group) => sum + group.rows.filter((row) => row.origin === 'override').length, 0);
}

/** A value in YAML flow style for one line: [CMD, curl, -s], {a: 1}. Strings unquoted unless they need it. */
export function flowText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(flowText).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([key, item]) => `${key}: ${flowText(item)}`)
      .join(', ')}}`;
  }
  if (typeof value === 'string') {
    return value === '' || /^[\s[\]{},:#&*!|>'"%@`]|^-(\s|$)|[,[\]{}]|:\s|\s#|\s$/.test(value) ? JSON.stringify(value) : value;
  }
  return value === null || value === undefined ? 'null' : String(value);
}

/** An object field (healthcheck, deploy) as "key: value" lines, sorted by key. */
export function objectLines(value: Record<string, unknown>): { key: string; text: string }[] {
  return Object.keys(value)
    .sort()
    .map((key) => ({ key, text: flowText(value[key]) }));
}

/** One overridden value that differs between two readings of an instance. */
export interface OverrideChange {
  path: string;
  /** The value before, as one line ("local"), or undefined when the field was not overridden. */
  before?: string;
  /** The value now, or undefined when the override was removed (the template's value applies). */
  after?: string;
}

/**
 * What changed in an instance's overrides between two readings of its effective fields:
 * every path overridden in either reading whose value or origin differs. A keyed map is
 * compared key by key (its whole-map row is skipped), so a variable saved in the form names
 * itself ("environment.APP_ENV"). Used to name the field that makes a YAML draft stale.
 */
export function changedOverrides(before: readonly EffectiveField[], after: readonly EffectiveField[]): OverrideChange[] {
  const overridden = (fields: readonly EffectiveField[]) =>
    new Map(fields.filter((field) => field.origin === 'override' && field.kind !== 'map').map((field) => [field.path, field]));
  const was = overridden(before);
  const now = overridden(after);
  const paths = [...new Set([...was.keys(), ...now.keys()])].sort();
  const changes: OverrideChange[] = [];
  for (const path of paths) {
    const a = was.get(path);
    const b = now.get(path);
    if (a && b && JSON.stringify(a.value) === JSON.stringify(b.value)) continue;
    changes.push({ path, before: a ? flowText(a.value) : undefined, after: b ? flowText(b.value) : undefined });
  }
  return changes;
}

/** "environment.APP_ENV: local → dev", "image: override removed", "ports: set to [8081:80]". */
export function describeChange(change: OverrideChange): string {
  if (change.before !== undefined && change.after !== undefined) return `${change.path}: ${change.before} → ${change.after}`;
  if (change.after !== undefined) return `${change.path}: set to ${change.after}`;
  return `${change.path}: override removed (${change.before} before)`;
}
