import { navigate, hrefFor } from '@/app/routes';
import { Callout } from '@/components/Callout';
import { Dialog } from '@/components/Dialog';
import { useToastStore } from '@/components/toast';
import { useEffect, useRef, useState } from 'react';
import { useDeleteStack } from '../api/deleteStack';

/**
 * Confirms deleting a stack. The backend refuses while the stack has containers or a
 * network: the refusal shows here with the way out, "Take down and delete" (force). Volumes
 * (the data) stay unless the user ticks the box; what was kept is said in the toast.
 */
export function DeleteStackDialog({ name, instances, onClose }: { name: string; instances: number; onClose: () => void }) {
  const remove = useDeleteStack();
  const toasts = useToastStore();
  const refused = remove.error && (remove.error.kind === 'conflict' || remove.error.kind === 'locked') ? remove.error : undefined;
  const canForce = refused?.kind === 'conflict';
  const [volumes, setVolumes] = useState(false);
  const cancelRef = useRef<HTMLButtonElement>(null);
  // A refusal swaps "Delete stack" for the destructive "Take down and delete": focus goes to
  // Cancel, never to the new button, so a second Enter cannot take the stack down.
  useEffect(() => {
    if (refused) cancelRef.current?.focus();
  }, [refused]);

  const run = (force: boolean) => {
    if (remove.isPending) return;
    remove.mutate(
      { name, force, volumes },
      {
        onSuccess: (kept) => {
          const notes = [];
          if (kept.keptVolumes.length > 0) notes.push(`Its volumes are kept: ${kept.keptVolumes.join(', ')}.`);
          if (kept.keptFiles.length > 0) notes.push(`${kept.keptFiles.length} file(s) of yours are kept in ${kept.keptDir}.`);
          toasts.show({ tone: 'success', title: `Stack ${name} deleted`, message: notes.join(' ') || undefined, timeout: notes.length ? 8000 : 4000 });
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
          <button type="button" className="button" onClick={onClose} aria-disabled={remove.isPending} ref={cancelRef}>
            Cancel
          </button>
          {/* Distinct keys: React must not turn the focused "Delete stack" into "Take down and delete". */}
          {canForce ? (
            <button key="force" type="button" className="button button--danger" onClick={() => run(true)} aria-disabled={remove.isPending}>
              {remove.isPending ? 'Taking down and deleting…' : 'Take down and delete'}
            </button>
          ) : (
            <button key="delete" type="button" className="button button--danger" onClick={() => run(false)} aria-disabled={remove.isPending}>
              {remove.isPending ? 'Deleting…' : 'Delete stack'}
            </button>
          )}
        </>
      }
    >
      <p className="dialog__text">
        The stack, its {instances} {instances === 1 ? 'instance' : 'instances'} and their overrides are deleted. This
        cannot be undone. Your files in its project folder stay.
      </p>
      <label className="checkbox">
        <input type="checkbox" checked={volumes} onChange={(e) => setVolumes(e.target.checked)} disabled={remove.isPending} />
        Also remove its volumes (the databases' data)
      </label>
      {refused && (
        <Callout tone={canForce ? 'warning' : 'error'} title={refused.summary} testId="delete-refused" role="alert">
          {canForce ? (
            <>
              <p className="callout__text">
                Take down and delete removes its containers and network first, then deletes it. Volumes (your data) stay unless you tick the
                box above.
              </p>
              <details className="cli-equivalent" data-testid="cli-equivalent">
                <summary>From a terminal</summary>
                <code>
                  devarch stack delete {name} --force{volumes ? ' --volumes' : ''}
                </code>
              </details>
            </>
          ) : (
            refused.detail && <p className="callout__text">{refused.detail}</p>
          )}
        </Callout>
      )}
    </Dialog>
  );
}
