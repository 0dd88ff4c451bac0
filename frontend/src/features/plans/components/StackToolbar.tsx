import { useState } from 'react';
import { planHref } from '@/app/routes';
import { HistoryIcon, PlanIcon, PlayIcon, PowerIcon, StopIcon } from '@/components/icons';
import { Spinner } from '@/components/Spinner';
import { useToastStore } from '@/components/toast';
import type { StackOperation } from '@/lib/types';
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
export function StackToolbar({ stack, onShowHistory }: { stack: string; onShowHistory: () => void }) {
  const operate = useOperateStack();
  const cancel = useCancelRun();
  const progress = useProgress(stack);
  const toasts = useToastStore();
  const [confirmDown, setConfirmDown] = useState(false);
  // An apply started on the plan page goes on when the user comes back here.
  const applying = useRunningApply(stack);
  const busy = operate.isPending || applying !== undefined;
  const running = operate.isPending ? operate.variables?.operation : undefined;

  const run = (operation: StackOperation) => {
    if (busy) return;
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
          <button type="button" className="button" onClick={() => run('start')} aria-disabled={busy}>
            <PlayIcon aria-hidden="true" />
            Start
          </button>
          <button type="button" className="button" onClick={() => run('stop')} aria-disabled={busy}>
            <StopIcon aria-hidden="true" />
            Stop
          </button>
          <button type="button" className="button button--danger-quiet" onClick={() => !busy && setConfirmDown(true)} aria-disabled={busy}>
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
