import { useMutation, useQueryClient } from '@tanstack/react-query';
import { templates } from '@/lib/backend';
import { templateQueryOptions } from './getTemplate';
import { listTemplatesQueryOptions } from './listTemplates';

export function deleteTemplate(name: string) {
  return templates.delete(name);
}

export function useDeleteTemplate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteTemplate,
    // Refused while instances use it: the confirm dialog shows the refusal (it names them).
    meta: { errorTitle: 'Could not delete the template', inlineKinds: ['conflict'] },
    onSuccess: (_data, name) => {
      queryClient.removeQueries({ queryKey: templateQueryOptions(name).queryKey });
      return queryClient.invalidateQueries({ queryKey: listTemplatesQueryOptions().queryKey });
    },
  });
}
