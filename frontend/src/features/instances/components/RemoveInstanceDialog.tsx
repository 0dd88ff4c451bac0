import { ConfirmDialog } from '@/components/ConfirmDialog';
import { useToastStore } from '@/components/toast';
import { useRemoveInstance } from '../api/removeInstance';

/** Confirms removing an instance; a refusal (the stack is busy, the instance is gone) shows here. */
export function RemoveInstanceDialog({ stack, name, onClose, onRemoved }: { stack: string; name: string; onClose: () => void; onRemoved?: () => void }) {
  const remove = useRemoveInstance();
  const toasts = useToastStore();
  const run = async () => {
    await remove.mutateAsync({ stack, name });
    toasts.show({ tone: 'success', title: `Removed ${name}`, timeout: 4000 });
    onClose();
    onRemoved?.();
  };
  return (
    <ConfirmDialog
      title={`Remove ${name}?`}
      confirmLabel="Remove instance"
      busyLabel="Removing…"
      onConfirm={run}
      onClose={onClose}
      testId="remove-instance-dialog"
      refusedTestId="remove-instance-refused"
    >
      <p className="dialog__text">
        The instance and its overrides are removed from {stack}. Its container goes away on the next apply.
      </p>
    </ConfirmDialog>
  );
}
