import type { QueryClient } from '@tanstack/react-query';
import { listStacksQueryOptions, stackQueryOptions } from '@/features/stacks';
import { secretsQueryOptions } from './listSecrets';

/**
 * After a secret was set, generated or deleted: the list, and the stack (a new value bumps
 * its revision, so the next plan replaces the instances that use it).
 */
export function secretsChanged(queryClient: QueryClient, stack: string) {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: secretsQueryOptions(stack).queryKey }),
    queryClient.invalidateQueries({ queryKey: stackQueryOptions(stack).queryKey, exact: true }),
    queryClient.invalidateQueries({ queryKey: listStacksQueryOptions().queryKey }),
  ]);
}
