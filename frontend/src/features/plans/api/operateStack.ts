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
    // A cancel the user asked for is said in place; a refusal (locked: the summary names the
    // holder) or a failure becomes a toast.
    meta: { errorTitle: 'The operation did not complete', inlineKinds: ['canceled'] },
    onSettled: (_data, _error, { stack }) => runFinished(queryClient, stack),
  });
}
