import { useEffect, useState } from 'react';
import { fieldFromHash, hrefFor, navigate, stackHref, useNavigationBlocker } from '@/app/routes';
import { ConfirmDialog } from '@/components/ConfirmDialog';
import { PageHeader } from '@/components/PageHeader';
import { Tabs } from '@/components/Tabs';
import { preloadYamlEditor } from '@/components/YamlEditor';
import { InstanceNeeds } from '@/features/graph';
import { FileIcon } from '@/components/icons';
import { StackHeaderActions, StackLoadFallback } from '@/features/stacks';
import type { InstanceDetail } from '@/lib/types';
import { useInstance } from '../api/getInstance';
import { useDraftRegistry } from '../drafts';
import { fieldAt, overrideCount } from '../fields';
import { EffectiveConfig } from './EffectiveConfig';
import { LogsDialog } from './LogsDialog';
import { ListFieldEditor } from './ListFieldEditor';
import { MapFieldEditor } from './MapFieldEditor';
import { OverridesEditor } from './OverridesEditor';
import { RemoveInstanceDialog } from './RemoveInstanceDialog';
import { ScalarFieldEditor } from './ScalarFieldEditor';

/**
 * The instance editor: common fields on the left, effective config and YAML delta on the right.
 * Leaving it (a link, the sidebar, Back) while any editor holds unsaved text asks first.
 */
export function InstancePage({ stack, name }: { stack: string; name: string }) {
  const { data, error, isFetching, refetch } = useInstance(stack, name);
  const [removing, setRemoving] = useState(false);
  const [showLogs, setShowLogs] = useState(false);
  const { unsaved, DraftProvider } = useDraftRegistry();
  const [leaving, setLeaving] = useState<(() => void) | null>(null);
  useNavigationBlocker(unsaved.length > 0, (proceed) => setLeaving(() => proceed));
  // The YAML tab's editor is lazy: load it now, so the first Tab into it finds it ready.
  useEffect(preloadYamlEditor, []);
  const refresh = () => {
    if (!isFetching) void refetch();
  };
  const overrides = data ? overrideCount(data.fields) : 0;

  let body;
  if (data) {
    body = (
      <DraftProvider>
        <InstanceEditor detail={data} />
        <InstanceNeeds stack={stack} name={name} />
      </DraftProvider>
    );
  } else {
    body = (
      <StackLoadFallback
        name={name}
        error={error}
        notFound={{ title: 'Instance not found', href: stackHref(stack), label: `Back to ${stack}` }}
        onRetry={refresh}
        retrying={isFetching}
        rows={5}
      />
    );
  }

  return (
    <div className="page page--wide">
      <PageHeader
        title={name}
        breadcrumbs={[
          { label: 'Stacks', href: hrefFor('stacks') },
          { label: stack, href: stackHref(stack) },
        ]}
        description={
          data ? (
            <>
              Instance of template <span className="tag">{data.template}</span> in {stack}
            </>
          ) : undefined
        }
        meta={
          data && (
            <>
              <span className={`override-count ${overrides === 0 ? 'override-count--none' : ''}`} data-testid="instance-override-count">
                {overrides === 0 ? 'No overrides' : `${overrides} ${overrides === 1 ? 'override' : 'overrides'}`}
              </span>
              <span className="meta-item">
                Stack revision <strong>{data.revision}</strong>
              </span>
            </>
          )
        }
        actions={
          data && (
            <StackHeaderActions
              stack={stack}
              middle={
                <button type="button" className="button" onClick={() => setShowLogs(true)} data-testid="instance-logs-button">
                  <FileIcon aria-hidden="true" />
                  Logs
                </button>
              }
              destroyLabel="Remove"
              onDestroy={() => setRemoving(true)}
              onRefresh={refresh}
              refreshing={isFetching}
            />
          )
        }
      />
      {body}
      {showLogs && <LogsDialog stack={stack} instance={name} onClose={() => setShowLogs(false)} />}
      {removing && (
        <RemoveInstanceDialog
          stack={stack}
          name={name}
          onClose={() => setRemoving(false)}
          onRemoved={() => navigate(stackHref(stack), { force: true })}
        />
      )}
      {leaving && unsaved.length > 0 && (
        <ConfirmDialog
          title="Discard unsaved changes?"
          description={`${name} has edits that are not saved.`}
          confirmLabel="Discard and leave"
          busyLabel="Leaving…"
          cancelLabel="Stay and keep editing"
          onConfirm={() => {
            const proceed = leaving;
            setLeaving(null);
            proceed();
          }}
          onClose={() => setLeaving(null)}
          testId="leave-dialog"
        >
          <p className="dialog__text">Not saved yet:</p>
          <ul className="problem-list" data-testid="leave-unsaved">
            {unsaved.map((label) => (
              <li key={label}>
                <span className="problem-list__summary">{label}</span>
              </li>
            ))}
          </ul>
        </ConfirmDialog>
      )}
    </div>
  );
}

function InstanceEditor({ detail }: { detail: InstanceDetail }) {
  const { stack, name, fields } = detail;
  useFocusFieldFromLocation();
  return (
    <div className="editor-layout">
      <section className="card editor-panel" aria-labelledby="common-fields-heading">
        <header className="editor-panel__header">
          <h2 className="editor-panel__title" id="common-fields-heading">
            Common fields
          </h2>
          <p className="editor-panel__subtitle">Saving a field stores it as an override of this instance.</p>
        </header>
        <div className="editor-panel__body form-fields">
          <ScalarFieldEditor
            stack={stack}
            instance={name}
            path="image"
            label="Image"
            field={fieldAt(fields, 'image')}
            placeholder="nginx:1.27"
          />
          <ListFieldEditor
            stack={stack}
            instance={name}
            path="ports"
            label="Ports"
            itemLabel="Port"
            addLabel="Add port"
            placeholder="8080:80"
            field={fieldAt(fields, 'ports')}
            emptyText="No published ports."
            hint="HOST:CONTAINER. Published on 127.0.0.1 unless you give an address."
          />
          <MapFieldEditor
            stack={stack}
            instance={name}
            map="environment"
            label="Environment"
            keyLabel="variable"
            fields={fields}
          />
          <ListFieldEditor
            stack={stack}
            instance={name}
            path="command"
            label="Command"
            itemLabel="Argument"
            addLabel="Add argument"
            placeholder="--flag"
            field={fieldAt(fields, 'command')}
            emptyText="Not set: the image's default command runs."
            hint="One argument per row; the whole command replaces the template's. A command line typed on one row can be split into its arguments."
            commandLine
          />
        </div>
      </section>
      <section className="card editor-panel" aria-label="Configuration">
        <Tabs
          label="Configuration views"
          tabs={[
            { id: 'effective', label: 'Effective config', content: <EffectiveConfig fields={fields} /> },
            { id: 'overrides', label: 'Overrides (YAML)', content: <OverridesEditor detail={detail} /> },
          ]}
        />
      </section>
    </div>
  );
}

/**
 * Arriving from a plan's fix (#/stacks/S/instances/I?field=ports), focus goes to that
 * field's first control (its first entry, or its "Add" button when it is empty), scrolled
 * into view: the user lands where the fix is made.
 */
function useFocusFieldFromLocation() {
  useEffect(() => {
    const path = fieldFromHash(window.location.hash);
    if (!path) return;
    const frame = requestAnimationFrame(() => {
      const field = document.querySelector<HTMLElement>(`[data-testid="field-${CSS.escape(path)}"]`);
      const target =
        field?.querySelector<HTMLElement>('input, textarea, [contenteditable="true"]') ??
        field?.querySelector<HTMLElement>('button:not([aria-disabled="true"])');
      if (!target) return;
      target.focus();
      target.scrollIntoView({ block: 'center' });
    });
    return () => cancelAnimationFrame(frame);
  }, []);
}
