import { ConfirmDialog } from '@/components/ConfirmDialog';
import { useToastStore } from '@/components/toast';
import { useDeleteSecret } from '../api/deleteSecret';

/** Confirms deleting a secret; a refusal (instances still reference it) shows here, naming them. */
export function DeleteSecretDialog({ stack, name, onClose }: { stack: string; name: string; onClose: () => void }) {
  const remove = useDeleteSecret();
  const toasts = useToastStore();
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
                  {error.detail && <p className="callout__text muted">{error.detail}</p>}
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
