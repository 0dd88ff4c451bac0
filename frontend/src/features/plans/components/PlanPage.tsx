import { useEffect, useRef, useState } from 'react';
import { hrefFor, stackHref } from '@/app/routes';
import { Callout } from '@/components/Callout';
import { ErrorState } from '@/components/ErrorState';
import { CircleCheckIcon, PlayIcon, RefreshIcon, TextIcon } from '@/components/icons';
import { PageHeader } from '@/components/PageHeader';
import { Spinner } from '@/components/Spinner';
import { StacksSkeleton } from '@/features/stacks';
import { formatDateTime, formatRelativeTime } from '@/lib/format';
import type { PlanView, StatusChange } from '@/lib/types';
import { useApplyPlan } from '../api/applyPlan';
import { useCancelRun } from '../api/cancelRun';
import { usePlan } from '../api/getPlan';
import { useProgress } from '../hooks/useProgress';
import { useStatusChanges } from '../hooks/useStatusChanges';
import { ApplyPanel, type ApplyState } from './ApplyPanel';
import { DiagnosticList } from './DiagnosticList';
import { PlanDiff, PlanSummaryLine } from './PlanDiff';
import { PlanText } from './PlanText';

/**
 * The plan page: what Apply would change in a stack and why, as Terraform shows it before
 * `apply`. Nothing changes until the user presses Apply, which executes exactly this plan
 * (the backend refuses it when it went stale) and shows the progress live.
 */
export function PlanPage({ stack }: { stack: string }) {
  const planQuery = usePlan(stack);
  const { data: plan, error, isFetching, dataUpdatedAt } = planQuery;
  const apply = useApplyPlan();
  const cancel = useCancelRun();
  const progress = useProgress(stack);
  const [asText, setAsText] = useState(false);
  const [drift, setDrift] = useState<StatusChange[]>([]);

  // Containers changing while the user reads the plan (a `docker stop` in a terminal): the
  // plan no longer describes them. During and after an apply the changes are its own.
  useStatusChanges(stack, (change) => {
    if (apply.isIdle && !isFetching) setDrift((current) => [...current.slice(-4), change]);
  });

  const applyState: ApplyState | undefined = apply.isPending ? 'running' : apply.isSuccess ? 'succeeded' : apply.isError ? 'failed' : undefined;
  const canApply = Boolean(plan && !plan.empty && !plan.failed);
  // A plan runs once: after it was applied, canceled, refused as stale or failed, only a new
  // plan can go. A busy stack is the exception: the same plan may be retried.
  const used = apply.isSuccess || (apply.isError && apply.error.kind !== 'locked');
  const applyBlocked = isFetching || apply.isPending;

  const replan = () => {
    if (apply.isPending || isFetching) return;
    apply.reset();
    cancel.reset();
    progress.reset();
    setDrift([]);
    void planQuery.refetch();
  };

  // A fix done from a diagnostic (a secret set) changed the stack: plan again at once. When
  // the new plan has dropped the diagnostic whose button had focus, focus goes on to Apply
  // (or the page heading when the plan still cannot be applied), never to the page body.
  const applyRef = useRef<HTMLButtonElement>(null);
  const fixedAt = useRef<number | null>(null); // dataUpdatedAt of the plan a fix was made on
  const onFixed = () => {
    fixedAt.current = dataUpdatedAt;
    replan();
  };
  useEffect(() => {
    if (fixedAt.current === null || isFetching || dataUpdatedAt === fixedAt.current) return;
    fixedAt.current = null;
    if (document.activeElement && document.activeElement !== document.body) return;
    if (applyRef.current && !applyRef.current.disabled) applyRef.current.focus();
    else document.querySelector<HTMLElement>('main h1')?.focus();
  }, [isFetching, dataUpdatedAt]);

  const runApply = (target: PlanView | undefined = plan) => {
    if (!target || target.empty || target.failed || applyBlocked) return;
    progress.reset();
    cancel.reset();
    setDrift([]);
    apply.mutate({ stack, planId: target.id });
  };

  let body;
  if (plan) {
    const warnings = plan.diagnostics.filter((diagnostic) => diagnostic.severity === 'warning');
    const errors = plan.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
    body = (
      <div className={isFetching ? 'plan-body is-refreshing' : 'plan-body'} aria-busy={isFetching || undefined}>
        {applyState && (
          <ApplyPanel
            stack={stack}
            plan={plan}
            state={applyState}
            events={progress.events}
            outcome={apply.data}
            error={apply.error}
            canceling={cancel.isPending || cancel.isSuccess}
            onCancel={() => {
              if (!cancel.isPending && !cancel.isSuccess) cancel.mutate(stack);
            }}
            onReplan={replan}
            onRetry={() => runApply(plan)}
          />
        )}
        {drift.length > 0 && !applyState && (
          <Callout tone="info" title="The containers changed since this plan was made" testId="plan-drift" role="status">
            <p className="callout__text">
              {drift.map((change) => `${change.instance || 'a container'}: ${change.action}`).join(', ')}. Re-plan to see what
              apply would do now.
            </p>
            <div className="callout__actions">
              <button type="button" className="button button--small" onClick={replan}>
                <RefreshIcon aria-hidden="true" />
                Re-plan now
              </button>
            </div>
          </Callout>
        )}
        {warnings.length > 0 && (
          <Callout tone="warning" title={warnings.length === 1 ? 'Warning' : `${warnings.length} warnings`} testId="plan-warnings">
            <DiagnosticList stack={stack} diagnostics={warnings} onFixed={onFixed} />
          </Callout>
        )}
        {plan.stopped && !plan.empty && (
          <Callout tone="info" title={`${stack} is stopped`} testId="plan-stopped">
            <p className="callout__text">
              New and replaced containers are created without starting them, and stopped ones stay stopped. Start the stack to run
              them.
            </p>
          </Callout>
        )}
        {!plan.stopped && plan.stoppedInstances.length > 0 && (
          <Callout tone="info" title={`Left stopped on purpose: ${plan.stoppedInstances.join(', ')}`} testId="plan-stopped-instances">
            <p className="callout__text">
              {plan.stoppedInstances.length === 1 ? 'It was' : 'They were'} stopped from DevArch, so the plan leaves{' '}
              {plan.stoppedInstances.length === 1 ? 'it' : 'them'} stopped (a replaced container is created without starting). Start{' '}
              {plan.stoppedInstances.length === 1 ? 'it' : 'them'} from the node&apos;s menu on the Graph tab.
            </p>
          </Callout>
        )}
        {plan.failed && (
          <Callout tone="error" title="Plan cannot be applied" testId="plan-errors">
            <DiagnosticList stack={stack} diagnostics={errors} onFixed={onFixed} />
            <p className="callout__text">Fix {errors.length === 1 ? 'it' : 'them'}, then plan again.</p>
          </Callout>
        )}
        {plan.empty ? (
          <div className="state plan-empty" data-testid="plan-empty">
            <div className="state__icon state__icon--ok">
              <CircleCheckIcon width={28} height={28} aria-hidden="true" />
            </div>
            <h2 className="state__title">No changes. Stack {stack} is up to date.</h2>
            <p className="state__text">Its containers match its definition: there is nothing to apply.</p>
            <a className="button" href={stackHref(stack)}>
              Back to {stack}
            </a>
          </div>
        ) : (
          <section className="plan-card card" aria-labelledby="plan-heading">
            <header className="plan-card__header">
              <div>
                <h2 className="plan-card__title" id="plan-heading">
                  {apply.isSuccess
                    ? 'Applied these actions'
                    : plan.failed
                      ? 'Apply would perform these actions'
                      : 'Apply will perform these actions'}
                </h2>
                {!plan.failed && <PlanSummaryLine plan={plan} />}
              </div>
              <button
                type="button"
                className="button button--small"
                aria-pressed={asText}
                onClick={() => setAsText((value) => !value)}
              >
                <TextIcon aria-hidden="true" />
                Show as text
              </button>
            </header>
            <div className="plan-card__body">
              {asText ? <PlanText text={plan.text} stack={stack} /> : <PlanDiff plan={plan} />}
            </div>
          </section>
        )}
      </div>
    );
  } else if (error?.kind === 'not_found') {
    body = (
      <ErrorState
        title="Stack not found"
        error={error}
        action={
          <a className="button" href={hrefFor('stacks')}>
            All stacks
          </a>
        }
      />
    );
  } else if (error?.kind === 'locked') {
    body = (
      <Callout title={`${stack} is busy`} testId="plan-locked" role="alert">
        <p className="callout__text" data-testid="lock-holder">
          {error.summary}
        </p>
        <p className="callout__text">A plan made now would describe a moment that is about to change. Try again once it has finished.</p>
        <div className="callout__actions">
          <button type="button" className="button button--small" onClick={replan} aria-disabled={isFetching}>
            <RefreshIcon aria-hidden="true" className={isFetching ? 'spin' : undefined} />
            Try again
          </button>
        </div>
      </Callout>
    );
  } else if (error?.kind === 'unavailable') {
    body = <StacksSkeleton label={error.summary} detail={error.detail} />;
  } else if (error) {
    body = <ErrorState title={`Couldn't plan ${stack}`} error={error} onRetry={replan} retrying={isFetching} />;
  } else {
    body = (
      <div className="card loading-card" data-testid="plan-loading">
        <Spinner label={`Planning ${stack}`} />
        <span className="muted">Comparing {stack}'s definition with its containers…</span>
      </div>
    );
  }

  return (
    <div className="page page--wide">
      <PageHeader
        title="Plan"
        breadcrumbs={[
          { label: 'Stacks', href: hrefFor('stacks') },
          { label: stack, href: stackHref(stack) },
        ]}
        description={`What Apply would change in ${stack}, and why. Nothing changes until you apply.`}
        meta={
          plan && (
            <>
              <span className="meta-item">
                Plan <strong data-testid="plan-id">#{plan.id}</strong>
              </span>
              <span className="meta-item" title="A change to the stack after this revision makes the plan stale">
                Revision <strong>{plan.revision}</strong>
              </span>
              <span className="meta-item" title={formatDateTime(new Date(dataUpdatedAt).toISOString())}>
                Made {formatRelativeTime(new Date(dataUpdatedAt).toISOString())}
              </span>
            </>
          )
        }
        actions={
          <>
            <button type="button" className="button" onClick={replan} aria-disabled={isFetching || apply.isPending}>
              <RefreshIcon aria-hidden="true" className={isFetching ? 'spin' : undefined} />
              {isFetching && plan ? 'Re-planning…' : 'Re-plan'}
            </button>
            <button
              ref={applyRef}
              type="button"
              className="button button--primary"
              onClick={() => runApply()}
              disabled={!canApply || used}
              aria-disabled={applyBlocked || undefined}
              title={plan?.empty ? 'Nothing to apply' : plan?.failed ? 'Fix the plan errors first' : undefined}
            >
              {apply.isPending ? <Spinner /> : <PlayIcon aria-hidden="true" />}
              {apply.isPending ? 'Applying…' : 'Apply'}
            </button>
          </>
        }
      />
      {body}
    </div>
  );
}
