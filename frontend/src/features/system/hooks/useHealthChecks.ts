import type { DotTone } from '@/components/StatusDot';
import type { Check } from '@/lib/types';
import { useHealth } from '../api/getHealth';

export type HealthState = Check['status'] | 'checking' | 'unknown';

export interface HealthItem {
  key: 'database' | 'engine';
  label: string;
  state: HealthState;
  summary: string;
  detail?: string;
  fix?: string;
}

const LABELS: Record<HealthItem['key'], string> = {
  database: 'Database',
  engine: 'Container engine',
};

export const HEALTH_TONES: Record<HealthState, DotTone> = {
  ok: 'ok',
  warning: 'warning',
  error: 'error',
  checking: 'pending',
  unknown: 'neutral',
};

/**
 * The status bar's and the System page's view of the health poll: one item per check,
 * "checking" before the first answer and "unknown" while the backend cannot be asked.
 */
export function useHealthChecks() {
  const query = useHealth();
  const { data, error, isPending } = query;
  const items = (Object.keys(LABELS) as HealthItem['key'][]).map((key): HealthItem => {
    const label = LABELS[key];
    if (error) {
      return {
        key,
        label,
        state: 'unknown',
        summary: 'Status unknown',
        detail: [error.summary, error.detail].filter(Boolean).join('\n'),
        fix: 'DevArch could not ask its backend for a health report. If this persists, restart DevArch.',
      };
    }
    if (isPending || !data) {
      return { key, label, state: 'checking', summary: 'Checking…' };
    }
    const check = data[key];
    return { key, label, state: check.status, summary: check.summary, detail: check.detail, fix: check.fix };
  });
  return { items, ready: data?.ready ?? false, query };
}
