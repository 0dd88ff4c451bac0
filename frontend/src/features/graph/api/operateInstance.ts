import { useMutation, useMutationState, useQueryClient } from '@tanstack/react-query';
import { listStacksQueryOptions, stackQueryKey } from '@/features/stacks';
import { plans } from '@/lib/backend';

export type InstanceOperation = 'start' | 'stop';

export interface OperateInstanceInput {
  stack: string;
  instance: string;
  operation: InstanceOperation;
}

const OPERATION_KEY = ['instance-operation'];

/** The operation running on this instance from this window, if any (whoever started it). */
export function useRunningOperation(stack: string, instance: string): InstanceOperation | undefined {
  return useMutationState({
    filters: { mutationKey: OPERATION_KEY, status: 'pending' },
    select: (m) => m.state.variables as OperateInstanceInput | undefined,
  }).find((v) => v?.stack === stack && v.instance === instance)?.operation;
}

export function operateInstance({ stack, instance, operation }: OperateInstanceInput) {
  return plans.operateInstance(stack, instance, operation);
}

/**
 * Starts or stops one instance. The node's state follows from the status events (the
 * container's start or stop arrives like any other change); the stack's queries (its
 * detail, live state, history) are refreshed when the run ends, however it ended.
 */
export function useOperateInstance() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: OPERATION_KEY,
    mutationFn: operateInstance,
    meta: { errorTitle: 'The operation did not complete' },
    onSettled: (_data, _error, { stack }) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: stackQueryKey(stack) }),
        queryClient.invalidateQueries({ queryKey: listStacksQueryOptions().queryKey }),
      ]),
  });
}
