import { useMutation, useQueryClient } from '@tanstack/react-query';
import { stacks } from '@/lib/backend';
import { listStacksQueryOptions } from './listStacks';

export interface CreateStackInput {
  name: string;
  description: string;
}

export function createStack({ name, description }: CreateStackInput) {
  return stacks.create(name, description);
}

export function useCreateStack() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createStack,
    // The dialog shows name and description problems at their fields.
    meta: { errorTitle: 'Could not create the stack', fieldErrors: ['name', 'description'] },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: listStacksQueryOptions().queryKey }),
  });
}
