import type { QueryClient } from '@tanstack/react-query';
import { listStacksQueryOptions, stackQueryOptions } from '@/features/stacks';
import { listTemplatesQueryOptions } from '@/features/templates';
import type { InstanceDetail } from '@/lib/types';
import { instanceQueryOptions } from './getInstance';

/**
 * After an instance changed: its own query gets the answer the mutation returned, and
 * what shows it indirectly is refetched: the stack page (and, under its key, the compose
 * preview), the stacks list (revision, time) and, when instances come or go, the template
 * catalog's "used by".
 */
export function instanceChanged(
  queryClient: QueryClient,
  stack: string,
  detail: InstanceDetail | undefined,
  options: { templates?: boolean } = {},
) {
  if (detail) queryClient.setQueryData(instanceQueryOptions(stack, detail.name).queryKey, detail);
  const pending = [
    queryClient.invalidateQueries({ queryKey: stackQueryOptions(stack).queryKey }),
    queryClient.invalidateQueries({ queryKey: listStacksQueryOptions().queryKey }),
  ];
  if (options.templates) pending.push(queryClient.invalidateQueries({ queryKey: listTemplatesQueryOptions().queryKey }));
  return Promise.all(pending);
}
