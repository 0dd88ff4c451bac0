import { navigate, stackHref } from '@/app/routes';
import { NameDialog } from '@/components/NameDialog';
import { useToastStore } from '@/components/toast';
import { AppError, fieldError } from '@/lib/errors';
import { MAX_STACK_NAME } from '@/lib/names';
import { useRenameStack } from '../api/renameStack';

export function RenameStackDialog({ name, onClose }: { name: string; onClose: () => void }) {
  const rename = useRenameStack();
  const toasts = useToastStore();
  const error = fieldError(rename.error, 'name', 'newName');
  const refusal = !error && rename.error && (rename.error.kind === 'conflict' || rename.error.kind === 'locked') ? rename.error : undefined;
  // The backend's way out is the CLI's (devarch down); the window names its own button and
  // keeps the command second.
  const refused =
    refusal?.kind === 'conflict' && refusal.field === 'stack'
      ? new AppError({
          ...refusal.toProblem(),
          detail: `Containers are named after their stack. Close this, take ${name} down with Down in its toolbar (volumes keep your data), then rename it and apply. From a terminal: devarch down ${name}`,
        })
      : refusal;
  return (
    <NameDialog
      title={`Rename ${name}`}
      description="Containers are named after their stack: take it down first, rename, then apply. Volumes keep your data."
      label="New name"
      initial={name}
      maxLength={MAX_STACK_NAME}
      submitLabel="Rename"
      busyLabel="Renaming…"
      busy={rename.isPending}
      error={error}
      refused={refused}
      refusedTestId="rename-refused"
      onEdit={() => rename.error && rename.reset()}
      onClose={onClose}
      onSubmit={(newName) =>
        rename.mutate(
          { name, newName },
          {
            onSuccess: () => {
              toasts.show({ tone: 'success', title: `Stack renamed to ${newName}`, timeout: 4000 });
              onClose();
              navigate(stackHref(newName));
            },
          },
        )
      }
    />
  );
}
