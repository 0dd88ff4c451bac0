import { useMutation, useQueryClient } from '@tanstack/react-query';
import { secrets } from '@/lib/backend';
import { secretsChanged } from './invalidate';

export interface SetSecretInput {
  stack: string;
  name: string;
  value: string;
}

export function setSecret({ stack, name, value }: SetSecretInput) {
  return secrets.set(stack, name, value);
}

export function useSetSecret() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: setSecret,
    // The value never stays in the mutation cache longer than the request.
    gcTime: 0,
    meta: { errorTitle: 'Could not save the secret', fieldErrors: ['name', 'value'] },
    onSuccess: (_data, { stack }) => secretsChanged(queryClient, stack),
  });
}
