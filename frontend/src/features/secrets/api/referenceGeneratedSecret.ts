import { useMutation, useQueryClient } from '@tanstack/react-query';
import { instances, secrets } from '@/lib/backend';
import { secretReference } from '../components/SecretsPanel';
import { secretsChanged } from './invalidate';

export interface ReferenceGeneratedSecretInput {
  stack: string;
  /** The instance and its field (environment.MYSQL_PASSWORD) that should reference the secret. */
  instance: string;
  path: string;
  /** The secret: given a strong generated value first unless the stack has one already. */
  name: string;
}

/**
 * A plan's "use a generated secret" fix (a template's well-known default password): the
 * secret keeps a value it already has (generating would replace a value the user set), gets
 * a strong random one otherwise, then the field references it. Both are ordinary writes:
 * the next plan shows what they change.
 */
export async function referenceGeneratedSecret({ stack, instance, path, name }: ReferenceGeneratedSecretInput) {
  const existing = await secrets.list(stack);
  if (!existing.some((secret) => secret.name === name && secret.set)) await secrets.generate(stack, name);
  await instances.setField(stack, instance, path, secretReference(name));
}

export function useReferenceGeneratedSecret() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: referenceGeneratedSecret,
    // Said in place, next to the button that started it.
    meta: { errorTitle: 'Could not use a generated secret', toast: false },
    onSettled: (_data, _error, { stack }) => secretsChanged(queryClient, stack),
  });
}
