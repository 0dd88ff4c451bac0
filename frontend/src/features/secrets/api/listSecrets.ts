import { queryOptions, useQuery } from '@tanstack/react-query';
import { stackQueryKey } from '@/features/stacks';
import { secrets } from '@/lib/backend';

/** Names, users and last change: never values (see revealSecret). */
export function secretsQueryKey(stack: string) {
  return [...stackQueryKey(stack), 'secrets'] as const;
}

export function secretsQueryOptions(stack: string) {
  return queryOptions({
    queryKey: secretsQueryKey(stack),
    queryFn: () => secrets.list(stack),
    meta: { inlineError: true, errorTitle: `Could not refresh the secrets of ${stack}` },
  });
}

export function useSecrets(stack: string) {
  return useQuery(secretsQueryOptions(stack));
}
