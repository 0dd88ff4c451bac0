import { useDeferredValue, useMemo } from 'react';
import { Callout, ProblemList } from '@/components/Callout';
import { ErrorState } from '@/components/ErrorState';
import { BoxIcon } from '@/components/icons';
import { Spinner } from '@/components/Spinner';
import type { GraphProblem, InstanceState, InstanceSummary, StackGraph } from '@/lib/types';
import { useStackGraph } from '../api/wires';
import { hasContracts } from '../model';
import { GraphCanvas } from './GraphCanvas';
import { GraphLegend } from './GraphLegend';
import { WiresTable } from './WiresTable';
import '../graph.css';

/** At most a few problems at once, the rest behind a disclosure, so the graph stays in view. */
function Problems({ problems }: { problems: GraphProblem[] }) {
  const SHOWN = 3;
  if (problems.length <= SHOWN + 1) return <ProblemList problems={problems} />;
  return (
    <>
      <ProblemList problems={problems.slice(0, SHOWN)} />
      <details className="graph-more">
        <summary>{problems.length - SHOWN} more</summary>
        <ProblemList problems={problems.slice(SHOWN)} />
      </details>
    </>
  );
}

/**
 * The stack's Graph tab: its instances and the wires between them, live (state and health from
 * the status events the stack page already follows, no polling), editable (drag a need to a
 * provider, Delete a selected explicit wire, choose a provider for an ambiguous need), with the
 * same wires as a table below for the keyboard.
 */
export function GraphTab({ stack, instances, states }: { stack: string; instances: InstanceSummary[]; states?: InstanceState[] }) {
  const { data: graph, error, isFetching, refetch } = useStackGraph(stack);
  const ports = useMemo(() => new Map(instances.map((i) => [i.name, i.ports])), [instances]);
  const fallbackStatus = useMemo(() => new Map(instances.map((i) => [i.name, i.status])), [instances]);
  const stateMap = useMemo(() => new Map((states ?? []).map((s) => [s.instance, s])), [states]);
  // The table (a select per need) renders right after the graph, not in the graph's frame.
  const tableGraph = useDeferredValue<StackGraph | null>(graph ?? null, null);

  if (instances.length === 0) {
    return (
      <div className="state" data-testid="graph-empty">
        <div className="state__icon">
          <BoxIcon width={28} height={28} aria-hidden="true" />
        </div>
        <h3 className="state__title">Nothing to draw yet</h3>
        <p className="state__text">
          Add instances to this stack (<strong>Add instance</strong> above). Instances whose templates provide and consume the same
          contract, like an app that consumes <code>mysql</code> and a MySQL, are wired together automatically and drawn here.
        </p>
      </div>
    );
  }
  if (!graph) {
    if (error) return <ErrorState title={`Couldn't load the wiring of ${stack}`} error={error} onRetry={() => void refetch()} retrying={isFetching} />;
    return (
      <div className="state" data-testid="graph-loading">
        <Spinner />
        <p className="state__text">Loading the wiring of {stack}…</p>
      </div>
    );
  }
  const problems = graph.problems.filter((p) => p.severity === 'error');
  const warnings = graph.problems.filter((p) => p.severity === 'warning');
  return (
    <div className="graph-tab" data-testid="graph-tab">
      {!hasContracts(graph) && (
        <Callout tone="info" title="No wires: none of these instances' templates provide or consume a contract" testId="graph-no-contracts">
          <p className="callout__text">
            A template declares what it offers (<code>provides: [{'{'}contract: mysql{'}'}]</code>) and what it needs (
            <code>consumes</code>); see the template format. Add an instance of a template that provides what another consumes, or
            edit a custom template, and the wire appears here.
          </p>
        </Callout>
      )}
      {problems.length > 0 && (
        <Callout tone="error" title={`${problems.length} wiring ${problems.length === 1 ? 'problem blocks' : 'problems block'} apply`} testId="graph-problems">
          <Problems problems={problems} />
        </Callout>
      )}
      {warnings.length > 0 && (
        <Callout title={`${warnings.length} wiring ${warnings.length === 1 ? 'warning' : 'warnings'}`} testId="graph-warnings">
          <Problems problems={warnings} />
        </Callout>
      )}
      <GraphLegend />
      <GraphCanvas stack={stack} graph={graph} ports={ports} states={stateMap} fallbackStatus={fallbackStatus} />
      {tableGraph && tableGraph.nodes.some((n) => n.needs.length > 0) && (
        <section className="graph-table" aria-labelledby="wires-heading">
          <h3 className="graph-table__title" id="wires-heading">
            Wires
          </h3>
          <WiresTable stack={stack} graph={tableGraph} caption={`Wires of ${stack}`} />
        </section>
      )}
    </div>
  );
}
