import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { navigate, stackHref } from '@/app/routes';
import { Callout } from '@/components/Callout';
import { Dialog, DialogCancel } from '@/components/Dialog';
import { Field } from '@/components/Field';
import { CopyIcon } from '@/components/icons';
import { NameField } from '@/components/NameField';
import { useToastStore } from '@/components/toast';
import { listStacksQueryOptions } from '@/features/stacks';
import { transfer } from '@/lib/backend';
import { AppError, fieldError, toAppError } from '@/lib/errors';
import { MAX_STACK_NAME, nameHint } from '@/lib/names';
import '../transfer.css';

/**
 * Clone on a stack's page (devarch stack clone SRC NEW [--root DIR]): the new name and,
 * optionally, another project root (a git worktree of the same project: the clone's
 * relative bind mounts and build contexts resolve there), typed or chosen with the native
 * folder dialog. The copy (engine.CloneStack) has the same instances, overrides, wires and
 * secrets, every published host port moved to a free one, and empty volumes. The backend
 * validates the root as the CLI's (an absolute path to an existing folder) and a refusal
 * shows at the field it names. The moved ports and the root are in the success toast; the
 * new stack opens, its root in its header.
 */
export function CloneDialog({ stack, sourceRoot, onClose }: { stack: string; sourceRoot?: string; onClose: () => void }) {
  const initial = `${stack}-2`.slice(0, MAX_STACK_NAME);
  const [name, setName] = useState(initial);
  const [root, setRoot] = useState('');
  const [chooserNote, setChooserNote] = useState<AppError>();
  const [choosing, setChoosing] = useState(false);
  const queryClient = useQueryClient();
  const toasts = useToastStore();
  const clone = useMutation({
    mutationFn: (args: { name: string; root: string }) => transfer.clone(stack, args.name, args.root, false),
    meta: { errorTitle: 'Could not clone the stack', fieldErrors: ['name', 'stack', 'root'], inlineKinds: ['conflict', 'invalid', 'not_found'] },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: listStacksQueryOptions().queryKey }),
  });
  const nameError = fieldError(clone.error, 'name', 'stack');
  const rootError = fieldError(clone.error, 'root') ?? chooserNote;
  const refused = !nameError && !fieldError(clone.error, 'root') && clone.error ? clone.error : undefined;
  const edited = () => {
    if (clone.error) clone.reset();
    setChooserNote(undefined);
  };

  const chooseFolder = async () => {
    if (choosing || clone.isPending) return;
    setChoosing(true);
    edited();
    try {
      const chosen = await transfer.chooseRootFolder(`Project root for ${name.trim() || 'the clone'}`);
      if (chosen) setRoot(chosen);
    } catch (raw) {
      const e = toAppError(raw);
      setChooserNote(
        e.kind === 'unavailable'
          ? new AppError({ kind: 'unavailable', summary: 'No folder dialog here', detail: 'Type the folder’s full path instead.', field: 'root' })
          : e,
      );
    } finally {
      setChoosing(false);
    }
  };

  const submit = () => {
    if (clone.isPending) return;
    clone.mutate(
      { name, root },
      {
        onSuccess: (view) => {
          const moved = view.ports.map((p) => `${p.instance}: ${p.from} -> ${p.to}`);
          toasts.show({
            tone: 'success',
            title: `Cloned ${stack} as ${view.stack}`,
            message: view.ports.length > 0 ? `${view.ports.length} host ${view.ports.length === 1 ? 'port' : 'ports'} moved` : 'No published ports to move',
            detail: [...moved, ...(root.trim() ? [`Project root: ${view.root}`] : [])].join('\n') || undefined,
            timeout: 8000,
          });
          onClose();
          navigate(stackHref(view.stack) + (view.missingSecrets.length > 0 ? '?tab=secrets' : ''));
        },
      },
    );
  };

  return (
    <Dialog
      title={`Clone ${stack}`}
      description="A copy with the same instances, overrides, wires and secrets, next to this one: every published host port moves to a free one, and its volumes start empty."
      onClose={onClose}
      onSubmit={submit}
      busy={clone.isPending}
      dirty={name !== initial || root !== ''}
      discardText="The name and folder you typed are not used."
      size="md"
      testId="clone-dialog"
      footer={
        <>
          <DialogCancel />
          <button type="submit" className="button button--primary" aria-disabled={clone.isPending}>
            {clone.isPending ? 'Cloning…' : 'Clone'}
          </button>
        </>
      }
    >
      <NameField
        label="New stack name"
        value={name}
        onChange={(value) => {
          setName(value);
          edited();
        }}
        hint={nameHint(name, MAX_STACK_NAME)}
        error={nameError}
      />
      <Field
        label="Project root"
        hint={
          <>
            Optional. The folder the clone’s relative bind mounts and build contexts resolve in, such as a git worktree of the same project. Empty: the same as{' '}
            {stack}’s{sourceRoot ? <span className="mono"> ({sourceRoot})</span> : null}.
          </>
        }
        error={rootError}
      >
        {(control) => (
          <div className="transfer__root">
            <input
              {...control}
              className="input mono"
              data-field="clone-root"
              value={root}
              autoComplete="off"
              spellCheck={false}
              placeholder="/home/me/src/shop-feature"
              onChange={(event) => {
                setRoot(event.target.value);
                edited();
              }}
            />
            <button type="button" className="button" onClick={() => void chooseFolder()} aria-disabled={choosing || clone.isPending} data-testid="clone-choose-root">
              Choose folder…
            </button>
          </div>
        )}
      </Field>
      {refused && (
        <Callout tone="warning" title={refused.summary} testId="clone-refused" role="alert">
          {refused.detail && <p className="callout__text">{refused.detail}</p>}
        </Callout>
      )}
    </Dialog>
  );
}

/** The stack page's Clone button and its dialog. */
export function CloneButton({ stack, sourceRoot }: { stack: string; sourceRoot?: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="button" onClick={() => setOpen(true)} data-testid="clone-button">
        <CopyIcon aria-hidden="true" />
        Clone
      </button>
      {open && <CloneDialog stack={stack} sourceRoot={sourceRoot} onClose={() => setOpen(false)} />}
    </>
  );
}
