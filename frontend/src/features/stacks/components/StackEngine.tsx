import { planHref } from '@/app/routes';
import { Callout } from '@/components/Callout';
import { PlanIcon } from '@/components/icons';
import { StatusDot } from '@/components/StatusDot';
import type { StackDetail } from '@/lib/types';
import { DEFAULT_ENGINE } from './EngineDialog';

type EngineFacts = Pick<StackDetail, 'name' | 'engine' | 'engineEndpoint' | 'engineHealthy' | 'engineError' | 'publishAddress'>;

/** "reachable", or "unreachable: why" (the engine's own error when it gave one). */
export function engineHealthText(stack: Pick<StackDetail, 'engineHealthy' | 'engineError'>): string {
  if (stack.engineHealthy) return 'reachable';
  return stack.engineError ? `unreachable: ${stack.engineError}` : 'unreachable';
}

/**
 * The stack's engine in the page header. The default engine is quiet ("Engine default", its
 * endpoint in the tooltip); another engine shows its name, its endpoint and whether it
 * answered, as a badge with words (never colour alone). An unreachable default engine shows
 * the badge too: the rule is "say the health whenever it is news". "Change…" opens the
 * engine dialog.
 */
export function StackEngineMeta({ stack, onChange }: { stack: EngineFacts; onChange: () => void }) {
  const isDefault = stack.engine === DEFAULT_ENGINE;
  const health = engineHealthText(stack);
  const where = stack.engineEndpoint ? ` at ${stack.engineEndpoint}` : '';
  return (
    <span
      className="meta-item meta-item--engine"
      data-testid="stack-engine"
      data-engine={stack.engine}
      data-healthy={stack.engineHealthy}
      title={`The Docker engine this stack runs on${where}; it publishes host ports on ${stack.publishAddress}`}
    >
      Engine <strong>{stack.engine}</strong>
      {!isDefault && stack.engineEndpoint && (
        <span className="mono engine-endpoint" data-testid="engine-endpoint" title={stack.engineEndpoint}>
          {stack.engineEndpoint}
        </span>
      )}
      {(!isDefault || !stack.engineHealthy) && (
        <span
          className={`badge badge--${stack.engineHealthy ? 'ok' : 'error'} engine-health`}
          data-testid="engine-health"
          title={health}
        >
          <StatusDot tone={stack.engineHealthy ? 'ok' : 'error'} />
          <span className="engine-health__text">{health}</span>
        </span>
      )}
      <button type="button" className="link-button" onClick={onChange} aria-label={`Change the engine of ${stack.name}`} data-testid="change-engine">
        Change…
      </button>
    </span>
  );
}

/**
 * A move is pending: the stack belongs on one engine and its containers are still on
 * another. The plan shows their removal there and their creation here; applying moves them.
 */
export function StackMoveNotice({ stack }: { stack: Pick<StackDetail, 'name' | 'engine' | 'movingFrom'> }) {
  if (!stack.movingFrom) return null;
  return (
    <div className="engine-move">
      <Callout tone="info" testId="engine-move" title={`Its containers are still on ${stack.movingFrom}: apply to move them`}>
        <div className="engine-move__row">
          <p className="callout__text">
            The next apply removes them and the network from <strong>{stack.movingFrom}</strong> and creates them on <strong>{stack.engine}</strong>.
            Named volumes stay on {stack.movingFrom}: their data does not move.
          </p>
          <a className="button button--small" href={planHref(stack.name)}>
            <PlanIcon aria-hidden="true" />
            Review the move
          </a>
        </div>
      </Callout>
    </div>
  );
}
