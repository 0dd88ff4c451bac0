import { describe, expect, it } from 'vitest';
import { createPlan } from '@/test/fixtures';
import { logLines, progressSteps, stepTone } from './progress';

const at = (instance: string, status: string, message = '') => ({ instance, status, message, time: '2025-06-01T12:00:00Z' });

describe('progress', () => {
  it('reads compose words and DevArch words', () => {
    expect(stepTone('')).toBe('queued');
    for (const word of ['Creating', 'Created', 'Starting', 'Waiting', 'Recreate', 'Stopping', 'Removing']) expect(stepTone(word)).toBe('active');
    for (const word of ['Started', 'Healthy', 'Running', 'Completed', 'Stopped', 'Removed', 'done']) expect(stepTone(word)).toBe('done');
    for (const word of ['error', 'Error', 'Unhealthy', 'failed']) expect(stepTone(word)).toBe('error');
    expect(stepTone('Created', { network: true })).toBe('done');
  });

  it('has a row per planned action in plan order, then the latest status of each', () => {
    const queued = progressSteps(createPlan.actions, []);
    expect(queued.map((step) => [step.label, step.action, step.tone])).toEqual([
      ['devarch-shop-net', 'create network', 'queued'],
      ['cache', 'create', 'queued'],
      ['web', 'create', 'queued'],
    ]);
    const later = progressSteps(createPlan.actions, [
      at('', 'Created', 'Network devarch-shop-net'),
      at('cache', 'Creating'),
      at('cache', 'Started'),
      at('web', 'Error', 'port is already allocated'),
      at('', 'info', 'some compose line'),
      at('extra', 'Removed'),
    ]);
    expect(later.map((step) => [step.label, step.status, step.tone])).toEqual([
      ['devarch-shop-net', 'Created', 'done'],
      ['cache', 'Started', 'done'],
      ['web', 'Error', 'error'],
      ['extra', 'Removed', 'done'],
    ]);
    expect(later[2].message).toBe('port is already allocated');
  });

  it('settles rows left in between once the run ended: done on success; not finished or not attempted on failure', () => {
    const events = [at('cache', 'Created')];
    expect(progressSteps(createPlan.actions, events, 'succeeded').every((step) => step.tone === 'done')).toBe(true);
    const failed = progressSteps(createPlan.actions, events, 'failed');
    expect(failed[1]).toMatchObject({ tone: 'error', status: 'Not finished' });
    expect(failed[2]).toMatchObject({ tone: 'skipped', status: 'Not attempted' });
  });

  it("ends every row as the engine's results say: done, failed with why, not attempted", () => {
    // cache crash-loops while compose still says "Started": the result is the truth.
    const events = [at('', 'Created', 'Network devarch-shop-net'), at('cache', 'Started')];
    const rows = progressSteps(createPlan.actions, events, 'failed', [
      { action: '+ create network devarch-shop-net', kind: 'create-network', network: 'devarch-shop-net', status: 'done' },
      { action: '+ create cache', kind: 'create', instance: 'cache', status: 'failed', error: 'exited with code 3' },
      { action: '+ create web', kind: 'create', instance: 'web', status: 'skipped', error: 'not run: an earlier step failed' },
    ]);
    expect(rows.map((row) => [row.label, row.tone, row.status, row.message])).toEqual([
      ['devarch-shop-net', 'done', 'Created', ''],
      ['cache', 'error', 'Failed', 'exited with code 3'],
      ['web', 'skipped', 'Not attempted', 'not run: an earlier step failed'],
    ]);
  });

  it('logs every step but empty lines', () => {
    expect(logLines([at('', 'info', ''), at('', 'info', 'x'), at('web', 'Started')])).toHaveLength(2);
  });
});
