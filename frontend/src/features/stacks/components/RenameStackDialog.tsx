import { navigate, stackHref } from '@/app/routes';
import { NameDialog } from '@/components/NameDialog';
import { useToastStore } from '@/components/toast';
import { fieldError } from '@/lib/errors';
import { MAX_STACK_NAME } from '@/lib/names';
import { useRenameStack } from '../api/renameStack';

export function RenameStackDialog({ name, onClose }: { name: string; onClose: () => void }) {
  const rename = useRenameStack();
  const toasts = useToastStore();
  const error = fieldError(rename.error, 'name', 'newName');
  const refused = !error && rename.error && (rename.error.kind === 'conflict' || rename.error.kind === 'locked') ? rename.error : undefined;
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
