import { navigate, hrefFor } from '@/app/routes';
import { Callout } from '@/components/Callout';
import { Dialog } from '@/components/Dialog';
import { useToastStore } from '@/components/toast';
import { useDeleteStack } from '../api/deleteStack';

/**
 * Confirms deleting a stack. The backend refuses while the stack runs: the refusal shows
 * here with the way out, "Delete and stop" (force).
 */
export function DeleteStackDialog({ name, instances, onClose }: { name: string; instances: number; onClose: () => void }) {
  const remove = useDeleteStack();
  const toasts = useToastStore();
  const refused = remove.error && (remove.error.kind === 'conflict' || remove.error.kind === 'locked') ? remove.error : undefined;
  const canForce = refused?.kind === 'conflict';

  const run = (force: boolean) => {
    if (remove.isPending) return;
    remove.mutate(
      { name, force },
      {
        onSuccess: () => {
          toasts.show({ tone: 'success', title: `Stack ${name} deleted`, timeout: 4000 });
          onClose();
          navigate(hrefFor('stacks'));
        },
      },
    );
  };

  return (
    <Dialog
      title={`Delete ${name}?`}
      onClose={onClose}
      busy={remove.isPending}
      size="sm"
      testId="delete-stack-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={onClose} aria-disabled={remove.isPending}>
            Cancel
          </button>
          {canForce ? (
            <button type="button" className="button button--danger" onClick={() => run(true)} aria-disabled={remove.isPending}>
              {remove.isPending ? 'Stopping and deleting…' : 'Delete and stop'}
            </button>
          ) : (
            <button type="button" className="button button--danger" onClick={() => run(false)} aria-disabled={remove.isPending}>
              {remove.isPending ? 'Deleting…' : 'Delete stack'}
            </button>
          )}
        </>
      }
    >
      <p className="dialog__text">
        The stack, its {instances} {instances === 1 ? 'instance' : 'instances'} and their overrides are deleted. This
        cannot be undone.
      </p>
      {refused && (
        <Callout tone={canForce ? 'warning' : 'error'} title={refused.summary} testId="delete-refused" role="alert">
          {refused.detail && <p className="callout__text">{refused.detail}</p>}
          {canForce && <p className="callout__text">Delete and stop stops its containers first, then deletes it.</p>}
        </Callout>
      )}
    </Dialog>
  );
}
