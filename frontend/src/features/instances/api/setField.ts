import { useMutation, useQueryClient } from '@tanstack/react-query';
import { instances } from '@/lib/backend';
import { instanceChanged } from './invalidate';

export interface SetFieldInput {
  stack: string;
  name: string;
  /** "image", "ports", "environment.APP_ENV" */
  path: string;
  /** Raw text: nginx:1.27, ["8080:80"], local. */
  value: string;
}

export function setField({ stack, name, path, value }: SetFieldInput) {
  return instances.setField(stack, name, path, value);
}

/**
 * Overrides one field. shownAt lists the field paths the calling editor shows errors at
 * (usually the path it edits); other errors become toasts.
 */
export function useSetField(shownAt: readonly string[]) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: setField,
    meta: { errorTitle: 'Could not save the field', fieldErrors: shownAt },
    onSuccess: (detail, { stack }) => instanceChanged(queryClient, stack, detail),
  });
}
