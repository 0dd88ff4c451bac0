import { navigate, hrefFor } from '@/app/routes';
import { ConfirmDialog, type ConfirmOptions } from '@/components/ConfirmDialog';
import { useToastStore } from '@/components/toast';
import { useDeleteStack } from '../api/deleteStack';

/**
 * Confirms deleting a stack. The backend refuses while the stack has containers or a
 * network: the refusal shows here with the way out, "Take down and delete" (force), which
 * takes the place of "Delete stack" as a new button (focus moves to the refusal, never to
 * it). Volumes (the data) stay unless the user ticks the box; what was kept is said in the
 * toast.
 */
export function DeleteStackDialog({ name, instances, onClose }: { name: string; instances: number; onClose: () => void }) {
  const remove = useDeleteStack();
  const toasts = useToastStore();

  const run = async (force: boolean, options: ConfirmOptions) => {
    const kept = await remove.mutateAsync({ name, force, volumes: options.volumes });
    const notes = [];
    if (kept.keptVolumes.length > 0) notes.push(`Its volumes are kept: ${kept.keptVolumes.join(', ')}.`);
    if (kept.keptFiles.length > 0) notes.push(`${kept.keptFiles.length} file(s) of yours are kept in ${kept.keptDir}.`);
    toasts.show({ tone: 'success', title: `Stack ${name} deleted`, message: notes.join(' ') || undefined, timeout: notes.length ? 8000 : 4000 });
    onClose();
    navigate(hrefFor('stacks'));
  };

  return (
    <ConfirmDialog
      title={`Delete ${name}?`}
      confirmLabel="Delete stack"
      busyLabel="Deleting…"
      onConfirm={(options) => run(false, options)}
      onClose={onClose}
      options={[{ name: 'volumes', label: "Also remove its volumes (the databases' data)" }]}
      testId="delete-stack-dialog"
      refusedTestId="delete-refused"
      refusal={(error, options) =>
        // Running (containers or a network): the way out is to take it down first.
        error.kind === 'conflict'
          ? {
              tone: 'warning',
              body: (
                <>
                  <p className="callout__text">
                    Take down and delete removes its containers and network first, then deletes it. Volumes (your data) stay unless you
                    tick the box above.
                  </p>
                  <details className="cli-equivalent" data-testid="cli-equivalent">
                    <summary>From a terminal</summary>
                    <code>
                      devarch stack delete {name} --force{options.volumes ? ' --volumes' : ''}
                    </code>
                  </details>
                </>
              ),
              next: { label: 'Take down and delete', busyLabel: 'Taking down and deleting…', run: (current) => run(true, current) },
            }
          : // Busy (another operation holds it) or failed: trying again may work.
            {}
      }
    >
      <p className="dialog__text">
        The stack, its {instances} {instances === 1 ? 'instance' : 'instances'} and their overrides are deleted. This
        cannot be undone. Your files in its project folder stay.
      </p>
    </ConfirmDialog>
  );
}
