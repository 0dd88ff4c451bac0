import { queryOptions, useQuery } from '@tanstack/react-query';
import { templates } from '@/lib/backend';

/** Every template query lives under this key: the catalog and each template's YAML. */
export const templatesQueryKey = ['templates'] as const;
export const templatesListQueryKey = [...templatesQueryKey, 'list'] as const;

export function listTemplatesQueryOptions() {
  return queryOptions({
    queryKey: templatesListQueryKey,
    queryFn: () => templates.list(),
    meta: { inlineError: true, errorTitle: 'Could not refresh templates' },
  });
}

export function useTemplates() {
  return useQuery(listTemplatesQueryOptions());
}
