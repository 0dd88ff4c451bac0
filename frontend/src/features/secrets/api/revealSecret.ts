import { useMutation } from '@tanstack/react-query';
import { secrets } from '@/lib/backend';

export interface RevealSecretInput {
  stack: string;
  name: string;
}

export function revealSecret({ stack, name }: RevealSecretInput) {
  return secrets.reveal(stack, name);
}

/**
 * The explicit reveal. A mutation, not a query: the plaintext must never sit in the query
 * cache. Callers copy it into component state in onSuccess and reset() the mutation at once;
 * gcTime 0 drops it from the mutation cache as soon as nothing observes it.
 */
export function useRevealSecret() {
  return useMutation({
    mutationFn: revealSecret,
    gcTime: 0,
    meta: { errorTitle: 'Could not reveal the secret' },
  });
}
