import { useMutation } from '@tanstack/react-query';
import { plans } from '@/lib/backend';

/** Cancels the stack's apply or operation started from this window. */
export function cancelRun(stack: string) {
  return plans.cancel(stack);
}

export function useCancelRun() {
  return useMutation({
    mutationFn: cancelRun,
    meta: { errorTitle: 'Could not cancel' },
  });
}
