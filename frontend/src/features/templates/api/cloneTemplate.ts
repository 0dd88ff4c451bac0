import { useMutation, useQueryClient } from '@tanstack/react-query';
import { templates } from '@/lib/backend';
import { templatesQueryKey } from './listTemplates';

export interface CloneTemplateInput {
  name: string;
  newName: string;
}

export function cloneTemplate({ name, newName }: CloneTemplateInput) {
  return templates.clone(name, newName);
}

export function useCloneTemplate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: cloneTemplate,
    // A bad or taken name shows at the name field.
    meta: { errorTitle: 'Could not clone the template', fieldErrors: ['name', 'newName'], inlineKinds: ['conflict', 'invalid'] },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: templatesQueryKey }),
  });
}
