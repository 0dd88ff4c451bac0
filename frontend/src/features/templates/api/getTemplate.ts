import { queryOptions, useQuery } from '@tanstack/react-query';
import { templates } from '@/lib/backend';
import { templatesQueryKey } from './listTemplates';

export function templateQueryKey(name: string) {
  return [...templatesQueryKey, 'detail', name] as const;
}

export function templateQueryOptions(name: string) {
  return queryOptions({
    queryKey: templateQueryKey(name),
    queryFn: () => templates.get(name),
    meta: { inlineError: true, errorTitle: `Could not load template ${name}` },
  });
}

/** enabled: false until a dialog that needs the YAML opens. */
export function useTemplate(name: string, enabled = true) {
  return useQuery({ ...templateQueryOptions(name), enabled });
}
