import type { QueryClient } from '@tanstack/react-query';
import { listStacksQueryOptions, stackQueryOptions, statusQueryOptions } from '@/features/stacks';
import { historyQueryOptions } from './getHistory';

/**
 * After an apply or an operation ended (however it ended): the stack page, its live state,
 * its history and the stacks list. Never the plan: the plan page shows what was applied
 * until the user plans again.
 */
export function runFinished(queryClient: QueryClient, stack: string) {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: stackQueryOptions(stack).queryKey, exact: true }),
    queryClient.invalidateQueries({ queryKey: statusQueryOptions(stack).queryKey }),
    queryClient.invalidateQueries({ queryKey: historyQueryOptions(stack).queryKey }),
    queryClient.invalidateQueries({ queryKey: listStacksQueryOptions().queryKey }),
  ]);
}
