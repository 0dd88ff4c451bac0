import { describe, expect, it } from 'vitest';
import { createPlan } from '@/test/fixtures';
import { logLines, progressSteps, stepTone } from './progress';

const at = (instance: string, status: string, message = '') => ({ instance, status, message, time: '2025-06-01T12:00:00Z' });

describe('progress', () => {
  it('reads compose words and DevArch words', () => {
    expect(stepTone('')).toBe('queued');
    for (const word of ['Creating', 'Created', 'Starting', 'Waiting', 'Recreate', 'Stopping', 'Removing']) expect(stepTone(word)).toBe('active');
    for (const word of ['Started', 'Healthy', 'Running', 'Stopped', 'Removed', 'done']) expect(stepTone(word)).toBe('done');
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

  it('settles rows left in between once the run succeeded, not when it failed', () => {
    const events = [at('cache', 'Created')];
    expect(progressSteps(createPlan.actions, events, 'succeeded').every((step) => step.tone === 'done')).toBe(true);
    expect(progressSteps(createPlan.actions, events, 'failed')[1].tone).toBe('active');
  });

  it('logs every step but empty lines', () => {
    expect(logLines([at('', 'info', ''), at('', 'info', 'x'), at('web', 'Started')])).toHaveLength(2);
  });
});
