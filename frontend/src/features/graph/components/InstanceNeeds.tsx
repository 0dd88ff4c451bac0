import { ErrorState } from '@/components/ErrorState';
import { useStackGraph } from '../api/wires';
import { WiresTable } from './WiresTable';
import '../graph.css';

/** The instance page's "Needs" panel: what it consumes, who provides it, with the graph's controls. */
export function InstanceNeeds({ stack, name }: { stack: string; name: string }) {
  const { data: graph, error, isFetching, refetch } = useStackGraph(stack);
  const node = graph?.nodes.find((n) => n.name === name);
  if (error && !graph && error.kind !== 'unavailable') return <ErrorState title="Couldn't load the wiring" error={error} onRetry={() => void refetch()} retrying={isFetching} />;
  if (!graph || !node || (node.needs.length === 0 && node.provides.length === 0)) return null;
  const consumers = graph.wires.filter((w) => w.provider === name);
  return (
    <section className="card graph-needs" aria-labelledby="needs-heading" data-testid="instance-needs">
      <header className="editor-panel__header">
        <h2 className="editor-panel__title" id="needs-heading">
          Wiring
        </h2>
        <p className="editor-panel__subtitle">
          {node.provides.length > 0 && (
            <>
              Provides {node.provides.join(', ')}
              {consumers.length > 0 ? ` to ${consumers.map((w) => `${w.consumer} (${w.contract})`).join(', ')}` : ', used by no instance yet'}.{' '}
            </>
          )}
          {node.needs.length > 0 && 'Needs below: choose a provider to wire it explicitly.'}
        </p>
      </header>
      {node.needs.length > 0 && <WiresTable stack={stack} graph={graph} consumer={name} caption={`Needs of ${name}`} />}
    </section>
  );
}
