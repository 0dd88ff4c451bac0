import { navigate, hrefFor } from '@/app/routes';
import { ConfirmDialog, type ConfirmOptions } from '@/components/ConfirmDialog';
import { useToastStore } from '@/components/toast';
import { useDeleteStack } from '../api/deleteStack';

/**
 * Confirms deleting a stack. The backend refuses while the stack has containers or a
 * network: the refusal shows here with the way out, "Take down and delete" (force), which
 * takes the place of "Delete stack" as a new button (focus moves to the refusal, never to
 * it). When the engine does not answer, the way out is "Delete the definition only" (force
 * without an engine: its containers, if any, are left as they are, and the toast says so). Volumes (the data) stay unless the user ticks the box; what was kept is said in the
 * toast.
 */
export function DeleteStackDialog({ name, instances, onClose }: { name: string; instances: number; onClose: () => void }) {
  const remove = useDeleteStack();
  const toasts = useToastStore();

  const run = async (force: boolean, options: ConfirmOptions) => {
    const kept = await remove.mutateAsync({ name, force, volumes: options.volumes });
    const notes = [];
    if (kept.unchecked)
      notes.push(`The container engine was not asked (${kept.unchecked}): any containers, network or volumes of ${name} are left as they are.`);
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
          : error.kind === 'engine_unavailable'
            ? // The engine did not answer: start it and retry, or delete only the definition.
              {
                tone: 'warning',
                title: 'The container engine did not answer',
                body: (
                  <>
                    <p className="callout__text">
                      DevArch cannot tell whether {name} still has containers or a network. The status bar says what is wrong with the
                      engine.
                    </p>
                    <p className="callout__text">
                      Start the container engine and try again, or delete only the definition: any containers, network or volumes of{' '}
                      {name} are then left as they are, unmanaged.
                    </p>
                    <details className="cli-equivalent" data-testid="cli-equivalent">
                      <summary>From a terminal</summary>
                      <code>devarch stack delete {name} --force</code>
                    </details>
                  </>
                ),
                next: { label: 'Delete the definition only', busyLabel: 'Deleting…', run: (current) => run(true, current) },
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
