import { useState } from 'react';
import { instanceHref } from '@/app/routes';
import { InlineError } from '@/components/Field';
import { KeyIcon, SparkleIcon } from '@/components/icons';
import { SecretDialog, useReferenceGeneratedSecret } from '@/features/secrets';
import { CliEquivalent, FieldFixLink } from '@/features/stacks';
import type { PlanDiagnostic } from '@/lib/types';

/**
 * A plan's diagnostics of one severity, each with what it is about: the instance (a link to
 * its page, where the field can be edited) and the field path, then the summary and the
 * detail that says why. A diagnostic with a fix offers it as a control first ("Set secret",
 * "Change the ports of web"), the CLI command second: people using the window are not sent
 * to a terminal. onFixed runs once a fix done here (a secret set or used) has changed the stack: the
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
  const reference = useReferenceGeneratedSecret();
  const referencing = (diagnostic: PlanDiagnostic) =>
    reference.variables?.instance === diagnostic.instance && reference.variables.path === diagnostic.path;
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
                ) : diagnostic.fix.kind === 'use-secret' ? (
                  <button
                    type="button"
                    className="button button--small"
                    aria-label={`Use a generated secret ${diagnostic.fix.secret} for ${diagnostic.path} of ${diagnostic.instance}`}
                    aria-disabled={reference.isPending || undefined}
                    onClick={() => {
                      const fix = diagnostic.fix;
                      if (reference.isPending || fix?.kind !== 'use-secret') return;
                      reference.mutate(
                        { stack, instance: diagnostic.instance, path: diagnostic.path, name: fix.secret },
                        { onSuccess: () => onFixed?.() },
                      );
                    }}
                  >
                    <SparkleIcon aria-hidden="true" />
                    {reference.isPending && referencing(diagnostic) ? 'Generating…' : 'Use a generated secret'}
                  </button>
                ) : (
                  <FieldFixLink stack={stack} instance={diagnostic.instance} path={diagnostic.path} />
                )}
                {diagnostic.fix.command && <CliEquivalent command={diagnostic.fix.command} testId="plan-diagnostic-cli" />}
              </span>
            )}
            {reference.error && referencing(diagnostic) && <InlineError error={reference.error} />}
          </li>
        ))}
      </ul>
      {secret !== null && (
        <SecretDialog stack={stack} name={secret} missing onClose={() => setSecret(null)} onSaved={() => onFixed?.()} />
      )}
    </>
  );
}
