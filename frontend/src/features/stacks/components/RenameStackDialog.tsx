import { useState } from 'react';
import { navigate, stackHref } from '@/app/routes';
import { Callout } from '@/components/Callout';
import { Dialog } from '@/components/Dialog';
import { Field } from '@/components/Field';
import { useToastStore } from '@/components/toast';
import { fieldError } from '@/lib/errors';
import { MAX_STACK_NAME, nameHint } from '@/lib/names';
import { useRenameStack } from '../api/renameStack';

export function RenameStackDialog({ name, onClose }: { name: string; onClose: () => void }) {
  const [newName, setNewName] = useState(name);
  const rename = useRenameStack();
  const toasts = useToastStore();
  const hint = nameHint(newName, MAX_STACK_NAME);
  const error = fieldError(rename.error, 'name', 'newName');
  const refused = !error && rename.error && (rename.error.kind === 'conflict' || rename.error.kind === 'locked') ? rename.error : undefined;

  const submit = () => {
    if (rename.isPending) return;
    if (newName === name) {
      onClose();
      return;
    }
    rename.mutate(
      { name, newName },
      {
        onSuccess: () => {
          toasts.show({ tone: 'success', title: `Stack renamed to ${newName}`, timeout: 4000 });
          onClose();
          navigate(stackHref(newName));
        },
      },
    );
  };

  return (
    <Dialog
      title={`Rename ${name}`}
      description="Containers are named after their stack: take it down first, rename, then apply. Volumes keep your data."
      onClose={onClose}
      onSubmit={submit}
      busy={rename.isPending}
      size="sm"
      footer={
        <>
          <button type="button" className="button" onClick={onClose} aria-disabled={rename.isPending}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" aria-disabled={rename.isPending}>
            {rename.isPending ? 'Renaming…' : 'Rename'}
          </button>
        </>
      }
    >
      <Field label="New name" hint={error ? undefined : hint.text} hintWarning={hint.warning} error={error}>
        {(control) => (
          <input
            {...control}
            className="input mono"
            data-autofocus
            value={newName}
            autoComplete="off"
            spellCheck={false}
            onChange={(event) => {
              setNewName(event.target.value);
              if (rename.error) rename.reset();
            }}
          />
        )}
      </Field>
      {refused && (
        <Callout tone="warning" title={refused.summary} testId="rename-refused" role="alert">
          {refused.detail && <p className="callout__text">{refused.detail}</p>}
        </Callout>
      )}
    </Dialog>
  );
}
