import { useMutation, useQueryClient } from '@tanstack/react-query';
import { instances } from '@/lib/backend';
import { instanceChanged } from './invalidate';

export interface SetOverridesInput {
  stack: string;
  name: string;
  /** The whole delta, as the YAML override view shows it. */
  yaml: string;
}

export function setOverrides({ stack, name, yaml }: SetOverridesInput) {
  return instances.setOverrides(stack, name, yaml);
}

export function useSetOverrides() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: setOverrides,
    // Syntax errors (with line and column) and field errors (with their path) show under the editor.
    meta: { errorTitle: 'Could not save the overrides', inlineKinds: ['invalid'], fieldErrors: ['*'] },
    onSuccess: (detail, { stack }) => instanceChanged(queryClient, stack, detail),
  });
}
