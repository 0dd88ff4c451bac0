import { useMutation, useQueryClient } from '@tanstack/react-query';
import { secrets } from '@/lib/backend';
import { secretsChanged } from './invalidate';

export interface GenerateSecretInput {
  stack: string;
  name: string;
}

export function generateSecret({ stack, name }: GenerateSecretInput) {
  return secrets.generate(stack, name);
}

/** Stores a strong random value; the value is not returned (reveal shows it). */
export function useGenerateSecret() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: generateSecret,
    meta: { errorTitle: 'Could not generate the secret', fieldErrors: ['name'] },
    onSuccess: (_data, { stack }) => secretsChanged(queryClient, stack),
  });
}
