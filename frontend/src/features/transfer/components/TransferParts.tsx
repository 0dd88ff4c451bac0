import { Callout } from '@/components/Callout';
import { Field } from '@/components/Field';
import type { AppError } from '@/lib/errors';

/**
 * The pieces the import and update dialogs share: how a refusal reads, the passphrase step
 * for a file carrying encrypted secret values, and the lists of secrets and warnings.
 */

/** The backend's "this file's values need a passphrase" refusals (engine.openSecretValues). */
export function isPassphraseError(error: AppError): boolean {
  return error.field === 'passphrase' || error.field === 'secretValues.key' || error.field?.startsWith('secretValues.values.') === true;
}

/** Names inline, in monospace, comma separated. */
export function InlineNames({ names }: { names: string[] }) {
  return (
    <>
      {names.map((n, i) => (
        <span key={n}>
          {i > 0 && ', '}
          <span className="mono">{n}</span>
        </span>
      ))}
    </>
  );
}

/** One row of a preview's summary: a label and its names as tags; nothing when empty. */
export function NameList({ label, names, testId }: { label: string; names: string[]; testId?: string }) {
  if (names.length === 0) return null;
  return (
    <div className="transfer__row" data-testid={testId}>
      <dt>{label}</dt>
      <dd>
        {names.map((n) => (
          <span key={n} className="tag mono">
            {n}
          </span>
        ))}
      </dd>
    </div>
  );
}

/**
 * A refusal of the file (strict decoding: the field, line and column; a wrong passphrase;
 * each problem of a refused write): its summary, detail and problems, in place.
 */
export function TransferProblem({ error, testId }: { error: AppError; testId: string }) {
  return (
    <Callout tone="error" title={error.summary} role="alert" testId={testId}>
      {error.field && !error.problems && (
        <p>
          At <span className="mono">{error.field}</span>
        </p>
      )}
      {error.detail && <p className="transfer__pre">{error.detail}</p>}
      {error.problems && (
        <ul className="transfer__list">
          {error.problems.map((p, i) => (
            <li key={i}>
              {p.field && <span className="mono">{p.field}: </span>}
              {p.summary}
              {p.detail && <span className="muted"> — {p.detail}</span>}
            </li>
          ))}
        </ul>
      )}
    </Callout>
  );
}

/**
 * The passphrase step: the file carries encrypted values for secrets; the passphrase it was
 * exported with opens them (a dry run checks it, nothing is written). The typed value lives
 * in the caller's state only while the step is shown.
 */
export function PassphrasePrompt({
  secrets,
  value,
  onChange,
  error,
  testId,
  fieldName,
}: {
  secrets: string[];
  value: string;
  onChange: (value: string) => void;
  error?: AppError;
  testId: string;
  fieldName: string;
}) {
  return (
    <section className="transfer__passphrase" aria-label="Secret values" data-testid={testId}>
      <Callout tone="info" title={`The file carries encrypted values for ${secrets.length === 1 ? '1 secret' : `${secrets.length} secrets`}`}>
        <p>
          <InlineNames names={secrets} />. Type the passphrase it was exported with, then Unlock: the values are checked before anything is written.
        </p>
      </Callout>
      <Field label="Passphrase" hint="The passphrase given at export (devarch export --with-secrets)." error={error}>
        {(control) => (
          <input
            {...control}
            type="password"
            className="input"
            data-field={fieldName}
            autoFocus
            value={value}
            autoComplete="off"
            onChange={(event) => onChange(event.target.value)}
          />
        )}
      </Field>
    </section>
  );
}

/** The passphrase opened the file's values: what the confirm will store. */
export function PassphraseAccepted({ secrets, verb, testId }: { secrets: string[]; verb: string; testId: string }) {
  if (secrets.length === 0) return null;
  return (
    <div className="transfer__passphrase">
      <Callout tone="info" title="Passphrase accepted" testId={testId}>
        <p>
          {verb} will set <InlineNames names={secrets} /> from the file.
        </p>
      </Callout>
    </div>
  );
}

/** Secrets the stack references that have no value: the plan refuses to apply until they are set. */
export function MissingSecrets({ names, after, testId }: { names: string[]; after: string; testId: string }) {
  if (names.length === 0) return null;
  return (
    <Callout tone="warning" title={`${names.length === 1 ? '1 secret needs' : `${names.length} secrets need`} a value`} testId={testId}>
      <p>
        <InlineNames names={names} />. The stack will not apply until they are set; {after}
      </p>
    </Callout>
  );
}

/** The file's warnings (absolute host paths...), one per line. */
export function TransferWarnings({ warnings, testId }: { warnings: string[]; testId: string }) {
  if (warnings.length === 0) return null;
  return (
    <Callout tone="warning" title={warnings.length === 1 ? '1 warning' : `${warnings.length} warnings`} testId={testId}>
      <ul className="transfer__list">
        {warnings.map((w, i) => (
          <li key={i}>{w}</li>
        ))}
      </ul>
    </Callout>
  );
}
