import { Callout } from '@/components/Callout';
import { Dialog } from '@/components/Dialog';
import { useToastStore } from '@/components/toast';
import { CliEquivalent, FieldFixLink } from '@/features/stacks';
import { useDeleteSecret } from '../api/deleteSecret';

/**
 * Confirms deleting a secret; a refusal (instances still reference it) shows here, naming
 * them, with a link to each field that references it (the CLI command second).
 */
export function DeleteSecretDialog({
  stack,
  name,
  usedBy = [],
  onClose,
}: {
  stack: string;
  name: string;
  /** Who references it, as "instance field" ("app environment.DB_PASSWORD"). */
  usedBy?: readonly string[];
  onClose: () => void;
}) {
  const remove = useDeleteSecret();
  const toasts = useToastStore();
  const refused = remove.error?.kind === 'conflict' ? remove.error : undefined;
  const users = usedBy.flatMap((user) => {
    const [instance, path] = user.split(' ');
    return instance && path ? [{ instance, path }] : [];
  });

  const run = () => {
    if (remove.isPending) return;
    remove.mutate(
      { stack, name },
      {
        onSuccess: () => {
          toasts.show({ tone: 'success', title: `Secret ${name} deleted`, timeout: 4000 });
          onClose();
        },
      },
    );
  };

  return (
    <Dialog
      title={`Delete secret ${name}?`}
      onClose={onClose}
      busy={remove.isPending}
      size="sm"
      testId="delete-secret-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={onClose} aria-disabled={remove.isPending}>
            {refused ? 'Close' : 'Cancel'}
          </button>
          {!refused && (
            <button type="button" className="button button--danger" onClick={run} aria-disabled={remove.isPending}>
              {remove.isPending ? 'Deleting…' : 'Delete secret'}
            </button>
          )}
        </>
      }
    >
      <p className="dialog__text">Its value is deleted for good. Nothing can read it back afterwards.</p>
      {refused && (
        <Callout tone="error" title="It is still in use" testId="delete-secret-refused" role="alert">
          <p className="callout__text">{refused.summary}</p>
          {users.length > 0 ? (
            <>
              <p className="callout__text">Remove those references first, then delete the secret:</p>
              <ul className="problem-list" data-testid="delete-secret-users">
                {users.map(({ instance, path }) => (
                  <li key={`${instance} ${path}`}>
                    <span className="problem-fix">
                      <FieldFixLink stack={stack} instance={instance} path={path} />
                      <CliEquivalent command={`devarch instance set ${stack} ${instance} --unset ${path}`} />
                    </span>
                  </li>
                ))}
              </ul>
            </>
          ) : (
            refused.detail && <p className="callout__text muted">{refused.detail}</p>
          )}
        </Callout>
      )}
    </Dialog>
  );
}
