import { useMutation, useMutationState, useQueryClient } from '@tanstack/react-query';
import { plans } from '@/lib/backend';
import { runFinished } from './invalidate';

export interface ApplyPlanInput {
  stack: string;
  planId: number;
}

/** Lets other screens see an apply in progress (useMutationState), e.g. the stack page. */
export const applyPlanMutationKey = ['plans', 'apply'] as const;

export function applyPlan({ planId }: ApplyPlanInput) {
  return plans.apply(planId);
}

export function useApplyPlan() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: applyPlanMutationKey,
    mutationFn: applyPlan,
    // The plan page shows every outcome in place: each refusal with its way out (stale:
    // re-plan; locked: who holds the stack, retry), a cancel, a failure with compose's words.
    meta: { errorTitle: 'Could not apply the plan', toast: false },
    onSettled: (_data, _error, { stack }) => runFinished(queryClient, stack),
  });
}

/** The plan being applied to this stack from this window, if any (the apply outlives its page). */
export function useRunningApply(stack: string): ApplyPlanInput | undefined {
  return useMutationState({
    filters: { mutationKey: applyPlanMutationKey, status: 'pending' },
    select: (mutation) => mutation.state.variables as ApplyPlanInput | undefined,
  }).find((input) => input?.stack === stack);
}
