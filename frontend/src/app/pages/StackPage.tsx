import { useEffect, useRef, useState } from 'react';
import { hrefFor } from '@/app/routes';
import { Callout } from '@/components/Callout';
import { BoxIcon, FileIcon, PencilIcon, PlusIcon } from '@/components/icons';
import { PageHeader } from '@/components/PageHeader';
import { Tabs } from '@/components/Tabs';
import { AddInstanceDialog, LogsDialog, RemoveInstanceDialog } from '@/features/instances';
import {
  DeleteStackDialog,
  EngineDialog,
  RenameStackDialog,
  StackEngineMeta,
  StackHeaderActions,
  StackInstancesTable,
  StackMoveNotice,
  StackLoadFallback,
  StackProblemList,
  StackStatusBadge,
  useStack,
  useStackStatus,
} from '@/features/stacks';
import { GraphTab } from '@/features/graph';
import { HistoryPanel, StackToolbar } from '@/features/plans';
import { SecretsPanel } from '@/features/secrets';
import { CloneButton, ExportButton, UpdateFromFileButton } from '@/features/transfer';
import type { InstanceState, InstanceSummary } from '@/lib/types';

/** The instances with their live container state when it is known (it refreshes on every container event). */
function liveInstances(instances: InstanceSummary[], states: InstanceState[] | undefined): InstanceSummary[] {
  if (!states) return instances;
  return instances.map((instance) => {
    const live = states.find((state) => state.instance === instance.name);
    return live ? { ...instance, status: live.state } : instance;
  });
}

type DialogState = { kind: 'add' } | { kind: 'logs' } | { kind: 'rename' } | { kind: 'engine' } | { kind: 'delete' } | { kind: 'remove'; instance: InstanceSummary } | null;

type StackTab = 'instances' | 'graph' | 'secrets' | 'history';

const STACK_TABS: readonly StackTab[] = ['instances', 'graph', 'secrets', 'history'];

function initialTab(): StackTab {
  const query = window.location.hash.split('?')[1] ?? '';
  const wanted = new URLSearchParams(query).get('tab') as StackTab | null;
  return wanted && STACK_TABS.includes(wanted) ? wanted : 'instances';
}

/**
 * One stack: its facts, its lifecycle (plan, start, stop, down), its problems, and in tabs its
 * instances with their live state, its secrets and its history.
 */
export function StackPage({ name }: { name: string }) {
  const { data, error, isFetching, refetch } = useStack(name);
  const status = useStackStatus(name);
  const [dialog, setDialog] = useState<DialogState>(null);
  // #/stacks/NAME?tab=secrets opens a tab (an import whose secrets need values lands there).
  const [tab, setTab] = useState<StackTab>(initialTab);
  const tabsRef = useRef<HTMLDivElement>(null);
  const close = () => setDialog(null);
  // After an instance is removed, focus goes to the row that took its place (or the one
  // before it), or to "Add instance" when none is left: never to the page body.
  const [removed, setRemoved] = useState<{ name: string; index: number } | null>(null);
  const instanceNames = data?.instances.map((instance) => instance.name).join('\n');
  useEffect(() => {
    if (!removed || !data) return;
    const names = data.instances.map((instance) => instance.name);
    if (names.includes(removed.name)) return; // the list has not refreshed yet
    const next = names[Math.min(removed.index, names.length - 1)];
    const target = next
      ? document.querySelector<HTMLElement>(`[data-testid="instance-row-${CSS.escape(next)}"] a`)
      : document.querySelector<HTMLElement>('[data-testid="add-instance"]');
    target?.focus();
    setRemoved(null);
  }, [instanceNames, removed, data]);
  const refresh = () => {
    if (isFetching) return;
    void refetch();
    void status.refetch();
  };
  const showHistory = () => {
    setTab('history');
    requestAnimationFrame(() => tabsRef.current?.querySelector<HTMLElement>('[data-tab="history"]')?.focus());
  };

  let body;
  if (data) {
    body = (
      <>
        <StackToolbar stack={name} onShowHistory={showHistory} status={data.status} instances={liveInstances(data.instances, status.data)} />
        <StackMoveNotice stack={data} />
        {data.problems.length > 0 && (
          <Callout
            title={`${data.problems.length} ${data.problems.length === 1 ? 'problem needs' : 'problems need'} attention before this stack can run`}
            testId="stack-problems"
          >
            <StackProblemList stack={name} problems={data.problems} />
          </Callout>
        )}
        <section className="stack-tabs" ref={tabsRef} aria-label={`${name} details`}>
          <Tabs
            label={`${name} views`}
            active={tab}
            onActiveChange={(id) => setTab(id as StackTab)}
            // Hidden tabs unmount: a revealed secret does not outlive leaving its tab.
            unmountInactive
            tabs={[
              {
                id: 'instances',
                label: 'Instances',
                content:
                  // Containers of removed instances keep the table: they run until the next apply.
                  data.instances.length === 0 && !status.data?.some((state) => state.state !== 'not created') ? (
                    <div className="state" data-testid="instances-empty">
                      <div className="state__icon">
                        <BoxIcon width={28} height={28} aria-hidden="true" />
                      </div>
                      <h3 className="state__title">No instances yet</h3>
                      <p className="state__text">
                        An instance is a template placed in this stack under a name, like a <code>redis</code> called{' '}
                        <code>cache</code>. It keeps only what you change.
                      </p>
                      <button type="button" className="button button--primary" onClick={() => setDialog({ kind: 'add' })}>
                        <PlusIcon aria-hidden="true" />
                        Add your first instance
                      </button>
                    </div>
                  ) : (
                    <StackInstancesTable
                      stack={name}
                      instances={data.instances}
                      states={status.data}
                      onRemove={(instance) => setDialog({ kind: 'remove', instance })}
                    />
                  ),
              },
              { id: 'graph', label: 'Graph', content: <GraphTab stack={name} instances={data.instances} states={status.data} /> },
              { id: 'secrets', label: 'Secrets', content: <SecretsPanel stack={name} /> },
              { id: 'history', label: 'History', content: <HistoryPanel stack={name} /> },
            ]}
          />
        </section>
      </>
    );
  } else {
    body = (
      <StackLoadFallback
        name={name}
        error={error}
        notFound={{ title: 'Stack not found', href: hrefFor('stacks'), label: 'All stacks' }}
        onRetry={refresh}
        retrying={isFetching}
      />
    );
  }

  return (
    <div className="page">
      <PageHeader
        title={name}
        breadcrumbs={[{ label: 'Stacks', href: hrefFor('stacks') }]}
        description={data ? data.description || <span className="muted">No description</span> : undefined}
        meta={
          data && (
            <>
              <StackStatusBadge status={data.status} />
              <span className="meta-item" title="Every change to the stack's definition bumps its revision">
                Revision <strong data-testid="stack-revision">{data.revision}</strong>
              </span>
              <span className="meta-item">
                {data.instances.length} {data.instances.length === 1 ? 'instance' : 'instances'}
              </span>
              <span
                className="meta-item"
                data-testid="stack-network"
                title="The stack's own network; its subnet comes from DevArch's pool (DEVARCH_NETWORK_POOL), so stacks never share one"
              >
                Network <strong>{data.network}</strong>
                {data.subnet ? (
                  <>
                    {' '}
                    <span className="mono">{data.subnet}</span>
                  </>
                ) : (
                  <span className="muted"> (subnet chosen at the next plan)</span>
                )}
              </span>
              <StackEngineMeta stack={data} onChange={() => setDialog({ kind: 'engine' })} />
              {data.rootChosen && (
                <span className="meta-item meta-item--path" title={`Relative bind mounts and build contexts resolve in ${data.root}`} data-testid="stack-root">
                  Project root <span className="mono">{data.root}</span>
                </span>
              )}
            </>
          )
        }
        actions={
          data && (
            <StackHeaderActions
              stack={name}
              leading={
                <button type="button" className="button" onClick={() => setDialog({ kind: 'add' })} data-testid="add-instance">
                  <PlusIcon aria-hidden="true" />
                  Add instance
                </button>
              }
              middle={
                <>
                  <button type="button" className="button" onClick={() => setDialog({ kind: 'logs' })} data-testid="stack-logs-button">
                    <FileIcon aria-hidden="true" />
                    Logs
                  </button>
                  <ExportButton stack={name} />
                  <UpdateFromFileButton stack={name} onShowSecrets={() => setTab('secrets')} />
                  <CloneButton stack={name} sourceRoot={data.root} />
                  <button type="button" className="button" onClick={() => setDialog({ kind: 'rename' })}>
                    <PencilIcon aria-hidden="true" />
                    Rename
                  </button>
                </>
              }
              destroyLabel="Delete"
              onDestroy={() => setDialog({ kind: 'delete' })}
              onRefresh={refresh}
              refreshing={isFetching}
            />
          )
        }
      />
      {body}
      {dialog?.kind === 'add' && data && (
        <AddInstanceDialog stack={name} taken={data.instances.map((instance) => instance.name)} onClose={close} />
      )}
      {dialog?.kind === 'logs' && <LogsDialog stack={name} onClose={close} />}
      {dialog?.kind === 'rename' && <RenameStackDialog name={name} onClose={close} />}
      {dialog?.kind === 'engine' && data && <EngineDialog stack={name} engine={data.engine} onClose={close} />}
      {dialog?.kind === 'delete' && <DeleteStackDialog name={name} instances={data?.instances.length ?? 0} onClose={close} />}
      {dialog?.kind === 'remove' && (
        <RemoveInstanceDialog
          stack={name}
          name={dialog.instance.name}
          onClose={close}
          onRemoved={() =>
            setRemoved({ name: dialog.instance.name, index: Math.max(0, data?.instances.findIndex((instance) => instance.name === dialog.instance.name) ?? 0) })
          }
        />
      )}
    </div>
  );
}
