import { useState } from 'react';
import { instanceHref } from '@/app/routes';
import { Callout } from '@/components/Callout';
import { CopyButton } from '@/components/CopyButton';
import { ErrorState } from '@/components/ErrorState';
import { EyeIcon, EyeOffIcon, KeyIcon, LockIcon, PlusIcon, TrashIcon } from '@/components/icons';
import { Spinner } from '@/components/Spinner';
import { formatDateTime, formatRelativeTime } from '@/lib/format';
import type { SecretSummary } from '@/lib/types';
import { useSecrets } from '../api/listSecrets';
import { useRevealSecret } from '../api/revealSecret';
import { DeleteSecretDialog } from './DeleteSecretDialog';
import { SecretDialog } from './SecretDialog';

type DialogState = { kind: 'add' } | { kind: 'set'; secret: SecretSummary } | { kind: 'delete'; secret: SecretSummary } | null;

const MASK = '••••••••••';

/** How an instance field refers to a secret. */
export function secretReference(name: string): string {
  return `\${secret:${name}}`;
}

/**
 * A stack's secrets: masked values with an explicit reveal per row, who uses each, the ones
 * referenced but never set, and adding, setting, generating and deleting them.
 */
export function SecretsPanel({ stack }: { stack: string }) {
  const { data, error, isFetching, refetch } = useSecrets(stack);
  const [dialog, setDialog] = useState<DialogState>(null);
  const close = () => setDialog(null);
  const missing = data?.filter((secret) => !secret.set) ?? [];

  let body;
  if (data) {
    body =
      data.length === 0 ? (
        <div className="state" data-testid="secrets-empty">
          <div className="state__icon">
            <LockIcon width={26} height={26} aria-hidden="true" />
          </div>
          <h3 className="state__title">No secrets yet</h3>
          <p className="state__text">
            Keep passwords and tokens out of overrides: store them here and reference them, like{' '}
            <code>{secretReference('db_password')}</code>.
          </p>
          <button type="button" className="button button--primary" onClick={() => setDialog({ kind: 'add' })}>
            <PlusIcon aria-hidden="true" />
            Add secret
          </button>
        </div>
      ) : (
        <>
          {missing.length > 0 && (
            <Callout
              title={`${missing.length} ${missing.length === 1 ? 'secret is' : 'secrets are'} referenced but not set`}
              testId="secrets-missing"
            >
              <p className="callout__text">Plans of {stack} fail until {missing.length === 1 ? 'it has' : 'they have'} a value.</p>
            </Callout>
          )}
          <div className="table-wrap card">
            <table className="table table--compact secrets-table" data-testid="secrets-table">
              <caption className="visually-hidden">Secrets of {stack}</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Value</th>
                  <th scope="col">Used by</th>
                  <th scope="col">Last changed</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.map((secret) => (
                  // A new value remounts the row: a value revealed before is never shown stale.
                  <SecretRow
                    key={`${secret.name}@${secret.updatedAt}`}
                    stack={stack}
                    secret={secret}
                    onSet={() => setDialog({ kind: 'set', secret })}
                    onDelete={() => setDialog({ kind: 'delete', secret })}
                  />
                ))}
              </tbody>
            </table>
          </div>
        </>
      );
  } else if (error) {
    body = (
      <ErrorState
        title="Couldn't load the secrets"
        error={error}
        onRetry={() => {
          if (!isFetching) void refetch();
        }}
        retrying={isFetching}
      />
    );
  } else {
    body = (
      <div className="card loading-card">
        <Spinner label="Loading the secrets" />
        <span className="muted">Loading the secrets…</span>
      </div>
    );
  }

  return (
    <div className="secrets" data-testid="secrets-panel">
      <div className="panel-toolbar secrets__intro">
        <p className="secrets__how">
          Stored encrypted; values reach containers only when they start. Use one in an instance field as{' '}
          <code>{secretReference('NAME')}</code>
          <CopyButton text={secretReference('NAME')} label="Copy reference syntax" iconOnly className="secrets__copy" />
        </p>
        {data && data.length > 0 && (
          <button type="button" className="button button--primary button--small" onClick={() => setDialog({ kind: 'add' })}>
            <PlusIcon aria-hidden="true" />
            Add secret
          </button>
        )}
      </div>
      {body}
      {dialog?.kind === 'add' && <SecretDialog stack={stack} taken={data?.map((secret) => secret.name)} onClose={close} />}
      {dialog?.kind === 'set' && (
        <SecretDialog stack={stack} name={dialog.secret.name} missing={!dialog.secret.set} onClose={close} />
      )}
      {dialog?.kind === 'delete' && <DeleteSecretDialog stack={stack} name={dialog.secret.name} usedBy={dialog.secret.usedBy} onClose={close} />}
    </div>
  );
}

/** "app environment.DB_PASSWORD": the instance (a link) and the field. */
function UsedBy({ stack, usedBy }: { stack: string; usedBy: string[] }) {
  if (usedBy.length === 0) return <span className="muted">Not used</span>;
  return (
    <ul className="used-by">
      {usedBy.map((user) => {
        const space = user.indexOf(' ');
        const instance = space > 0 ? user.slice(0, space) : user;
        const field = space > 0 ? user.slice(space + 1) : '';
        return (
          <li key={user}>
            <a className="table__link" href={instanceHref(stack, instance)}>
              {instance}
            </a>
            {field && <code className="used-by__field">{field}</code>}
          </li>
        );
      })}
    </ul>
  );
}

function SecretRow({ stack, secret, onSet, onDelete }: { stack: string; secret: SecretSummary; onSet: () => void; onDelete: () => void }) {
  const reveal = useRevealSecret();
  // The plaintext lives here only: cleared by Hide, gone when the row unmounts.
  const [revealed, setRevealed] = useState<string | null>(null);
  const { name } = secret;
  const { reset } = reveal;

  const toggle = () => {
    if (revealed !== null) {
      setRevealed(null);
      return;
    }
    if (reveal.isPending) return;
    reveal.mutate(
      { stack, name },
      {
        onSuccess: (value) => {
          setRevealed(value);
          reset();
        },
      },
    );
  };

  return (
    <tr data-testid={`secret-row-${name}`} data-set={secret.set}>
      <th scope="row" className="table__name">
        <span className="secret-name">
          <code>{name}</code>
          {!secret.set && (
            <span className="badge badge--warning" data-testid="secret-missing">
              Missing
            </span>
          )}
        </span>
        <span className="table__sub mono secret-ref">
          {secretReference(name)}
          <CopyButton text={secretReference(name)} label={`Copy reference to ${name}`} iconOnly className="secret-ref__copy" />
        </span>
      </th>
      <td className="secret-value-cell">
        {secret.set ? (
          <span className="secret-value">
            {revealed !== null ? (
              <code className="secret-value__text" data-testid="secret-value">
                {revealed}
              </code>
            ) : (
              <span className="secret-value__mask" data-testid="secret-mask">
                <span aria-hidden="true">{MASK}</span>
                <span className="visually-hidden">Value hidden</span>
              </span>
            )}
            <button
              type="button"
              className="button button--small"
              onClick={toggle}
              aria-disabled={reveal.isPending}
              aria-label={revealed !== null ? `Hide ${name}` : `Reveal ${name}`}
            >
              {revealed !== null ? <EyeOffIcon aria-hidden="true" /> : <EyeIcon aria-hidden="true" />}
              {revealed !== null ? 'Hide' : reveal.isPending ? 'Revealing…' : 'Reveal'}
            </button>
            {revealed !== null && <CopyButton text={revealed} label={`Copy value of ${name}`} iconOnly />}
          </span>
        ) : (
          <span className="muted">Not set</span>
        )}
      </td>
      <td>
        <UsedBy stack={stack} usedBy={secret.usedBy} />
      </td>
      <td>
        {secret.updatedAt ? (
          <time dateTime={secret.updatedAt} title={formatDateTime(secret.updatedAt)}>
            {formatRelativeTime(secret.updatedAt)}
          </time>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td className="table__actions">
        <span className="row-actions">
          {secret.set ? (
            <button type="button" className="button button--small" onClick={onSet} aria-label={`Set value of ${name}`}>
              <KeyIcon aria-hidden="true" />
              Set value
            </button>
          ) : (
            <button type="button" className="button button--small button--primary" onClick={onSet} aria-label={`Set ${name}`}>
              <KeyIcon aria-hidden="true" />
              Set
            </button>
          )}
          {secret.set && (
            <button
              type="button"
              className="icon-button icon-button--danger"
              aria-label={`Delete secret ${name}`}
              title="Delete secret"
              onClick={onDelete}
            >
              <TrashIcon aria-hidden="true" />
            </button>
          )}
        </span>
      </td>
    </tr>
  );
}
