import { useMutation, useQueryClient } from '@tanstack/react-query';
import { stacks } from '@/lib/backend';
import { stackQueryOptions } from './getStack';
import { listStacksQueryOptions } from './listStacks';

export interface RenameStackInput {
  name: string;
  newName: string;
}

export function renameStack({ name, newName }: RenameStackInput) {
  return stacks.rename(name, newName);
}

export function useRenameStack() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: renameStack,
    // A refusal (the stack has containers, or is busy) is explained in the dialog.
    meta: { errorTitle: 'Could not rename the stack', fieldErrors: ['name', 'newName'], inlineKinds: ['conflict', 'locked'] },
    onSuccess: (_data, { name }) => {
      // The old name no longer exists: drop its cached page rather than refetch a 404.
      queryClient.removeQueries({ queryKey: stackQueryOptions(name).queryKey });
      return queryClient.invalidateQueries({ queryKey: listStacksQueryOptions().queryKey });
    },
  });
}
