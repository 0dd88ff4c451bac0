import { useMutation, useQueryClient } from '@tanstack/react-query';
import { instances } from '@/lib/backend';
import { instanceChanged } from './invalidate';

export interface AddInstanceInput {
  stack: string;
  name: string;
  template: string;
}

export function addInstance({ stack, name, template }: AddInstanceInput) {
  return instances.add(stack, name, template);
}

export function useAddInstance() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: addInstance,
    // The dialog shows name and template problems (a clash, a bad name) at their fields.
    meta: { errorTitle: 'Could not add the instance', fieldErrors: ['name', 'instance', 'template'] },
    onSuccess: (detail, { stack }) => instanceChanged(queryClient, stack, detail, { templates: true }),
  });
}
