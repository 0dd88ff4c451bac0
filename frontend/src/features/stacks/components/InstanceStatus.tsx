import { StatusDot, type DotTone } from '@/components/StatusDot';

export interface LiveState {
  /** The container's state: running, exited, completed (a one-shot job that exited 0), created, paused, restarting, dead, "not created". */
  state: string;
  /** healthy, unhealthy, starting, or "" without a healthcheck. */
  health?: string;
  /** The engine's text ("Exited (1) 2 minutes ago"), shown as the tooltip. */
  detail?: string;
}

export interface StateBadge {
  text: string;
  tone: DotTone;
}

/** Exit codes of a container that was stopped rather than crashed: clean, SIGKILL after the stop timeout, SIGTERM. */
const STOP_CODES = new Set([0, 137, 143]);

/**
 * How a container's state reads at a glance: running or healthy green, starting amber,
 * unhealthy or crashed red, stopped and not created grey. An exited container counts as
 * stopped when its exit code says it was stopped (0, 137, 143), as crashed otherwise.
 */
export function stateBadge({ state, health = '', detail = '' }: LiveState): StateBadge {
  switch (state) {
    case 'running':
      if (health === 'healthy') return { text: 'Healthy', tone: 'ok' };
      if (health === 'starting') return { text: 'Starting', tone: 'warning' };
      if (health === 'unhealthy') return { text: 'Unhealthy', tone: 'error' };
      return { text: 'Running', tone: 'ok' };
    case 'healthy':
      return { text: 'Healthy', tone: 'ok' };
    case 'starting':
      return { text: 'Starting', tone: 'warning' };
    case 'restarting':
      return { text: 'Restarting', tone: 'warning' };
    case 'paused':
      return { text: 'Paused', tone: 'warning' };
    case 'removing':
      return { text: 'Removing', tone: 'warning' };
    case 'unhealthy':
      return { text: 'Unhealthy', tone: 'error' };
    case 'dead':
      return { text: 'Dead', tone: 'error' };
    case 'exited': {
      const code = /Exited \((\d+)\)/.exec(detail);
      if (code && !STOP_CODES.has(Number(code[1]))) return { text: `Exited (${code[1]})`, tone: 'error' };
      // Without the engine's text the code is unknown: say what is known, without alarm.
      return { text: code ? 'Stopped' : 'Exited', tone: 'neutral' };
    }
    case 'stopped':
      return { text: 'Stopped', tone: 'neutral' };
    case 'completed': // a one-shot job (a migration) that ran and exited 0: its work is done
      return { text: 'Completed', tone: 'ok' };
    case 'created':
      return { text: 'Created', tone: 'neutral' };
    case 'not created':
    case 'missing':
      return { text: 'Not created', tone: 'neutral' };
    case '':
    case 'unknown':
      return { text: 'Unknown', tone: 'neutral' };
    default:
      return { text: state[0].toUpperCase() + state.slice(1), tone: 'neutral' };
  }
}

/** A container's live state as a badge; the engine's own words are its tooltip. */
export function InstanceStatus(live: LiveState) {
  const { text, tone } = stateBadge(live);
  return (
    <span
      className={`badge badge--${tone} badge--state`}
      data-status={live.state}
      data-health={live.health || undefined}
      data-testid="instance-state"
      title={live.detail || undefined}
    >
      <StatusDot tone={tone} />
      {text}
    </span>
  );
}
