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
    // Every refusal shows in the confirm dialog (refused while instances reference it: it names them).
    meta: { errorTitle: 'Could not delete the secret', toast: false },
    onSuccess: (_data, { stack }) => secretsChanged(queryClient, stack),
  });
}
