import { useState } from 'react';
import { navigate, stackHref } from '@/app/routes';
import { Dialog } from '@/components/Dialog';
import { Field } from '@/components/Field';
import { NameField } from '@/components/NameField';
import { useToastStore } from '@/components/toast';
import { fieldError } from '@/lib/errors';
import { MAX_DESCRIPTION, MAX_STACK_NAME, nameHint } from '@/lib/names';
import { useCreateStack } from '../api/createStack';

/** Name and description; the backend's verdict on either shows at its field. */
export function CreateStackDialog({ onClose }: { onClose: () => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const create = useCreateStack();
  const toasts = useToastStore();
  const hint = nameHint(name, MAX_STACK_NAME);
  const nameError = fieldError(create.error, 'name');
  const descriptionError = fieldError(create.error, 'description');

  const submit = () => {
    if (create.isPending) return;
    create.mutate(
      { name, description },
      {
        onSuccess: (stack) => {
          toasts.show({ tone: 'success', title: `Stack ${stack.name} created`, timeout: 4000 });
          onClose();
          navigate(stackHref(stack.name));
        },
        onError: (error) => {
          // Take the user to what needs fixing.
          const field = fieldError(error, 'description') ? 'stack-description' : 'stack-name';
          document.querySelector<HTMLElement>(`[data-field="${field}"]`)?.focus();
        },
      },
    );
  };

  return (
    <Dialog
      title="New stack"
      description="An isolated set of services: one compose project, one network."
      onClose={onClose}
      onSubmit={submit}
      busy={create.isPending}
      size="sm"
      testId="create-stack-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={onClose} aria-disabled={create.isPending}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" aria-disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create stack'}
          </button>
        </>
      }
    >
      <NameField
        value={name}
        onChange={(value) => {
          setName(value);
          if (create.error) create.reset();
        }}
        hint={hint}
        error={nameError}
        placeholder="shop"
        fieldId="stack-name"
      />
      <Field label="Description" hint="Optional. What runs in it, for whom." error={descriptionError}>
        {(control) => (
          <textarea
            {...control}
            className="input textarea"
            data-field="stack-description"
            rows={3}
            maxLength={MAX_DESCRIPTION * 2}
            value={description}
            placeholder="Storefront with Postgres and Redis"
            onChange={(event) => {
              setDescription(event.target.value);
              if (create.error) create.reset();
            }}
          />
        )}
      </Field>
    </Dialog>
  );
}
