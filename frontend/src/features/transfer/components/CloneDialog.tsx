import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { navigate, stackHref } from '@/app/routes';
import { CopyIcon } from '@/components/icons';
import { NameDialog } from '@/components/NameDialog';
import { useToastStore } from '@/components/toast';
import { listStacksQueryOptions } from '@/features/stacks';
import { transfer } from '@/lib/backend';
import { fieldError } from '@/lib/errors';
import { MAX_STACK_NAME } from '@/lib/names';

/**
 * Clone on a stack's page: a name dialog, then the copy (engine.CloneStack: the same
 * instances, overrides, wires and secrets, every published host port moved to a free one,
 * volumes empty, the same project root). The moved ports are listed in the success toast;
 * the new stack opens. Another project root (a git worktree) is the CLI's --root.
 */
export function CloneDialog({ stack, onClose }: { stack: string; onClose: () => void }) {
  const queryClient = useQueryClient();
  const toasts = useToastStore();
  const clone = useMutation({
    mutationFn: (name: string) => transfer.clone(stack, name, '', false),
    meta: { errorTitle: 'Could not clone the stack', fieldErrors: ['name', 'stack'], inlineKinds: ['conflict', 'invalid', 'not_found'] },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: listStacksQueryOptions().queryKey }),
  });
  const error = fieldError(clone.error, 'name', 'stack');
  const refused = !error && clone.error ? clone.error : undefined;
  return (
    <NameDialog
      title={`Clone ${stack}`}
      description="A copy with the same instances, overrides, wires and secrets, next to this one: every published host port moves to a free one, and its volumes start empty."
      label="New stack name"
      initial={`${stack}-2`.slice(0, MAX_STACK_NAME)}
      maxLength={MAX_STACK_NAME}
      submitLabel="Clone"
      busyLabel="Cloning…"
      busy={clone.isPending}
      error={error}
      refused={refused}
      refusedTestId="clone-refused"
      testId="clone-dialog"
      onEdit={() => clone.error && clone.reset()}
      onClose={onClose}
      onSubmit={(name) =>
        clone.mutate(name, {
          onSuccess: (view) => {
            toasts.show({
              tone: 'success',
              title: `Cloned ${stack} as ${view.stack}`,
              message: view.ports.length > 0 ? `${view.ports.length} host ${view.ports.length === 1 ? 'port' : 'ports'} moved` : 'No published ports to move',
              detail: view.ports.map((p) => `${p.instance}: ${p.from} -> ${p.to}`).join('\n') || undefined,
              timeout: 8000,
            });
            onClose();
            navigate(stackHref(view.stack) + (view.missingSecrets.length > 0 ? '?tab=secrets' : ''));
          },
        })
      }
    />
  );
}

/** The stack page's Clone button and its dialog. */
export function CloneButton({ stack }: { stack: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="button" onClick={() => setOpen(true)} data-testid="clone-button">
        <CopyIcon aria-hidden="true" />
        Clone
      </button>
      {open && <CloneDialog stack={stack} onClose={() => setOpen(false)} />}
    </>
  );
}
