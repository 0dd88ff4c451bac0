import { ConfirmDialog } from '@/components/ConfirmDialog';
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
  const users = usedBy.flatMap((user) => {
    const [instance, path] = user.split(' ');
    return instance && path ? [{ instance, path }] : [];
  });
  const run = async () => {
    await remove.mutateAsync({ stack, name });
    toasts.show({ tone: 'success', title: `Secret ${name} deleted`, timeout: 4000 });
    onClose();
  };

  return (
    <ConfirmDialog
      title={`Delete secret ${name}?`}
      confirmLabel="Delete secret"
      busyLabel="Deleting…"
      onConfirm={run}
      onClose={onClose}
      testId="delete-secret-dialog"
      refusedTestId="delete-secret-refused"
      refusal={(error) =>
        // Still referenced: trying again cannot help until the references go.
        error.kind === 'conflict'
          ? {
              title: 'It is still in use',
              body: (
                <>
                  <p className="callout__text">{error.summary}</p>
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
                    error.detail && <p className="callout__text muted">{error.detail}</p>
                  )}
                </>
              ),
              next: 'none',
            }
          : {}
      }
    >
      <p className="dialog__text">Its value is deleted for good. Nothing can read it back afterwards.</p>
    </ConfirmDialog>
  );
}
