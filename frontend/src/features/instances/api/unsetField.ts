import { useMutation, useQueryClient } from '@tanstack/react-query';
import { instances } from '@/lib/backend';
import { instanceChanged } from './invalidate';

export interface UnsetFieldInput {
  stack: string;
  name: string;
  path: string;
}

export function unsetField({ stack, name, path }: UnsetFieldInput) {
  return instances.unsetField(stack, name, path);
}

/** Drops an override, so the field shows the template's value again. */
export function useUnsetField(shownAt: readonly string[] = []) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: unsetField,
    meta: { errorTitle: 'Could not reset the field', fieldErrors: shownAt },
    onSuccess: (detail, { stack }) => instanceChanged(queryClient, stack, detail),
  });
}
