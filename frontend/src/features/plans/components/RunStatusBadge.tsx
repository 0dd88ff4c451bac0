import { StatusDot, type DotTone } from '@/components/StatusDot';

const RUN_BADGES: Record<string, { text: string; tone: DotTone }> = {
  running: { text: 'Running', tone: 'pending' },
  succeeded: { text: 'Succeeded', tone: 'ok' },
  failed: { text: 'Failed', tone: 'error' },
  canceled: { text: 'Canceled', tone: 'neutral' },
  interrupted: { text: 'Interrupted', tone: 'warning' },
};

/** How a recorded run ended (or that it still runs). */
export function RunStatusBadge({ status }: { status: string }) {
  const { text, tone } = RUN_BADGES[status] ?? { text: status || 'Unknown', tone: 'neutral' as DotTone };
  return (
    <span className={`badge badge--${tone === 'pending' ? 'neutral' : tone}`} data-status={status}>
      <StatusDot tone={tone} />
      {text}
    </span>
  );
}
