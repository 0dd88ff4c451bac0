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
    // Every refusal shows in the confirm dialog (refused while instances use it: it names them).
    meta: { errorTitle: 'Could not delete the template', toast: false },
    onSuccess: (_data, name) => {
      queryClient.removeQueries({ queryKey: templateQueryOptions(name).queryKey });
      return queryClient.invalidateQueries({ queryKey: listTemplatesQueryOptions().queryKey });
    },
  });
}
