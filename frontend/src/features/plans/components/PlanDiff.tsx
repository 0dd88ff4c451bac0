import { LockIcon } from '@/components/icons';
import type { PlanAction, PlanActionKind, PlanChange, PlanView } from '@/lib/types';

const GROUPS: { id: string; title: string; kinds: PlanActionKind[] }[] = [
  { id: 'create', title: 'Create', kinds: ['create'] },
  { id: 'update', title: 'Update in place', kinds: ['update'] },
  { id: 'replace', title: 'Replace', kinds: ['replace'] },
  { id: 'remove', title: 'Remove', kinds: ['remove'] },
  { id: 'network', title: 'Network', kinds: ['create-network', 'remove-network'] },
];

const VERBS: Record<PlanActionKind, string> = {
  create: 'create',
  update: 'update in place',
  replace: 'replace',
  remove: 'remove',
  'create-network': 'create network',
  'remove-network': 'remove network',
};

/** The colour family of an action: what it does to the running containers. */
export function actionTone(kind: PlanActionKind): 'add' | 'change' | 'replace' | 'destroy' {
  switch (kind) {
    case 'create':
    case 'create-network':
      return 'add';
    case 'update':
      return 'change';
    case 'replace':
      return 'replace';
    default:
      return 'destroy';
  }
}

/** An update starts (or unpauses) a container whose configuration is current. */
function updateEffect(action: PlanAction): string | undefined {
  if (action.kind !== 'update') return undefined;
  return /paused/i.test(action.cause) ? 'will unpause' : 'will start';
}

/** One value of a field diff: "(sensitive)" as a lock badge, "(none)" muted, the rest as code. */
export function DiffValue({ value }: { value: string }) {
  if (value === '(sensitive)') {
    return (
      <span className="sensitive-badge" title="References a secret: the value is never shown" data-testid="sensitive">
        <LockIcon aria-hidden="true" />
        sensitive
      </span>
    );
  }
  if (value === '(none)' || value === '') {
    return <span className="diff-none">none</span>;
  }
  return <code className="diff-value">{value}</code>;
}

function ChangesTable({ action }: { action: PlanAction }) {
  return (
    <table className="plan-changes" data-testid="plan-changes">
      <caption className="visually-hidden">Changed fields of {action.instance || action.container}</caption>
      <thead className="visually-hidden">
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Now</th>
          <th scope="col">After apply</th>
        </tr>
      </thead>
      <tbody>
        {action.changes.map((change: PlanChange) => (
          <tr key={change.path} data-path={change.path}>
            <th scope="row" className="plan-changes__path">
              <code>{change.path}</code>
            </th>
            <td className="plan-changes__old">
              <DiffValue value={change.old} />
            </td>
            <td className="plan-changes__new">
              <span className="plan-changes__arrow" aria-hidden="true">
                →
              </span>
              <DiffValue value={change.new} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** What a create makes: its effective image, ports and command. */
function CreateConfig({ action }: { action: PlanAction }) {
  return (
    <table className="plan-changes plan-config" data-testid="plan-config">
      <caption className="visually-hidden">Configuration of the new {action.instance || action.container}</caption>
      <thead className="visually-hidden">
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Value</th>
        </tr>
      </thead>
      <tbody>
        {(action.config ?? []).map((field) => (
          <tr key={field.path} data-path={field.path}>
            <th scope="row" className="plan-changes__path">
              <code>{field.path}</code>
            </th>
            <td className="plan-changes__new">
              <DiffValue value={field.value} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ActionCard({ action }: { action: PlanAction }) {
  const tone = actionTone(action.kind);
  const isNetwork = action.kind === 'create-network' || action.kind === 'remove-network';
  const effect = updateEffect(action);
  return (
    <li
      className={`plan-action plan-action--${tone}`}
      data-testid="plan-action"
      data-kind={action.kind}
      data-instance={action.instance || undefined}
      data-engine={action.engine || undefined}
    >
      <span className={`plan-symbol plan-symbol--${tone}`} aria-hidden="true">
        {action.symbol}
      </span>
      <div className="plan-action__body">
        <p className="plan-action__title">
          <span className="plan-action__verb">{VERBS[action.kind]}</span>{' '}
          {isNetwork ? (
            <code className="plan-action__name">{action.network}</code>
          ) : (
            <>
              <strong className="plan-action__name">{action.instance || action.container}</strong>
              {action.instance && action.container && (
                <>
                  {' '}
                  <code className="plan-action__container">{action.container}</code>
                </>
              )}
            </>
          )}
          {action.engine && (
            <>
              {' '}
              <span className="plan-action__engine" data-testid="plan-action-engine">
                on engine <strong>{action.engine}</strong>
              </span>
            </>
          )}
        </p>
        {action.cause && (
          <p className="plan-action__cause">
            <span className="plan-action__cause-label">cause</span> {action.cause}
            {effect && <span className="plan-action__effect"> · {effect}</span>}
          </p>
        )}
        {action.changes.length > 0 && <ChangesTable action={action} />}
        {action.kind === 'create' && action.config && action.config.length > 0 && <CreateConfig action={action} />}
      </div>
    </li>
  );
}

/** "Plan: 2 to add, 1 to change, 0 to destroy." with the counts in their colours. */
export function PlanSummaryLine({ plan }: { plan: PlanView }) {
  const { add, change, destroy } = plan.summary;
  return (
    <p className="plan-summary__line" data-testid="plan-summary">
      <strong>Plan:</strong> <span className={`plan-count ${add ? 'plan-count--add' : ''}`}>{add} to add</span>,{' '}
      <span className={`plan-count ${change ? 'plan-count--change' : ''}`}>{change} to change</span>,{' '}
      <span className={`plan-count ${destroy ? 'plan-count--destroy' : ''}`}>{destroy} to destroy</span>.
    </p>
  );
}

/** The plan's actions as cards grouped by what they do, each with its cause and field diffs. */
export function PlanDiff({ plan }: { plan: PlanView }) {
  return (
    <div className="plan-diff" data-testid="plan-diff">
      {GROUPS.map((group) => {
        const actions = plan.actions.filter((action) => group.kinds.includes(action.kind));
        if (actions.length === 0) return null;
        const headingId = `plan-group-${group.id}`;
        return (
          <section key={group.id} className="plan-group" aria-labelledby={headingId} data-testid={`plan-group-${group.id}`}>
            <h3 className="plan-group__title" id={headingId}>
              {group.title} <span className="pill">{actions.length}</span>
            </h3>
            <ul className="plan-group__list">
              {actions.map((action, index) => (
                <ActionCard key={`${action.kind}:${action.instance}:${action.container}:${action.network}:${index}`} action={action} />
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
