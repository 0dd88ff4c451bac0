import { useState } from 'react';
import { instanceFieldHref, instanceHref } from '@/app/routes';
import { CopyButton } from '@/components/CopyButton';
import { KeyIcon, PencilIcon } from '@/components/icons';
import { SecretDialog } from '@/features/secrets';
import type { PlanDiagnostic } from '@/lib/types';

/**
 * A plan's diagnostics of one severity, each with what it is about: the instance (a link to
 * its page, where the field can be edited) and the field path, then the summary and the
 * detail that says why. A diagnostic with a fix offers it as a control first ("Set secret",
 * "Change the ports of web"), the CLI command second: people using the window are not sent
 * to a terminal. onFixed runs once a fix done here (a secret set) has changed the stack: the
 * page plans again, so the diagnostic goes away.
 */
export function DiagnosticList({
  stack,
  diagnostics,
  onFixed,
}: {
  stack: string;
  diagnostics: PlanDiagnostic[];
  onFixed?: () => void;
}) {
  const [secret, setSecret] = useState<string | null>(null);
  return (
    <>
      <ul className="problem-list">
        {diagnostics.map((diagnostic, index) => (
          <li
            key={`${diagnostic.instance}-${diagnostic.path}-${diagnostic.summary}-${index}`}
            data-testid="plan-diagnostic"
            data-severity={diagnostic.severity}
            data-instance={diagnostic.instance || undefined}
            data-path={diagnostic.path || undefined}
            data-fix={diagnostic.fix?.kind}
          >
            {diagnostic.instance && (
              <span className="problem-list__detail" data-testid="plan-diagnostic-subject">
                <a href={instanceHref(stack, diagnostic.instance)}>{diagnostic.instance}</a>
                {diagnostic.path && (
                  <>
                    {' · '}
                    <code>{diagnostic.path}</code>
                  </>
                )}
              </span>
            )}
            <span className="problem-list__summary">{diagnostic.summary}</span>
            {diagnostic.detail && <span className="problem-list__detail">{diagnostic.detail}</span>}
            {diagnostic.fix && (
              <span className="problem-fix" data-testid="plan-diagnostic-fix">
                {diagnostic.fix.kind === 'set-secret' ? (
                  <button
                    type="button"
                    className="button button--small"
                    aria-label={`Set secret ${diagnostic.fix.secret}`}
                    onClick={() => diagnostic.fix?.kind === 'set-secret' && setSecret(diagnostic.fix.secret)}
                  >
                    <KeyIcon aria-hidden="true" />
                    Set secret
                  </button>
                ) : (
                  <a className="button button--small" href={instanceFieldHref(stack, diagnostic.instance, diagnostic.path)}>
                    <PencilIcon aria-hidden="true" />
                    {fieldFixLabel(diagnostic.instance, diagnostic.path)}
                  </a>
                )}
                {diagnostic.fix.command && (
                  <span className="problem-fix__cli">
                    <span className="problem-fix__cli-label">CLI:</span>
                    <code data-testid="plan-diagnostic-cli">{diagnostic.fix.command}</code>
                    <CopyButton text={diagnostic.fix.command} label="Copy the command" iconOnly className="problem-fix__copy" />
                  </span>
                )}
              </span>
            )}
          </li>
        ))}
      </ul>
      {secret !== null && (
        <SecretDialog stack={stack} name={secret} missing onClose={() => setSecret(null)} onSaved={() => onFixed?.()} />
      )}
    </>
  );
}

/** "Change the ports of web"; "Change environment.MODE of web" for a field without a plain name. */
function fieldFixLabel(instance: string, path: string): string {
  return /^[a-z_]+$/.test(path) ? `Change the ${path.replace(/_/g, ' ')} of ${instance}` : `Change ${path} of ${instance}`;
}
