import { useMutation, useQueryClient } from '@tanstack/react-query';
import { plans } from '@/lib/backend';
import type { StackOperation } from '@/lib/types';
import { runFinished } from './invalidate';

export interface OperateStackInput {
  stack: string;
  operation: StackOperation;
}

export function operateStack({ stack, operation }: OperateStackInput) {
  return plans.operate(stack, operation);
}

export function useOperateStack() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: operateStack,
    // Every outcome is said in place, under the buttons that started it (StackToolbar): a
    // cancel as a note, a refusal (locked: the summary names the holder) or a failure as an
    // inline alert, never a toast over the page.
    meta: { errorTitle: 'The operation did not complete', toast: false },
    onSettled: (_data, _error, { stack }) => runFinished(queryClient, stack),
  });
}
