import { queryOptions, useQuery } from '@tanstack/react-query';
import { system } from '@/lib/backend';

export const versionQueryKey = ['system', 'version'] as const;

export function versionQueryOptions() {
  return queryOptions({
    queryKey: versionQueryKey,
    queryFn: () => system.version(),
    // A running build does not change its version.
    staleTime: Infinity,
    // Shown on the System page; elsewhere it is just left out.
    meta: { inlineError: true, errorTitle: 'Could not read the DevArch version' },
  });
}

export function useVersion() {
  return useQuery(versionQueryOptions());
}
