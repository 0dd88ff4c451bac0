import { ConfirmDialog } from '@/components/ConfirmDialog';
import { useToastStore } from '@/components/toast';
import { useDeleteTemplate } from '../api/deleteTemplate';

/** Confirms deleting a custom template; the backend's refusal (it is in use) shows here. */
export function DeleteTemplateDialog({ name, usedBy, onClose }: { name: string; usedBy: string[]; onClose: () => void }) {
  const remove = useDeleteTemplate();
  const toasts = useToastStore();
  const run = async () => {
    await remove.mutateAsync(name);
    toasts.show({ tone: 'success', title: `Template ${name} deleted`, timeout: 4000 });
    onClose();
  };

  return (
    <ConfirmDialog
      title={`Delete template ${name}?`}
      confirmLabel="Delete template"
      busyLabel="Deleting…"
      onConfirm={run}
      onClose={onClose}
      testId="delete-template-dialog"
      refusedTestId="delete-template-refused"
      refusal={(error) =>
        // In use: trying again cannot help until its instances are removed.
        error.kind === 'conflict'
          ? { body: <p className="callout__text">{error.detail ?? 'Remove the instances that use it first.'}</p>, next: 'none' }
          : {}
      }
    >
      <p className="dialog__text">
        {usedBy.length === 0
          ? 'No instance uses it. This cannot be undone.'
          : `It is used by ${usedBy.length} ${usedBy.length === 1 ? 'instance' : 'instances'}: ${usedBy.join(', ')}.`}
      </p>
    </ConfirmDialog>
  );
}
