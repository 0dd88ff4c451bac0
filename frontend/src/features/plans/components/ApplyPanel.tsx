import { useContext, useEffect, useRef, useState } from 'react';
import { instanceFieldHref, stackHref } from '@/app/routes';
import { Callout } from '@/components/Callout';
import { LogsViewerContext } from '@/components/LogsViewer';
import { CircleCheckIcon, CircleXIcon, RefreshIcon } from '@/components/icons';
import { Spinner } from '@/components/Spinner';
import type { AppError } from '@/lib/errors';
import { formatClock } from '@/lib/format';
import type { ActionResult, ApplyOutcome, PlanView, ProgressEvent } from '@/lib/types';
import { logLines, progressSteps, type StepTone } from '../progress';

export type ApplyState = 'running' | 'succeeded' | 'failed';

interface ApplyPanelProps {
  stack: string;
  plan: PlanView;
  state: ApplyState;
  events: ProgressEvent[];
  outcome?: ApplyOutcome;
  error?: AppError | null;
  canceling: boolean;
  onCancel: () => void;
  onReplan: () => void;
  /** Apply the same plan again (after the stack was busy). */
  onRetry: () => void;
}

function StepIcon({ tone }: { tone: StepTone }) {
  switch (tone) {
    case 'active':
      return <Spinner className="apply-step__icon" />;
    case 'done':
      return <CircleCheckIcon className="apply-step__icon apply-step__icon--done" aria-hidden="true" />;
    case 'error':
      return <CircleXIcon className="apply-step__icon apply-step__icon--error" aria-hidden="true" />;
    default:
      return <span className="apply-step__icon apply-step__icon--queued" aria-hidden="true" />;
  }
}

/** One log line's text: compose's own line, or who did what. */
function logText(event: ProgressEvent): string {
  switch (event.status) {
    case 'info':
      return event.message;
    case 'done':
      return event.message ? `Finished: ${event.message}` : 'Finished';
    case 'error':
      return `Failed: ${event.message}`;
    default:
      // "Started", or for the network "Network devarch-shop-net Created", as compose says it.
      if (event.instance) return event.message ? `${event.status} — ${event.message}` : event.status;
      return [event.message, event.status].filter(Boolean).join(' ');
  }
}

const TONE_WORDS: Record<StepTone, string> = { queued: 'waiting', active: 'in progress', done: 'done', error: 'failed', skipped: 'not attempted' };

/**
 * A refusal: the apply was turned down before it touched anything (a stale, busy, errored or
 * already applied plan). Only these say "Nothing was applied"; a conflict met while running
 * (a host port taken) is a failure like any other, with what the run did.
 */
export function isRefusal(error?: AppError | null): boolean {
  if (!error || error.results?.length) return false;
  switch (error.kind) {
    case 'stale':
    case 'locked':
    case 'invalid':
      return true;
    case 'conflict':
      return error.field === 'plan';
    default:
      return false;
  }
}

/** The heading of the panel: what is happening, or how it ended. */
function headingFor(state: ApplyState, plan: PlanView, error?: AppError | null): string {
  if (state === 'running') return `Applying plan #${plan.id}…`;
  if (state === 'succeeded') return `Applied plan #${plan.id}`;
  if (isRefusal(error)) return 'Nothing was applied';
  if (error?.kind === 'canceled') return 'Apply canceled';
  return 'Apply failed';
}

/**
 * A running apply and how it ended: one row per instance (and network) with its latest step,
 * the log of every step, Cancel while it runs; then success, or the refusal or failure with
 * its way out (re-plan, retry).
 */
export function ApplyPanel({ stack, plan, state, events, outcome, error, canceling, onCancel, onReplan, onRetry }: ApplyPanelProps) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const logRef = useRef<HTMLOListElement>(null);
  const finished = state === 'succeeded' ? 'succeeded' : state === 'failed' ? 'failed' : undefined;
  const steps = progressSteps(plan.actions, events, finished, outcome?.results ?? error?.results);
  const lines = logLines(events);
  const heading = headingFor(state, plan, error);
  const kind = error?.kind;
  // A refusal (before anything ran) has no steps worth showing: the callout says it all.
  const refused = state === 'failed' && isRefusal(error);

  // Each change of state (started, ended) moves focus to the heading that says it.
  useEffect(() => {
    headingRef.current?.focus();
  }, [heading]);

  useEffect(() => {
    const log = logRef.current;
    if (log) log.scrollTop = log.scrollHeight;
  }, [lines.length]);

  const done = steps.filter((step) => step.tone === 'done').length;

  return (
    <section className={`card apply-panel apply-panel--${state}`} aria-labelledby="apply-heading" data-testid="apply-panel" data-state={state} data-error={kind}>
      <header className="apply-panel__header">
        {state === 'running' ? (
          <Spinner />
        ) : state === 'succeeded' ? (
          <CircleCheckIcon className="apply-panel__icon apply-panel__icon--ok" aria-hidden="true" />
        ) : (
          <CircleXIcon className={`apply-panel__icon ${kind === 'canceled' ? '' : 'apply-panel__icon--error'}`.trim()} aria-hidden="true" />
        )}
        <div className="apply-panel__heading">
          <h2 className="apply-panel__title" id="apply-heading" ref={headingRef} tabIndex={-1}>
            {heading}
          </h2>
          <p className="apply-panel__subtitle" role="status">
            {state === 'running'
              ? `${done} of ${steps.length} done`
              : state === 'succeeded'
                ? `${stack} now matches its definition.`
                : kind === 'canceled'
                  ? 'Compose was stopped. What it had already changed stays as it is.'
                  : !refused && error?.results?.length
                    ? ranSummary(error.results)
                    : ''}
          </p>
        </div>
        {state === 'running' && (
          <button type="button" className="button button--danger-quiet" onClick={onCancel} aria-disabled={canceling}>
            {canceling ? 'Canceling…' : 'Cancel apply'}
          </button>
        )}
      </header>

      {state === 'failed' && error && <Outcome error={error} stack={stack} refused={refused} onReplan={onReplan} onRetry={onRetry} />}

      {!refused && steps.length > 0 && (
        <ul className="apply-steps" aria-label="Progress per instance">
          {steps.map((step) => (
            <li key={step.key} className={`apply-step apply-step--${step.tone}`} data-testid="apply-step" data-step={step.label} data-tone={step.tone} data-status={step.status}>
              <StepIcon tone={step.tone} />
              <span className="apply-step__name mono">{step.label}</span>
              {step.action && <span className="apply-step__action">{step.action}</span>}
              <span className="apply-step__status">
                {step.status || (step.tone === 'done' ? 'Done' : 'Waiting')}
                <span className="visually-hidden"> ({TONE_WORDS[step.tone]})</span>
              </span>
              {step.message && <span className="apply-step__message">{step.message}</span>}
              <time className="apply-step__time" dateTime={step.time}>
                {formatClock(step.time)}
              </time>
            </li>
          ))}
        </ul>
      )}

      {!refused && lines.length > 0 && (
        <details className="apply-log" open={state !== 'succeeded'}>
          <summary>Log ({lines.length})</summary>
          <ol className="apply-log__lines" role="log" aria-label="Apply log" ref={logRef}>
            {lines.map((event, index) => (
              <li key={index} className={`apply-log__line apply-log__line--${event.status === 'error' ? 'error' : event.status === 'done' ? 'done' : 'step'}`}>
                <time dateTime={event.time}>{formatClock(event.time)}</time>
                <span className="apply-log__who">{event.instance}</span>
                <span className="apply-log__what">{logText(event)}</span>
              </li>
            ))}
          </ol>
        </details>
      )}

      {state === 'succeeded' && (
        <div className="apply-panel__actions">
          {outcome && outcome.results.some((result) => result.status !== 'done') && (
            <p className="muted">
              {outcome.results.filter((result) => result.status !== 'done').map((result) => `${result.action}: ${result.status}`).join('; ')}
            </p>
          )}
          <a className="button button--primary" href={stackHref(stack)}>
            Back to {stack}
          </a>
          <button type="button" className="button" onClick={onReplan}>
            <RefreshIcon aria-hidden="true" />
            Plan again
          </button>
        </div>
      )}
    </section>
  );
}

/** "2 of 3 actions done, 1 failed, 0 not attempted": what a failed apply did. */
function ranSummary(results: readonly ActionResult[]): string {
  const count = (status: string) => results.filter((r) => r.status === status).length;
  const skipped = results.length - count('done') - count('failed');
  return `${count('done')} of ${results.length} actions done, ${count('failed')} failed, ${skipped} not attempted.`;
}

/** The first failed instance, for the fix that is about it (its ports). */
function failedInstance(error: AppError): string | undefined {
  return error.results?.find((r) => r.status === 'failed' && r.instance)?.instance;
}

function Outcome({ error, stack, refused, onReplan, onRetry }: { error: AppError; stack: string; refused: boolean; onReplan: () => void; onRetry: () => void }) {
  const Logs = useContext(LogsViewerContext);
  const [logsOf, setLogsOf] = useState<string | null>(null);
  const replan = (
    <button type="button" className="button button--primary" onClick={onReplan}>
      <RefreshIcon aria-hidden="true" />
      Re-plan
    </button>
  );
  const back = (
    <a className="button" href={stackHref(stack)}>
      Back to {stack}
    </a>
  );
  // A conflict met while running (a host port taken) is a failure, not "already applied".
  const kind = error.kind === 'conflict' && !refused ? 'failure' : error.kind;
  switch (kind) {
    case 'stale':
      return (
        <div className="apply-panel__outcome">
          <Callout title="This plan is stale" testId="apply-stale">
            <p className="callout__text">{error.summary}</p>
            <p className="callout__text">The stack or its containers changed since it was made. Re-plan to see what apply would do now.</p>
          </Callout>
          <div className="apply-panel__actions">{replan}</div>
        </div>
      );
    case 'locked':
      return (
        <div className="apply-panel__outcome">
          <Callout title={`${stack} is busy`} testId="apply-locked">
            <p className="callout__text" data-testid="lock-holder">
              {error.summary}
            </p>
            {error.detail && <p className="callout__text muted">{error.detail}</p>}
            <p className="callout__text">Try again once it has finished.</p>
          </Callout>
          <div className="apply-panel__actions">
            <button type="button" className="button button--primary" onClick={onRetry}>
              <RefreshIcon aria-hidden="true" />
              Retry
            </button>
            <button type="button" className="button" onClick={onReplan}>
              Re-plan
            </button>
          </div>
        </div>
      );
    case 'canceled':
      return (
        <div className="apply-panel__outcome" data-testid="apply-canceled">
          <p className="apply-panel__text">Plan again to see where {stack} stands now.</p>
          <div className="apply-panel__actions">
            {replan}
            {back}
          </div>
        </div>
      );
    case 'conflict':
      return (
        <div className="apply-panel__outcome">
          <Callout title="This plan was already applied" testId="apply-conflict">
            <p className="callout__text">{error.summary}. A plan is applied once: re-plan to see whether anything is left to do.</p>
          </Callout>
          <div className="apply-panel__actions">{replan}</div>
        </div>
      );
    case 'invalid':
      return (
        <div className="apply-panel__outcome">
          <Callout tone="error" title="Plan cannot be applied" testId="apply-invalid">
            <p className="callout__text">{error.summary}</p>
            {error.detail && <p className="callout__text muted">{error.detail}</p>}
            <p className="callout__text">Re-plan to see each problem in the plan, with the button that fixes it where there is one.</p>
          </Callout>
          <div className="apply-panel__actions">{replan}</div>
        </div>
      );
    default: {
      const instance = failedInstance(error);
      return (
        <div className="apply-panel__outcome">
          <Callout tone="error" title={error.summary} testId="apply-error" role="alert">
            {error.detail && (
              <details className="apply-panel__output" data-testid="apply-error-detail">
                <summary>Details and compose's output</summary>
                <pre className="code-block apply-panel__stderr">{error.detail}</pre>
              </details>
            )}
            <p className="callout__text">
              The run is recorded in the stack's history{error.runId ? ` (run #${error.runId})` : ''}. Fix the cause, then plan again.
            </p>
          </Callout>
          <div className="apply-panel__actions">
            {error.field === 'ports' && instance ? (
              <a className="button button--primary" href={instanceFieldHref(stack, instance, 'ports')} data-testid="apply-fix">
                Change the ports of {instance}
              </a>
            ) : (
              replan
            )}
            {error.field === 'ports' && instance && (
              <button type="button" className="button" onClick={onReplan}>
                <RefreshIcon aria-hidden="true" />
                Re-plan
              </button>
            )}
            {/* An instance that failed to start says why in its logs (the CLI's "devarch logs" line in the details). */}
            {error.field !== 'ports' && instance && Logs && (
              <button type="button" className="button" onClick={() => setLogsOf(instance)} data-testid="apply-logs">
                Logs of {instance}
              </button>
            )}
            {back}
          </div>
          {logsOf && Logs && <Logs stack={stack} instance={logsOf} onClose={() => setLogsOf(null)} />}
        </div>
      );
    }
  }
}
