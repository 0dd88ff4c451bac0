import { describe, expect, it } from 'vitest';
import { toAppError } from './errors';

describe('a failed apply keeps what it did', () => {
  it('reads the run and the per-action results out of the problem document', () => {
    const error = toAppError(
      new Error(
        JSON.stringify({
          kind: 'internal',
          summary: 'app exited with code 3',
          runId: 4,
          results: [{ action: '+ create app', kind: 'create', instance: 'app', status: 'failed', error: 'exited with code 3' }, { bogus: true }],
        }),
      ),
    );
    expect(error.runId).toBe(4);
    expect(error.results).toEqual([{ action: '+ create app', kind: 'create', instance: 'app', status: 'failed', error: 'exited with code 3' }]);
    expect(error.toProblem().results).toHaveLength(1);
  });

  it('has none for a refusal', () => {
    const error = toAppError(new Error(JSON.stringify({ kind: 'stale', summary: 'the plan is stale' })));
    expect(error.results).toBeUndefined();
    expect(error.runId).toBeUndefined();
  });
});
