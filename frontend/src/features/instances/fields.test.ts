import { describe, expect, it } from 'vitest';
import type { EffectiveField } from '@/lib/types';
import { changedOverrides, describeChange, effectiveGroups, listItems, mapEntries, overrideCount } from './fields';

const fields: EffectiveField[] = [
  { path: 'image', kind: 'scalar', value: 'nginx:1.27', origin: 'template' },
  { path: 'ports', kind: 'list', value: ['8081:80'], origin: 'override' },
  { path: 'environment', kind: 'map', value: { APP_ENV: 'local', TZ: 'UTC' }, origin: 'template' },
  { path: 'environment.APP_ENV', kind: 'map-key', value: 'local', origin: 'override' },
  { path: 'environment.TZ', kind: 'map-key', value: 'UTC', origin: 'template' },
  { path: 'restart', kind: 'scalar', value: 'unless-stopped', origin: 'default' },
];

describe('effective fields', () => {
  it('lists map keys individually with their own origin', () => {
    expect(mapEntries(fields, 'environment')).toEqual([
      { key: 'APP_ENV', value: 'local', origin: 'override' },
      { key: 'TZ', value: 'UTC', origin: 'template' },
    ]);
  });

  it('expands a whole-map field when the keys are not listed', () => {
    expect(mapEntries([{ path: 'labels', kind: 'map', value: { b: '2', a: 1 }, origin: 'template' }], 'labels')).toEqual([
      { key: 'a', value: '1', origin: 'template' },
      { key: 'b', value: '2', origin: 'template' },
    ]);
  });

  it('groups by top-level field and counts overrides once per value', () => {
    const groups = effectiveGroups(fields);
    expect(groups.map((group) => group.name)).toEqual(['environment', 'image', 'ports', 'restart']);
    expect(groups[0].rows.map((row) => row.path)).toEqual(['environment.APP_ENV', 'environment.TZ']);
    expect(overrideCount(fields)).toBe(2);
    expect(listItems(fields[1])).toEqual(['8081:80']);
  });
});

describe('flowText', () => {
  it('writes values as one YAML flow line', async () => {
    const { flowText, objectLines } = await import('./fields');
    expect(flowText(['CMD', 'curl', '-s', 'http://127.0.0.1/'])).toBe('[CMD, curl, -s, http://127.0.0.1/]');
    expect(flowText({ a: 1, b: [true, null] })).toBe('{a: 1, b: [true, null]}');
    expect(flowText('')).toBe('""');
    expect(objectLines({ timeout: '3s', interval: '5s' })).toEqual([
      { key: 'interval', text: '5s' },
      { key: 'timeout', text: '3s' },
    ]);
  });
});

describe('changedOverrides', () => {
  const withEnv = (value: string, origin: EffectiveField['origin']) =>
    fields.map((field) => (field.path === 'environment.APP_ENV' ? { ...field, value, origin } : field));

  it('names a variable saved in the form, with its old and new value', () => {
    const changes = changedOverrides(fields, withEnv('dev', 'override'));
    expect(changes).toEqual([{ path: 'environment.APP_ENV', before: 'local', after: 'dev' }]);
    expect(describeChange(changes[0])).toBe('environment.APP_ENV: local → dev');
  });

  it('names an override that was added or removed', () => {
    const added = changedOverrides(fields, [...fields.filter((f) => f.path !== 'image'), { path: 'image', kind: 'scalar', value: 'nginx:1.28', origin: 'override' }]);
    expect(added.map(describeChange)).toEqual(['image: set to nginx:1.28']);
    const removed = changedOverrides(fields, withEnv('local', 'template'));
    expect(removed.map(describeChange)).toEqual(['environment.APP_ENV: override removed (local before)']);
  });

  it('reports nothing when only template values moved', () => {
    const templateMoved = fields.map((field) => (field.path === 'restart' ? { ...field, value: 'always' } : field));
    expect(changedOverrides(fields, templateMoved)).toEqual([]);
    expect(changedOverrides(fields, fields)).toEqual([]);
  });
});
