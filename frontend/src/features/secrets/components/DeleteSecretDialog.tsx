import { Callout } from '@/components/Callout';
import { Dialog } from '@/components/Dialog';
import { useToastStore } from '@/components/toast';
import { useDeleteSecret } from '../api/deleteSecret';

/** Confirms deleting a secret; a refusal (instances still reference it) shows here, naming them. */
export function DeleteSecretDialog({ stack, name, onClose }: { stack: string; name: string; onClose: () => void }) {
  const remove = useDeleteSecret();
  const toasts = useToastStore();
  const refused = remove.error?.kind === 'conflict' ? remove.error : undefined;

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
          {refused.detail && <p className="callout__text muted">{refused.detail}</p>}
        </Callout>
      )}
    </Dialog>
  );
}
