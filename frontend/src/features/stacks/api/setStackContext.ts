import { useMutation, useQueryClient } from '@tanstack/react-query';
import { stacks } from '@/lib/backend';
import { stackQueryOptions } from './getStack';
import { listStacksQueryOptions } from './listStacks';

export interface SetStackContextInput {
  name: string;
  /** A docker context's name; "default" for the default engine. */
  context: string;
}

export function setStackContext({ name, context }: SetStackContextInput) {
  return stacks.setContext(name, context);
}

export function useSetStackContext() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: setStackContext,
    // The dialog shows a refused context (unknown, badly named) at its field and any other
    // refusal below it.
    meta: { errorTitle: 'Could not change the engine', fieldErrors: ['context'], inlineKinds: ['invalid', 'not_found', 'conflict', 'locked'] },
    onSuccess: (_data, { name }) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: stackQueryOptions(name).queryKey }),
        queryClient.invalidateQueries({ queryKey: listStacksQueryOptions().queryKey }),
      ]),
  });
}
