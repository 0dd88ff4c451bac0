import { queryOptions, useQuery } from '@tanstack/react-query';
import { stacks } from '@/lib/backend';
import { stackQueryKey } from './getStack';

export function composeQueryKey(stack: string) {
  return [...stackQueryKey(stack), 'compose'] as const;
}

export function composeQueryOptions(stack: string) {
  return queryOptions({
    queryKey: composeQueryKey(stack),
    queryFn: () => stacks.compose(stack),
    // Generating is cheap but writes the file: always show the current one when the page opens.
    staleTime: 0,
    meta: { inlineError: true, errorTitle: `Could not regenerate the compose file of ${stack}` },
  });
}

export function useCompose(stack: string) {
  return useQuery(composeQueryOptions(stack));
}
