import type { ReactNode } from 'react';
import { composeHref } from '@/app/routes';
import { CodeIcon, TrashIcon } from '@/components/icons';
import { RefreshButton } from '@/components/RefreshButton';

interface StackHeaderActionsProps {
  /** The stack whose compose preview the link opens. */
  stack: string;
  /** Buttons before "Compose preview" (Add instance). */
  leading?: ReactNode;
  /** Buttons between "Compose preview" and the destructive one (Rename). */
  middle?: ReactNode;
  /** The destructive action's label ("Delete", "Remove"): it only opens a confirm dialog. */
  destroyLabel: string;
  onDestroy: () => void;
  onRefresh: () => void;
  refreshing: boolean;
}

/**
 * The header buttons of a stack's pages (the stack, one of its instances), in one order:
 * what the page adds, Compose preview, what it edits, its destructive action (quiet red,
 * before Refresh, never next to a primary button), Refresh.
 */
export function StackHeaderActions({ stack, leading, middle, destroyLabel, onDestroy, onRefresh, refreshing }: StackHeaderActionsProps) {
  return (
    <>
      {leading}
      <a className="button" href={composeHref(stack)}>
        <CodeIcon aria-hidden="true" />
        Compose preview
      </a>
      {middle}
      <button type="button" className="button button--danger-quiet" onClick={onDestroy}>
        <TrashIcon aria-hidden="true" />
        {destroyLabel}
      </button>
      <RefreshButton onClick={onRefresh} busy={refreshing} />
    </>
  );
}
