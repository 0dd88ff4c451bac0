import { queryOptions, useQuery } from '@tanstack/react-query';
import { plans } from '@/lib/backend';

/**
 * A stack's plan. Deliberately NOT under the stack's key: planning stores a new plan and is
 * refused while an apply holds the stack's lock, so it must never run because something else
 * invalidated the stack (live status does so on every container event). It runs when the
 * plan page opens and when the user asks to re-plan; nothing else refetches it.
 */
export function planQueryKey(stack: string) {
  return ['plans', stack] as const;
}

export function planQueryOptions(stack: string) {
  return queryOptions({
    queryKey: planQueryKey(stack),
    queryFn: () => plans.plan(stack),
    staleTime: Infinity,
    // A plan describes a moment: opening the page again makes a fresh one.
    gcTime: 0,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
    refetchOnMount: 'always',
    meta: { inlineError: true, errorTitle: `Could not plan ${stack}` },
  });
}

export function usePlan(stack: string) {
  return useQuery(planQueryOptions(stack));
}
