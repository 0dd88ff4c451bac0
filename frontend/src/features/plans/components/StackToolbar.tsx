import { useState } from 'react';
import { planHref } from '@/app/routes';
import { HistoryIcon, PlanIcon, PlayIcon, PowerIcon, StopIcon } from '@/components/icons';
import { Callout } from '@/components/Callout';
import { Spinner } from '@/components/Spinner';
import { useToastStore } from '@/components/toast';
import type { InstanceSummary, StackOperation, StackStatus } from '@/lib/types';
import { useRunningApply } from '../api/applyPlan';
import { useCancelRun } from '../api/cancelRun';
import { useOperateStack } from '../api/operateStack';
import { useProgress } from '../hooks/useProgress';
import { DownStackDialog } from './DownStackDialog';

const RUNNING: Record<StackOperation, string> = { start: 'Starting', stop: 'Stopping', down: 'Taking down' };
const DONE: Record<StackOperation, string> = { start: 'started', stop: 'stopped', down: 'is down' };

/**
 * The stack's lifecycle: Plan (the way to change what runs), the quick operations start,
 * stop and down (down asks first), and the history. While an operation runs, its latest
 * step shows under the buttons with a way to cancel it.
 */
/** Why each quick operation cannot act now ("" when it can), from the stack's status and its instances' containers. */
export function operationReasons(status: StackStatus | undefined, instances: readonly Pick<InstanceSummary, 'name' | 'status'>[]): Record<StackOperation, string> {
  const reasons: Record<StackOperation, string> = { start: '', stop: '', down: '' };
  if (status === 'new') {
    const nothing = instances.length === 0 ? 'It has no instances yet: add one, then plan and apply.' : 'Plan and apply it to create its containers.';
    reasons.start = `Nothing to start: the stack is not applied yet. ${nothing}`;
    reasons.stop = 'Nothing to stop: the stack has no containers.';
    reasons.down = 'Nothing to take down: the stack has no containers.';
    return reasons;
  }
  const missing = instances.filter((instance) => instance.status === 'not created').map((instance) => instance.name);
  if (missing.length > 0) {
    reasons.start = `${missing.join(', ')} ${missing.length === 1 ? 'has' : 'have'} no container yet: plan and apply to create ${missing.length === 1 ? 'it' : 'them'} and start everything.`;
  } else if (status === 'running') {
    reasons.start = 'Every instance is already running.';
  }
  if (status === 'stopped') reasons.stop = 'Nothing to stop: no container is running.';
  return reasons;
}

export function StackToolbar({
  stack,
  onShowHistory,
  status,
  instances = [],
}: {
  stack: string;
  onShowHistory: () => void;
  /** The stack's status and instances: Start, Stop and Down are disabled, with the reason, when they cannot act. */
  status?: StackStatus;
  instances?: readonly Pick<InstanceSummary, 'name' | 'status'>[];
}) {
  const operate = useOperateStack();
  const cancel = useCancelRun();
  const progress = useProgress(stack);
  const toasts = useToastStore();
  const [confirmDown, setConfirmDown] = useState(false);
  // An apply started on the plan page goes on when the user comes back here.
  const applying = useRunningApply(stack);
  const busy = operate.isPending || applying !== undefined;
  const running = operate.isPending ? operate.variables?.operation : undefined;

  const reasons = operationReasons(status, instances);
  const reasonId = `ops-reason-${stack}`;
  const notes = [...new Set(Object.values(reasons).filter(Boolean))];

  const run = (operation: StackOperation) => {
    if (busy || reasons[operation]) return;
    progress.reset();
    cancel.reset();
    operate.mutate(
      { stack, operation },
      {
        onSuccess: () => toasts.show({ tone: 'success', title: `${stack} ${DONE[operation]}`, timeout: 4000 }),
        onError: (error) => {
          if (error.kind === 'canceled') toasts.show({ tone: 'info', title: `${RUNNING[operation]} ${stack} was canceled`, timeout: 6000 });
        },
      },
    );
  };

  // Where each instance got to, in the order compose first named them; else compose's last line.
  const steps = new Map<string, string>();
  for (const event of progress.events) if (event.instance) steps.set(event.instance, event.status);
  const lastLine = [...progress.events].reverse().find((event) => !event.instance && event.message)?.message;

  return (
    <>
      <div className="stack-toolbar" role="group" aria-label={`Operations on ${stack}`}>
        <a className="button button--primary" href={planHref(stack)}>
          <PlanIcon aria-hidden="true" />
          Plan
        </a>
        <p className="stack-toolbar__hint">Review what would change, then apply it.</p>
        <div className="stack-toolbar__ops">
          <button
            type="button"
            className="button"
            onClick={() => run('start')}
            aria-disabled={busy || Boolean(reasons.start)}
            aria-describedby={reasons.start ? reasonId : undefined}
            title={reasons.start || undefined}
          >
            <PlayIcon aria-hidden="true" />
            Start
          </button>
          <button
            type="button"
            className="button"
            onClick={() => run('stop')}
            aria-disabled={busy || Boolean(reasons.stop)}
            aria-describedby={reasons.stop ? reasonId : undefined}
            title={reasons.stop || undefined}
          >
            <StopIcon aria-hidden="true" />
            Stop
          </button>
          <button
            type="button"
            className="button button--danger-quiet"
            onClick={() => !busy && !reasons.down && setConfirmDown(true)}
            aria-disabled={busy || Boolean(reasons.down)}
            aria-describedby={reasons.down ? reasonId : undefined}
            title={reasons.down || undefined}
          >
            <PowerIcon aria-hidden="true" />
            Down
          </button>
          <span className="stack-toolbar__sep" aria-hidden="true" />
          <button type="button" className="button" onClick={onShowHistory}>
            <HistoryIcon aria-hidden="true" />
            History
          </button>
        </div>
      </div>
      {notes.length > 0 && (
        <p className="stack-toolbar__reason muted" id={reasonId} data-testid="ops-reason">
          {notes.join(' ')}
        </p>
      )}
      {operate.error && operate.error.kind !== 'canceled' && !busy && (
        <div className="op-error" data-testid="operation-error">
          <Callout tone="error" role="alert" title={`${RUNNING[operate.variables?.operation ?? 'start']} ${stack} did not complete: ${operate.error.summary}`}>
            {operate.error.detail && (
              <details className="apply-panel__output">
                <summary>Details</summary>
                <pre className="code-block apply-panel__stderr">{operate.error.detail}</pre>
              </details>
            )}
            <div className="apply-panel__actions">
              {operate.error.kind === 'locked' && operate.variables && (
                <button type="button" className="button button--small" onClick={() => run(operate.variables!.operation)}>
                  Retry
                </button>
              )}
              <button type="button" className="button button--small" onClick={() => operate.reset()}>
                Dismiss
              </button>
            </div>
          </Callout>
        </div>
      )}
      {busy && (
        <div className="op-progress" data-testid="operation-progress">
          <Spinner />
          <p className="op-progress__text" role="status">
            <strong>{running ? `${RUNNING[running]} ${stack}…` : `Applying plan #${applying?.planId} to ${stack}…`}</strong>
            {[...steps].map(([instance, status]) => (
              <span key={instance} className="op-progress__step" data-instance={instance}>
                <span className="mono">{instance}</span> {status}
              </span>
            ))}
            {steps.size === 0 && lastLine && <span className="op-progress__step">{lastLine}</span>}
          </p>
          <button
            type="button"
            className="button button--small"
            onClick={() => {
              if (!cancel.isPending) cancel.mutate(stack);
            }}
            aria-disabled={cancel.isPending || cancel.isSuccess}
          >
            {cancel.isPending || cancel.isSuccess ? 'Canceling…' : 'Cancel'}
          </button>
        </div>
      )}
      {confirmDown && (
        <DownStackDialog
          stack={stack}
          onClose={() => setConfirmDown(false)}
          onConfirm={() => {
            setConfirmDown(false);
            run('down');
          }}
        />
      )}
    </>
  );
}
