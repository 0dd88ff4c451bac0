import {
  Background,
  Controls,
  MarkerType,
  ReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type IsValidConnection,
  useReactFlow,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { instanceHref, navigate } from '@/app/routes';
import type { StackGraph } from '@/lib/types';
import { useSetWire, useUnsetWire } from '../api/wires';
import { buildEdges, buildNodes, layoutGraph, reuseNodes, structureKey, type PortsOf, type StatesOf, type WireEdgeView } from '../model';
import { GraphStackContext, InstanceNode, type InstanceFlowNode } from './InstanceNode';

const nodeTypes = { instance: InstanceNode };

function toFlowEdge(e: WireEdgeView, selected: boolean): Edge {
  return {
    id: e.id,
    source: e.source,
    target: e.target,
    sourceHandle: e.sourceHandle,
    targetHandle: e.targetHandle,
    label: e.label,
    deletable: e.deletable,
    selectable: e.style !== 'ambiguous',
    selected,
    className: `graph-edge graph-edge--${e.style}${e.inCycle ? ' graph-edge--cycle' : ''}`,
    markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
    ariaLabel: `${e.consumer} needs ${e.contract} from ${e.target} (${e.style})${e.deletable ? '; press Delete to remove' : ''}`,
    data: { consumer: e.consumer, contract: e.contract },
  };
}

const FIT = { padding: 0.15, maxZoom: 1.2 };

/** Fits the view again when the structure changes (an instance or a wire added or removed); never on a status change. */
function FitOnStructureChange({ structure }: { structure: string }) {
  const { fitView } = useReactFlow();
  const first = useRef(structure);
  useEffect(() => {
    if (structure === first.current) return;
    first.current = structure;
    void fitView(FIT);
  }, [structure, fitView]);
  return null;
}

/**
 * The canvas: instances laid out in layers (consumers left, providers right), wires as edges.
 * Positions are memoized on the graph's structure (structureKey), so live state changes never
 * move a node; node objects are reused when unchanged, so only the changed node re-renders.
 */
export function GraphCanvas({
  stack,
  graph,
  ports,
  states,
  fallbackStatus,
}: {
  stack: string;
  graph: StackGraph;
  ports: PortsOf;
  states: StatesOf;
  fallbackStatus: ReadonlyMap<string, string>;
}) {
  const setWire = useSetWire();
  const unsetWire = useUnsetWire();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());

  const key = structureKey(graph, ports);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- positions depend on the structure only
  const positions = useMemo(() => layoutGraph(graph, ports), [key]);

  const previous = useRef(new Map<string, InstanceFlowNode>());
  const nodes = useMemo(() => {
    const next = reuseNodes(previous.current, buildNodes(graph, positions, ports, states, fallbackStatus) as InstanceFlowNode[]);
    previous.current = new Map(next.map((n) => [n.id, n]));
    return next;
  }, [graph, positions, ports, states, fallbackStatus]);

  const edgeViews = useMemo(() => buildEdges(graph), [graph]);
  const edges = useMemo(() => edgeViews.map((e) => toFlowEdge(e, selected.has(e.id))), [edgeViews, selected]);

  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    setSelected((cur) => {
      let next: Set<string> | undefined;
      for (const c of changes) {
        if (c.type !== 'select') continue;
        next ??= new Set(cur);
        if (c.selected) next.add(c.id);
        else next.delete(c.id);
      }
      return next ?? cur;
    });
  }, []);

  const onEdgesDelete = useCallback(
    (deleted: Edge[]) => {
      for (const e of deleted) {
        const d = e.data as { consumer: string; contract: string } | undefined;
        if (d) unsetWire.mutate({ stack, consumer: d.consumer, contract: d.contract });
      }
    },
    [stack, unsetWire],
  );

  const isValidConnection: IsValidConnection = useCallback(
    (c) => {
      const contract = c.sourceHandle?.replace(/^need:/, '') ?? '';
      const need = graph.nodes.find((n) => n.name === c.source)?.needs.find((x) => x.contract === contract);
      return Boolean(need && c.target && need.candidates.includes(c.target));
    },
    [graph],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      const contract = c.sourceHandle?.replace(/^need:/, '') ?? '';
      if (c.source && c.target && contract) setWire.mutate({ stack, consumer: c.source, contract, provider: c.target });
    },
    [stack, setWire],
  );

  return (
    <GraphStackContext.Provider value={stack}>
      <div className="graph-canvas" data-testid="graph-canvas" data-structure={key}>
        <ReactFlow<InstanceFlowNode, Edge>
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          onEdgesChange={onEdgesChange}
          onEdgesDelete={onEdgesDelete}
          onConnect={onConnect}
          isValidConnection={isValidConnection}
          onNodeDoubleClick={(_e, node) => navigate(instanceHref(stack, node.id))}
          nodesDraggable={false}
          // Double-click opens the instance; d3-zoom's own double-click zoom would swallow it.
          zoomOnDoubleClick={false}
          nodesConnectable
          elementsSelectable
          deleteKeyCode={['Delete', 'Backspace']}
          fitView
          fitViewOptions={FIT}
          minZoom={0.1}
          maxZoom={2}
          colorMode="system"
        >
          <Background gap={20} size={1} />
          <Controls showInteractive={false} />
          <FitOnStructureChange structure={key} />
        </ReactFlow>
      </div>
    </GraphStackContext.Provider>
  );
}
