import { useMutation, useQueryClient } from '@tanstack/react-query';
import { stacks } from '@/lib/backend';
import { stackQueryOptions } from './getStack';
import { listStacksQueryOptions } from './listStacks';

export interface DeleteStackInput {
  name: string;
  /** Take the stack down first instead of refusing. */
  force: boolean;
  /** Also remove its named volumes (its data). */
  volumes?: boolean;
}

export function deleteStack({ name, force, volumes = false }: DeleteStackInput) {
  return stacks.delete(name, force, volumes);
}

export function useDeleteStack() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteStack,
    // Every refusal shows in the confirm dialog; one because the stack is running comes with the offer to force it.
    meta: { errorTitle: 'Could not delete the stack', toast: false },
    onSuccess: (_data, { name }) => {
      queryClient.removeQueries({ queryKey: stackQueryOptions(name).queryKey });
      return queryClient.invalidateQueries({ queryKey: listStacksQueryOptions().queryKey });
    },
  });
}
