import { useMutation, useQueryClient } from '@tanstack/react-query';
import { secrets } from '@/lib/backend';
import { secretsChanged } from './invalidate';

export interface DeleteSecretInput {
  stack: string;
  name: string;
}

export function deleteSecret({ stack, name }: DeleteSecretInput) {
  return secrets.delete(stack, name);
}

export function useDeleteSecret() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteSecret,
    // Refused while instances reference it: the dialog says so, naming them.
    meta: { errorTitle: 'Could not delete the secret', inlineKinds: ['conflict'] },
    onSuccess: (_data, { stack }) => secretsChanged(queryClient, stack),
  });
}
