import { useState, type ReactNode } from 'react';
import { ErrorState } from '@/components/ErrorState';
import { PlusIcon, RefreshIcon } from '@/components/icons';
import { PageHeader } from '@/components/PageHeader';
import { useStacks } from '../api/listStacks';
import { CreateStackDialog } from './CreateStackDialog';
import { StacksEmptyState } from './StacksEmptyState';
import { StacksSkeleton } from './StacksSkeleton';
import { StacksTable } from './StacksTable';

/** extraActions: header buttons other features bring (Import, composed in src/app). */
export function StacksPage({ extraActions }: { extraActions?: ReactNode } = {}) {
  const query = useStacks();
  const { data, error, isPending, isFetching, refetch } = query;
  const [creating, setCreating] = useState(false);
  // Buttons stay focusable while a fetch runs (aria-disabled, not disabled), so keyboard
  // focus is not dropped to the page when they are pressed.
  const refresh = () => {
    if (!isFetching) void refetch();
  };

  let body;
  if (data) {
    body = data.length === 0 ? <StacksEmptyState onCreate={() => setCreating(true)} /> : <StacksTable stacks={data} />;
  } else if (error?.kind === 'unavailable') {
    // The backend is starting (or not connected yet): not the user's problem to solve.
    body = <StacksSkeleton label={error.summary} detail={error.detail} />;
  } else if (error) {
    body = <ErrorState title="Couldn't load stacks" error={error} onRetry={refresh} retrying={isFetching} />;
  } else {
    body = <StacksSkeleton />;
  }

  return (
    <div className="page">
      <PageHeader
        title="Stacks"
        description={
          data && data.length > 0
            ? `${data.length} ${data.length === 1 ? 'stack' : 'stacks'} on this machine`
            : 'Isolated docker-compose environments on this machine.'
        }
        actions={
          !isPending && (
            <>
              <button type="button" className="button" onClick={refresh} aria-disabled={isFetching}>
                <RefreshIcon aria-hidden="true" className={isFetching ? 'spin' : undefined} />
                Refresh
              </button>
              {extraActions}
              {data && data.length > 0 && (
                <button type="button" className="button button--primary" onClick={() => setCreating(true)}>
                  <PlusIcon aria-hidden="true" />
                  New stack
                </button>
              )}
            </>
          )
        }
      />
      {body}
      {creating && <CreateStackDialog onClose={() => setCreating(false)} />}
    </div>
  );
}
