import { Callout } from '@/components/Callout';
import { Dialog } from '@/components/Dialog';
import { useToastStore } from '@/components/toast';
import { useDeleteTemplate } from '../api/deleteTemplate';

/** Confirms deleting a custom template; the backend's refusal (it is in use) shows here. */
export function DeleteTemplateDialog({ name, usedBy, onClose }: { name: string; usedBy: string[]; onClose: () => void }) {
  const remove = useDeleteTemplate();
  const toasts = useToastStore();
  const refused = remove.error?.kind === 'conflict' ? remove.error : undefined;

  const run = () => {
    if (remove.isPending || refused) return;
    remove.mutate(name, {
      onSuccess: () => {
        toasts.show({ tone: 'success', title: `Template ${name} deleted`, timeout: 4000 });
        onClose();
      },
    });
  };

  return (
    <Dialog
      title={`Delete template ${name}?`}
      onClose={onClose}
      busy={remove.isPending}
      size="sm"
      testId="delete-template-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={onClose} aria-disabled={remove.isPending}>
            {refused ? 'Close' : 'Cancel'}
          </button>
          <button type="button" className="button button--danger" onClick={run} aria-disabled={remove.isPending || Boolean(refused)}>
            {remove.isPending ? 'Deleting…' : 'Delete template'}
          </button>
        </>
      }
    >
      <p className="dialog__text">
        {usedBy.length === 0
          ? 'No instance uses it. This cannot be undone.'
          : `It is used by ${usedBy.length} ${usedBy.length === 1 ? 'instance' : 'instances'}: ${usedBy.join(', ')}.`}
      </p>
      {refused && (
        <Callout tone="error" title={refused.summary} testId="delete-template-refused" role="alert">
          <p className="callout__text">{refused.detail ?? 'Remove the instances that use it first.'}</p>
        </Callout>
      )}
    </Dialog>
  );
}
