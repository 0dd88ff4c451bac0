import type { ActionResult, PlanAction, ProgressEvent } from '@/lib/types';

/**
 * How a progress status reads: compose's words for a container ("Creating", "Started",
 * "Healthy", "Removed", ...) and DevArch's own ("done", "error", "info").
 */
export type StepTone = 'queued' | 'active' | 'done' | 'error' | 'skipped';

const DONE = new Set(['started', 'healthy', 'running', 'completed', 'removed', 'stopped', 'exited', 'done', 'up-to-date']);
const ERROR = /error|unhealthy|failed/i;

/**
 * `network` marks lines about the network, for which "Created" is the end; a container goes
 * on from "Created" to "Starting".
 */
export function stepTone(status: string, { network = false }: { network?: boolean } = {}): StepTone {
  const word = status.trim().toLowerCase();
  if (!word) return 'queued';
  if (ERROR.test(word)) return 'error';
  if (DONE.has(word) || (network && word === 'created')) return 'done';
  return 'active';
}

/** One row of the progress table: an instance (or the network) and where it got to. */
export interface ProgressStep {
  key: string;
  /** The instance, or the network's name. */
  label: string;
  /** What the plan said would happen ("create", "replace", ...); "" for rows only events name. */
  action: string;
  /** The latest status word, "" before any. */
  status: string;
  message: string;
  time: string;
  tone: StepTone;
}

/** The name a network line is about: compose says "Network devarch-shop-net  Created". */
function networkOf(event: ProgressEvent): string | undefined {
  const match = /^Network\s+(\S+)/.exec(event.message);
  return match?.[1];
}

const ACTION_WORDS: Record<PlanAction['kind'], string> = {
  create: 'create',
  update: 'start',
  replace: 'replace',
  remove: 'remove',
  'create-network': 'create network',
  'remove-network': 'remove network',
};

/** The row an action or result belongs to: its network, or its instance. */
function rowKey(a: { kind?: string; network?: string; instance?: string; container?: string }): { key: string; label: string } {
  const isNetwork = a.kind === 'create-network' || a.kind === 'remove-network';
  const label = (isNetwork ? a.network : a.instance || a.container) ?? '';
  return { key: isNetwork ? `network:${label}` : `instance:${label}`, label };
}

/**
 * The rows to show while (and after) a run: one per planned action, in the plan's order,
 * then any instance only the events name; each with its latest status. When the run ended,
 * the engine's per-action `results` settle every row: done, failed with why, or not
 * attempted. Without results (an apply refused before it ran, an older backend),
 * `finished` settles rows left in between: done on success; on failure a row still in
 * progress is "Not finished" (failed) and one never started "Not attempted".
 */
export function progressSteps(
  actions: readonly PlanAction[],
  events: readonly ProgressEvent[],
  finished?: 'succeeded' | 'failed',
  results?: readonly ActionResult[],
): ProgressStep[] {
  const steps = new Map<string, ProgressStep>();
  for (const action of actions) {
    const { key, label } = rowKey(action);
    if (!steps.has(key)) {
      steps.set(key, { key, label, action: ACTION_WORDS[action.kind], status: '', message: '', time: '', tone: 'queued' });
    }
  }
  for (const event of events) {
    const network = event.instance ? undefined : networkOf(event);
    if (!event.instance && !network) continue;
    const key = event.instance ? `instance:${event.instance}` : `network:${network}`;
    const label = event.instance || network || '';
    const step = steps.get(key) ?? { key, label, action: '', status: '', message: '', time: '', tone: 'queued' as StepTone };
    const message = event.instance ? event.message : '';
    steps.set(key, { ...step, status: event.status, message, time: event.time, tone: stepTone(event.status, { network: !event.instance }) });
  }
  if (results?.length) {
    // One row may carry several actions (an instance's remove and create): a failure wins,
    // then a skip, then done.
    const verdicts = new Map<string, ActionResult>();
    const rank = (status: string) => (status === 'failed' ? 3 : status === 'skipped' || status === 'pending' ? 2 : 1);
    for (const result of results) {
      const { key } = rowKey(result);
      const seen = verdicts.get(key);
      if (!seen || rank(result.status) > rank(seen.status)) verdicts.set(key, result);
    }
    for (const [key, result] of verdicts) {
      const step = steps.get(key);
      if (!step) continue;
      if (result.status === 'done') {
        steps.set(key, { ...step, tone: 'done', status: step.tone === 'done' ? step.status : 'Done' });
      } else if (result.status === 'failed') {
        steps.set(key, { ...step, tone: 'error', status: 'Failed', message: result.error || step.message });
      } else {
        steps.set(key, { ...step, tone: 'skipped', status: 'Not attempted', message: result.error || 'an earlier step failed' });
      }
    }
  }
  const rows = [...steps.values()];
  if (finished === 'succeeded') {
    return rows.map((row) => (row.tone === 'active' || row.tone === 'queued' ? { ...row, tone: 'done' } : row));
  }
  if (finished === 'failed') {
    return rows.map((row) =>
      row.tone === 'active'
        ? { ...row, tone: 'error', status: 'Not finished' }
        : row.tone === 'queued'
          ? { ...row, tone: 'skipped', status: 'Not attempted' }
          : row,
    );
  }
  return rows;
}

/** The events worth a line in the log: everything but empty info lines. */
export function logLines(events: readonly ProgressEvent[]): ProgressEvent[] {
  return events.filter((event) => event.status !== 'info' || event.message.trim() !== '');
}
