import { useMutation, useQueryClient } from '@tanstack/react-query';
import { stacksQueryKey } from '@/features/stacks';
import { templates } from '@/lib/backend';
import { templatesQueryKey } from './listTemplates';

export interface SaveTemplateInput {
  yaml: string;
  /** true: replace the existing custom template of that name; false: create a new one. */
  replace: boolean;
}

export function saveTemplate({ yaml, replace }: SaveTemplateInput) {
  return templates.save(yaml, replace);
}

export function useSaveTemplate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: saveTemplate,
    // YAML and field errors (line, column, path) and name clashes show under the editor.
    meta: { errorTitle: 'Could not save the template', inlineKinds: ['invalid', 'conflict'], fieldErrors: ['*'] },
    onSuccess: (_summary, { replace }) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: templatesQueryKey }),
        // A changed template changes every instance that did not override the field.
        replace ? queryClient.invalidateQueries({ queryKey: stacksQueryKey }) : undefined,
      ]),
  });
}
