import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { listStacksQueryOptions, stackQueryKey } from '@/features/stacks';
import { wires } from '@/lib/backend';

/**
 * Under the stack's key: adding, removing or changing an instance refreshes the stack and so
 * the graph; live status events refresh only the stack itself and its status (useLiveStatus),
 * not the wiring, which a container event cannot change.
 */
export function graphQueryKey(stack: string) {
  return [...stackQueryKey(stack), 'graph'] as const;
}

export function graphQueryOptions(stack: string) {
  return queryOptions({
    queryKey: graphQueryKey(stack),
    queryFn: () => wires.graph(stack),
    meta: { inlineError: true, errorTitle: `Could not load the wiring of ${stack}` },
  });
}

export function useStackGraph(stack: string) {
  return useQuery(graphQueryOptions(stack));
}

export interface SetWireInput {
  stack: string;
  consumer: string;
  contract: string;
  provider: string;
}

export interface UnsetWireInput {
  stack: string;
  consumer: string;
  contract: string;
}

/**
 * A wire change bumps the stack's revision (plans made before it are stale) and may change
 * wired environment: refresh everything under the stack, and the stacks list.
 */
function useWireChanged() {
  const queryClient = useQueryClient();
  return (stack: string) =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: stackQueryKey(stack) }),
      queryClient.invalidateQueries({ queryKey: listStacksQueryOptions().queryKey }),
    ]);
}

/** wire set: the same engine call as `devarch wire set STACK CONSUMER CONTRACT PROVIDER`. */
export function useSetWire() {
  const changed = useWireChanged();
  return useMutation({
    mutationFn: ({ stack, consumer, contract, provider }: SetWireInput) => wires.set(stack, consumer, contract, provider),
    meta: { errorTitle: 'Could not set the wire' },
    onSuccess: (_data, { stack }) => changed(stack),
  });
}

/** wire unset: the same engine call as `devarch wire unset STACK CONSUMER CONTRACT`. */
export function useUnsetWire() {
  const changed = useWireChanged();
  return useMutation({
    mutationFn: ({ stack, consumer, contract }: UnsetWireInput) => wires.unset(stack, consumer, contract),
    meta: { errorTitle: 'Could not remove the wire' },
    onSuccess: (_data, { stack }) => changed(stack),
  });
}
