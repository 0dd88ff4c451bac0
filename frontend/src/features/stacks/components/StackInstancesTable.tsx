import { instanceHref } from '@/app/routes';
import { ExternalLink } from '@/components/ExternalLink';
import { TrashIcon } from '@/components/icons';
import { OriginBadge } from '@/components/OriginBadge';
import type { InstanceState, InstanceSummary } from '@/lib/types';
import { InstanceStatus, type LiveState } from './InstanceStatus';

interface StackInstancesTableProps {
  stack: string;
  instances: InstanceSummary[];
  /** Live container state per instance (Plans.Status); the stack's own status column until it loads. */
  states?: InstanceState[];
  onRemove: (instance: InstanceSummary) => void;
}

function liveState(instance: InstanceSummary, states: InstanceState[] | undefined): LiveState {
  const row = states?.find((state) => state.instance === instance.name);
  if (row) return { state: row.state, health: row.health, detail: row.status };
  return { state: instance.status };
}

/** Containers of instances removed from the stack: they exist until the next apply removes them. */
function leftovers(instances: InstanceSummary[], states: InstanceState[] | undefined): InstanceState[] {
  const names = new Set(instances.map((instance) => instance.name));
  return (states ?? []).filter((state) => !names.has(state.instance) && state.state !== 'not created');
}

/**
 * The stack's instances, with where image and ports come from, how much each overrides and
 * the live state of its container (refreshed on every container event, see useLiveStatus).
 */
export function StackInstancesTable({ stack, instances, states, onRemove }: StackInstancesTableProps) {
  return (
    <div className="table-wrap card">
      <table className="table" data-testid="instances-table">
        <caption className="visually-hidden">Instances of {stack}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Template</th>
            <th scope="col">Image</th>
            <th scope="col">Ports</th>
            <th scope="col">Overrides</th>
            <th scope="col">Status</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {instances.map((instance) => {
            const count = instance.overridden.length;
            return (
              <tr key={instance.name} data-testid={`instance-row-${instance.name}`}>
                <th scope="row" className="table__name cell-fit cell-fit--name">
                  <a className="table__link truncate" href={instanceHref(stack, instance.name)} title={instance.name}>
                    {instance.name}
                  </a>
                  {instance.containerName && (
                    <span className="table__sub mono truncate" title={instance.containerName}>
                      {instance.containerName}
                    </span>
                  )}
                </th>
                <td className="cell-fit cell-fit--template">
                  <span className="tag truncate" title={instance.template}>
                    {instance.template}
                  </span>
                </td>
                <td className="cell-fit cell-fit--image">
                  <span className="value-with-origin">
                    <code className="table__code truncate" title={instance.image || undefined}>
                      {instance.image || '—'}
                    </code>
                    {instance.imageOrigin === 'override' && <OriginBadge origin="override" />}
                  </span>
                </td>
                <td>
                  <span className="value-with-origin">
                    {instance.ports.length > 0 ? (
                      <span className="chips">
                        {instance.ports.map((port) => (
                          <code key={port} className="chip">
                            {port}
                          </code>
                        ))}
                      </span>
                    ) : (
                      <span className="muted">—</span>
                    )}
                    {instance.portsOrigin === 'override' && <OriginBadge origin="override" />}
                  </span>
                  {instance.urls.length > 0 && (
                    <span className="port-urls" data-testid="instance-urls">
                      {instance.urls.map((url) => (
                        <ExternalLink key={url} href={url} label={`Open ${instance.name} at ${url} in the browser`} className="port-url">
                          {url.replace(/^https?:\/\//, '')}
                        </ExternalLink>
                      ))}
                    </span>
                  )}
                </td>
                <td>
                  {count > 0 ? (
                    <span
                      className="override-count"
                      title={instance.overridden.join('\n')}
                      data-testid="override-count"
                    >
                      {count} {count === 1 ? 'field' : 'fields'}
                    </span>
                  ) : (
                    <span className="muted">None</span>
                  )}
                </td>
                <td>
                  <InstanceStatus {...liveState(instance, states)} />
                </td>
                <td className="table__actions">
                  <button
                    type="button"
                    className="icon-button icon-button--danger"
                    aria-label={`Remove instance ${instance.name}`}
                    title="Remove instance"
                    onClick={() => onRemove(instance)}
                  >
                    <TrashIcon aria-hidden="true" />
                  </button>
                </td>
              </tr>
            );
          })}
          {leftovers(instances, states).map((state) => (
            <tr key={`removed-${state.instance}`} className="instance-row--removed" data-testid={`removed-row-${state.instance}`}>
              <th scope="row" className="table__name">
                <span className="table__removed-name">{state.instance}</span>
                {state.container && <span className="table__sub mono">{state.container}</span>}
              </th>
              <td colSpan={4}>
                <span className="muted" data-testid="removed-note">
                  {state.state === 'running'
                    ? 'Removed from the stack, still running until the next apply removes its container.'
                    : 'Removed from the stack; its container stays until the next apply removes it.'}
                </span>
              </td>
              <td>
                <span className="badge badge--warning badge--state" data-testid="instance-state" data-status="removed" title={state.status || undefined}>
                  {state.state === 'running' ? 'Removed, still running until apply' : 'Removed, container left until apply'}
                </span>
              </td>
              <td className="table__actions" />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
