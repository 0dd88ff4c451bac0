import { useState } from 'react';
import { NameDialog } from '@/components/NameDialog';
import { useToastStore } from '@/components/toast';
import { fieldError } from '@/lib/errors';
import { useCloneTemplate } from '../api/cloneTemplate';

/** Asks for the copy's name; a bad or taken name shows at the field. */
export function CloneTemplateDialog({ name, taken, onClose, onCloned }: { name: string; taken: string[]; onClose: () => void; onCloned?: (newName: string) => void }) {
  const [suggested] = useState(() => {
    let candidate = `${name}-custom`;
    for (let i = 2; taken.includes(candidate); i++) candidate = `${name}-custom-${i}`;
    return candidate;
  });
  const clone = useCloneTemplate();
  const toasts = useToastStore();
  // Anything the backend refuses about the new name (invalid, or taken) belongs at the field.
  const error =
    fieldError(clone.error, 'name', 'newName') ??
    (clone.error && (clone.error.kind === 'conflict' || clone.error.kind === 'invalid') ? clone.error : undefined);
  return (
    <NameDialog
      title={`Clone ${name}`}
      description="The copy is a custom template you can edit. Existing instances keep using the original."
      label="New template name"
      initial={suggested}
      submitLabel="Clone template"
      busyLabel="Cloning…"
      busy={clone.isPending}
      error={error}
      allowSame
      askBeforeDiscard
      testId="clone-template-dialog"
      onEdit={() => clone.error && clone.reset()}
      onClose={onClose}
      onSubmit={(newName) =>
        clone.mutate(
          { name, newName },
          {
            onSuccess: (copy) => {
              toasts.show({ tone: 'success', title: `Cloned ${name} as ${copy.name}`, timeout: 4000 });
              onClose();
              onCloned?.(copy.name);
            },
          },
        )
      }
    />
  );
}
