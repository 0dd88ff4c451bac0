import { StatusDot, type DotTone } from '@/components/StatusDot';

const KNOWN: Record<string, { text: string; tone: DotTone }> = {
  running: { text: 'Running', tone: 'ok' },
  healthy: { text: 'Healthy', tone: 'ok' },
  starting: { text: 'Starting', tone: 'pending' },
  restarting: { text: 'Restarting', tone: 'warning' },
  paused: { text: 'Paused', tone: 'warning' },
  unhealthy: { text: 'Unhealthy', tone: 'error' },
  dead: { text: 'Dead', tone: 'error' },
  exited: { text: 'Exited', tone: 'neutral' },
  created: { text: 'Created', tone: 'neutral' },
  missing: { text: 'Not created', tone: 'neutral' },
};

/** A container's state as the engine reports it; unknown words are shown as they come. */
export function InstanceStatus({ status }: { status: string }) {
  const known = KNOWN[status] ?? { text: status ? status[0].toUpperCase() + status.slice(1) : 'Unknown', tone: 'neutral' };
  return (
    <span className="instance-status" data-status={status}>
      <StatusDot tone={known.tone} />
      {known.text}
    </span>
  );
}
