import { useMutation, useQueryClient } from '@tanstack/react-query';
import { instances } from '@/lib/backend';
import { instanceQueryOptions } from './getInstance';
import { instanceChanged } from './invalidate';

export interface RemoveInstanceInput {
  stack: string;
  name: string;
}

export function removeInstance({ stack, name }: RemoveInstanceInput) {
  return instances.remove(stack, name);
}

export function useRemoveInstance() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: removeInstance,
    // Every refusal shows in the confirm dialog that asked (RemoveInstanceDialog), not as a toast.
    meta: { errorTitle: 'Could not remove the instance', toast: false },
    onSuccess: (_data, { stack, name }) => {
      queryClient.removeQueries({ queryKey: instanceQueryOptions(stack, name).queryKey });
      return instanceChanged(queryClient, stack, undefined, { templates: true });
    },
  });
}
