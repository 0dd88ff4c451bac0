import { useState } from 'react';
import { Dialog, DialogCancel } from '@/components/Dialog';
import { Field } from '@/components/Field';
import { useToastStore } from '@/components/toast';
import { fieldError } from '@/lib/errors';
import { nameHint } from '@/lib/names';
import { useCloneTemplate } from '../api/cloneTemplate';

/** Asks for the copy's name; a bad or taken name shows at the field. */
export function CloneTemplateDialog({ name, taken, onClose, onCloned }: { name: string; taken: string[]; onClose: () => void; onCloned?: (newName: string) => void }) {
  const [suggested] = useState(() => {
    let candidate = `${name}-custom`;
    for (let i = 2; taken.includes(candidate); i++) candidate = `${name}-custom-${i}`;
    return candidate;
  });
  const [newName, setNewName] = useState(suggested);
  const clone = useCloneTemplate();
  const toasts = useToastStore();
  const hint = nameHint(newName);
  // Anything the backend refuses about the new name (invalid, or taken) belongs at the field.
  const error =
    fieldError(clone.error, 'name', 'newName') ??
    (clone.error && (clone.error.kind === 'conflict' || clone.error.kind === 'invalid') ? clone.error : undefined);

  const submit = () => {
    if (clone.isPending) return;
    clone.mutate(
      { name, newName },
      {
        onSuccess: (copy) => {
          toasts.show({ tone: 'success', title: `Cloned ${name} as ${copy.name}`, timeout: 4000 });
          onClose();
          onCloned?.(copy.name);
        },
      },
    );
  };

  return (
    <Dialog
      title={`Clone ${name}`}
      description="The copy is a custom template you can edit. Existing instances keep using the original."
      onClose={onClose}
      onSubmit={submit}
      busy={clone.isPending}
      dirty={newName !== suggested}
      discardText="The name you typed is not saved."
      size="sm"
      testId="clone-template-dialog"
      footer={
        <>
          <DialogCancel />
          <button type="submit" className="button button--primary" aria-disabled={clone.isPending}>
            {clone.isPending ? 'Cloning…' : 'Clone template'}
          </button>
        </>
      }
    >
      <Field label="New template name" hint={error ? undefined : hint.text} hintWarning={hint.warning} error={error}>
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
              if (clone.error) clone.reset();
            }}
          />
        )}
      </Field>
    </Dialog>
  );
}
