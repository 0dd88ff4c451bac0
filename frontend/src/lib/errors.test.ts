import { describe, expect, it } from 'vitest';
import { AppError, errorKindTitle, errorPosition, fieldError, fieldMatches, isTransient, parseProblem, problemFrom, toAppError } from './errors';

describe('toAppError', () => {
  it('parses the JSON problem the Go side rejects with', () => {
    const error = toAppError(
      '{"kind":"not_found","summary":"Stack \\"shop\\" does not exist","detail":"no row","field":"name"}',
    );
    expect(error).toBeInstanceOf(AppError);
    expect(error).toBeInstanceOf(Error);
    expect(error.kind).toBe('not_found');
    expect(error.summary).toBe('Stack "shop" does not exist');
    expect(error.message).toBe('Stack "shop" does not exist');
    expect(error.detail).toBe('no row');
    expect(error.field).toBe('name');
  });

  it('accepts every documented kind', () => {
    for (const kind of [
      'internal',
      'not_found',
      'conflict',
      'invalid',
      'locked',
      'stale',
      'engine_unavailable',
      'canceled',
      'unavailable',
    ] as const) {
      expect(toAppError(JSON.stringify({ kind, summary: 's' })).kind).toBe(kind);
      expect(errorKindTitle(kind)).not.toBe('');
    }
  });

  it('reads a problem from an Error whose message is the JSON document', () => {
    const error = toAppError(new Error('{"kind":"locked","summary":"Stack is busy","detail":"held by pid 42"}'));
    expect(error.kind).toBe('locked');
    expect(error.summary).toBe('Stack is busy');
    expect(error.detail).toBe('held by pid 42');
  });

  it('reads a problem handed over as an object', () => {
    const error = toAppError({ kind: 'conflict', summary: 'Name taken' });
    expect(error.kind).toBe('conflict');
    expect(error.summary).toBe('Name taken');
    expect(error.detail).toBeUndefined();
  });

  it('falls back to internal with the raw message for plain text', () => {
    const error = toAppError('method \'bindings.Stacks.Nope\' not registered');
    expect(error.kind).toBe('internal');
    expect(error.summary).toBe("method 'bindings.Stacks.Nope' not registered");
  });

  it('falls back to internal for broken or foreign JSON', () => {
    expect(toAppError('{"kind":"not_found",').toProblem()).toEqual({
      kind: 'internal',
      summary: '{"kind":"not_found",',
      detail: undefined,
      field: undefined,
    });
    expect(toAppError('{"error":"nope"}').summary).toBe('{"error":"nope"}');
    expect(toAppError('{"kind":"not_found","summary":""}').kind).toBe('internal');
  });

  it('keeps the summary of an unknown kind but calls it internal', () => {
    const error = toAppError('{"kind":"quota","summary":"Too many stacks"}');
    expect(error.kind).toBe('internal');
    expect(error.summary).toBe('Too many stacks');
  });

  it('drops empty detail and field', () => {
    const error = toAppError('{"kind":"invalid","summary":"Bad name","detail":"","field":""}');
    expect(error.detail).toBeUndefined();
    expect(error.field).toBeUndefined();
  });

  it('never throws on odd values', () => {
    expect(toAppError(undefined).summary).toBe('Something went wrong');
    expect(toAppError(null).kind).toBe('internal');
    expect(toAppError('').summary).toBe('Something went wrong');
    expect(toAppError(42).summary).toBe('42');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(toAppError(cyclic).kind).toBe('internal');
  });

  it('returns an AppError unchanged', () => {
    const original = new AppError({ kind: 'stale', summary: 'Plan is out of date' });
    expect(toAppError(original)).toBe(original);
  });

  it('keeps a JS error as the cause', () => {
    const cause = new TypeError('boom');
    expect(toAppError(cause).cause).toBe(cause);
  });
});

describe('parseProblem', () => {
  it('tolerates surrounding whitespace', () => {
    expect(parseProblem('  {"kind":"canceled","summary":"Stopped"}\n').kind).toBe('canceled');
  });
});

describe('isTransient', () => {
  it('is true only for an unavailable backend', () => {
    expect(isTransient(new AppError({ kind: 'unavailable', summary: 'starting' }))).toBe(true);
    expect(isTransient(new AppError({ kind: 'engine_unavailable', summary: 'docker down' }))).toBe(false);
    expect(isTransient(new Error('x'))).toBe(false);
  });
});

describe('field errors', () => {
  it('matches a field path and the paths under it', () => {
    expect(fieldMatches('name', 'name')).toBe(true);
    expect(fieldMatches('environment.APP_ENV', 'environment')).toBe(true);
    expect(fieldMatches('environment.APP_ENV', 'environment.APP_ENV')).toBe(true);
    expect(fieldMatches('ports[1]', 'ports')).toBe(true);
    expect(fieldMatches('environments', 'environment')).toBe(false);
    expect(fieldMatches('environment', 'environment.APP_ENV')).toBe(false);
    expect(fieldMatches(undefined, '*')).toBe(false);
    expect(fieldMatches('anything', '*')).toBe(true);
  });

  it('returns the error to show at a field, or nothing', () => {
    const error = new AppError({ kind: 'invalid', summary: 'bad', field: 'description' });
    expect(fieldError(error, 'name', 'description')).toBe(error);
    expect(fieldError(error, 'name')).toBeUndefined();
    expect(fieldError(new AppError({ kind: 'internal', summary: 'x' }), '*')).toBeUndefined();
    expect(fieldError(null, 'name')).toBeUndefined();
  });

  it('finds the line and column a YAML error points at', () => {
    expect(errorPosition({ summary: 'x', detail: 'service.ports: ...: line 5, column 10: write a list' })).toEqual({ line: 5, column: 10 });
    expect(errorPosition({ summary: 'yaml: line 3: mapping values are not allowed' })).toEqual({ line: 3 });
    expect(errorPosition({ summary: 'no position' })).toBeUndefined();
  });

  it('reads problems embedded in a result', () => {
    expect(problemFrom({ kind: 'conflict', summary: 'clash' })).toEqual({ kind: 'conflict', summary: 'clash', detail: undefined, field: undefined });
    expect(problemFrom('{"kind":"invalid","summary":"s"}').kind).toBe('invalid');
    expect(problemFrom({ odd: true }).kind).toBe('internal');
  });
});

describe('problems of one refused write', () => {
  it('keeps each problem with its field', () => {
    const error = toAppError(
      new Error(
        JSON.stringify({
          kind: 'invalid',
          summary: 'instance "web" of stack "shop": 2 problems',
          problems: [
            { kind: 'invalid', summary: 'host port 99999 is out of range 1-65535', field: 'ports[0]' },
            { kind: 'invalid', summary: '"sometimes" is not a restart policy', field: 'restart' },
            { summary: 'not a problem: no kind' },
          ],
        }),
      ),
    );
    expect(error.problems).toEqual([
      { kind: 'invalid', summary: 'host port 99999 is out of range 1-65535', field: 'ports[0]' },
      { kind: 'invalid', summary: '"sometimes" is not a restart policy', field: 'restart' },
    ]);
    expect(toAppError(new Error('{"kind":"invalid","summary":"one"}')).problems).toBeUndefined();
  });
});
