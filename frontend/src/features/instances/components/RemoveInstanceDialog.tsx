import { Dialog } from '@/components/Dialog';
import { useToastStore } from '@/components/toast';
import { useRemoveInstance } from '../api/removeInstance';

export function RemoveInstanceDialog({ stack, name, onClose, onRemoved }: { stack: string; name: string; onClose: () => void; onRemoved?: () => void }) {
  const remove = useRemoveInstance();
  const toasts = useToastStore();
  const run = () => {
    if (remove.isPending) return;
    remove.mutate(
      { stack, name },
      {
        onSuccess: () => {
          toasts.show({ tone: 'success', title: `Removed ${name}`, timeout: 4000 });
          onClose();
          onRemoved?.();
        },
      },
    );
  };
  return (
    <Dialog
      title={`Remove ${name}?`}
      onClose={onClose}
      busy={remove.isPending}
      size="sm"
      footer={
        <>
          <button type="button" className="button" onClick={onClose} aria-disabled={remove.isPending}>
            Cancel
          </button>
          <button type="button" className="button button--danger" onClick={run} aria-disabled={remove.isPending}>
            {remove.isPending ? 'Removing…' : 'Remove instance'}
          </button>
        </>
      }
    >
      <p className="dialog__text">
        The instance and its overrides are removed from {stack}. Its container goes away on the next apply.
      </p>
    </Dialog>
  );
}
