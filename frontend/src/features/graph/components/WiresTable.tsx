import { instanceHref } from '@/app/routes';
import { TrashIcon } from '@/components/icons';
import type { StackGraph } from '@/lib/types';
import { useUnsetWire } from '../api/wires';
import { needsOf } from '../model';
import { ProviderPicker } from './ProviderPicker';

const STATUS_TEXT = {
  wired: '',
  ambiguous: 'Ambiguous: choose a provider',
  missing: 'Missing: no instance provides it',
  'unmet-optional': 'Not wired (optional)',
  broken: 'Broken wire',
} as const;

/**
 * The wires as a table: every need of every consumer (or of one, on the instance page), who
 * provides it and how (explicit, automatic, pinned), with the same controls as the graph:
 * choose a provider, remove an explicit wire. The keyboard-reachable form of the graph.
 */
export function WiresTable({ stack, graph, consumer, caption }: { stack: string; graph: StackGraph; consumer?: string; caption: string }) {
  const unsetWire = useUnsetWire();
  const rows = graph.nodes
    .filter((n) => consumer === undefined || n.name === consumer)
    .flatMap((n) => needsOf(graph, n.name).map((need) => ({ consumer: n.name, need })));
  return (
    <div className="table-wrap card">
      <table className="table" data-testid={consumer ? 'instance-needs-table' : 'wires-table'}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {consumer === undefined && <th scope="col">Consumer</th>}
            <th scope="col">Needs</th>
            <th scope="col">Provider</th>
            <th scope="col">Wire</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ consumer: name, need }) => (
            <tr key={`${name}:${need.contract}`} data-testid={`wire-row-${name}-${need.contract}`} data-status={need.status}>
              {consumer === undefined && (
                <th scope="row" className="table__name">
                  <a className="table__link" href={instanceHref(stack, name)}>
                    {name}
                  </a>
                </th>
              )}
              <td>
                <code className="table__code">{need.contract}</code>
                {!need.required && <span className="muted"> optional</span>}
              </td>
              <td>
                <ProviderPicker stack={stack} consumer={name} need={need} />
              </td>
              <td>
                {need.status === 'wired' ? (
                  <span className={`graph-kind graph-kind--${need.kind}`}>{need.kind}</span>
                ) : (
                  <span className={`graph-badge graph-badge--${need.status === 'unmet-optional' ? 'warning' : 'error'}`} title={need.fix || undefined}>
                    {STATUS_TEXT[need.status]}
                  </span>
                )}
                {need.problem && need.status === 'wired' && <span className="table__sub">{need.problem}</span>}
              </td>
              <td className="table__actions">
                {need.kind === 'explicit' && (
                  <button
                    type="button"
                    className="icon-button icon-button--danger"
                    aria-label={`Remove the wire ${name} ${need.contract} → ${need.provider}`}
                    title="Remove this explicit wire (automatic wiring applies again)"
                    disabled={unsetWire.isPending}
                    onClick={() => unsetWire.mutate({ stack, consumer: name, contract: need.contract })}
                  >
                    <TrashIcon aria-hidden="true" />
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
