import { StatusDot, type DotTone } from '@/components/StatusDot';
import type { StackStatus } from '@/lib/types';

const BADGES: Record<StackStatus, { text: string; tone: DotTone }> = {
  running: { text: 'Running', tone: 'ok' },
  partial: { text: 'Partly running', tone: 'warning' },
  degraded: { text: 'Degraded', tone: 'error' },
  unhealthy: { text: 'Unhealthy', tone: 'error' },
  stopped: { text: 'Stopped', tone: 'neutral' },
  // No container at all: never applied (or taken down). "Stopped" would be untrue.
  new: { text: 'Not applied yet', tone: 'neutral' },
  unknown: { text: 'Unknown', tone: 'neutral' },
};

export function StackStatusBadge({ status }: { status: StackStatus }) {
  const { text, tone } = BADGES[status];
  return (
    <span className={`badge badge--${tone}`} data-status={status}>
      <StatusDot tone={tone} />
      {text}
    </span>
  );
}
