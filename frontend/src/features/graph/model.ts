/**
 * The graph view's model, pure: from the stack's wiring (Wires.Graph), its instances (ports)
 * and their live state to what React Flow draws. No React, no I/O, so it is unit tested.
 *
 * Two rules keep the view calm:
 *  - positions depend only on the graph's *structure* (instances, their needs and sizes, and
 *    the wires): `structureKey` names it, and `layoutGraph` is memoized on it by the view, so a
 *    status change never moves a node;
 *  - `reuseNodes` hands React Flow the previous node object whenever a node's data did not
 *    change, so a status event re-renders the one node whose state changed, not the graph.
 */
import dagre from '@dagrejs/dagre';
import type { DotTone } from '@/components/StatusDot';
import { stateBadge } from '@/features/stacks';
import type { GraphWire, InstanceState, StackGraph, WireKind } from '@/lib/types';

/** What one need of a consumer looks like on the graph. */
export type NeedStatus = 'wired' | 'ambiguous' | 'missing' | 'unmet-optional' | 'broken';

export interface NeedView {
  contract: string;
  required: boolean;
  status: NeedStatus;
  /** The provider in effect (wired). */
  provider: string;
  kind: WireKind | '';
  candidates: string[];
  /** The problem's summary and fix, when there is one. */
  problem: string;
  fix: string;
}

/**
 * A node's live state as shown: the engine's state and health and the badge they read as.
 * The engine's status text ("Up 3 minutes") is left out on purpose: it changes with time, so
 * it would make every running node re-render on any status event.
 */
export interface LiveView {
  state: string;
  health: string;
  text: string;
  tone: DotTone;
}

/** The data of one node. Plain values only, so equality is cheap and exact. */
export interface InstanceNodeData extends Record<string, unknown> {
  name: string;
  template: string;
  ports: string[];
  provides: string[];
  needs: NeedView[];
  live: LiveView;
  /** On a dependency cycle. */
  inCycle: boolean;
}

export interface PositionedNode {
  id: string;
  type: 'instance';
  position: { x: number; y: number };
  data: InstanceNodeData;
  width: number;
  height: number;
}

export type EdgeStyle = WireKind | 'ambiguous';

export interface WireEdgeView {
  id: string;
  source: string;
  target: string;
  sourceHandle: string;
  targetHandle: string;
  label: string;
  style: EdgeStyle;
  /** Only explicit wires can be removed (Delete): automatic and pinned ones are the engine's. */
  deletable: boolean;
  inCycle: boolean;
  consumer: string;
  contract: string;
}

export const NODE_WIDTH = 240;
const HEADER_HEIGHT = 62;
const PORTS_HEIGHT = 26;
const NEED_HEIGHT = 30;
const PADDING = 12;

/** Instance ports by name (from the stack detail); live state by name (Plans.Status). */
export type PortsOf = ReadonlyMap<string, readonly string[]>;
export type StatesOf = ReadonlyMap<string, InstanceState>;

export function nodeHeight(needs: number, ports: number): number {
  return HEADER_HEIGHT + (ports > 0 ? PORTS_HEIGHT : 0) + needs * NEED_HEIGHT + PADDING;
}

export function needHandleId(contract: string): string {
  return `need:${contract}`;
}

export const PROVIDER_HANDLE = 'provides';

export function wireEdgeId(consumer: string, contract: string, provider: string): string {
  return `wire:${consumer}:${contract}:${provider}`;
}

/**
 * Everything positions depend on, as a string: instances with their needs and port counts,
 * and the wires. Live state is deliberately absent.
 */
export function structureKey(graph: StackGraph, ports: PortsOf): string {
  const nodes = graph.nodes.map(
    (n) => `${n.name}[${n.needs.map((x) => x.contract).join(',')}](${n.provides.join(',')})${ports.get(n.name)?.length ? 'p' : ''}`,
  );
  const wires = graph.wires.map((w) => `${w.consumer}>${w.contract}>${w.provider}`).sort();
  return `${nodes.join(';')}|${wires.join(';')}`;
}

/**
 * Layered layout (dagre), consumers left of their providers. Nodes with no wire at all are
 * laid out by dagre too (they get their own rank slots), so the picture fits in one view.
 * Returns top-left positions by instance name.
 */
export function layoutGraph(graph: StackGraph, ports: PortsOf): Map<string, { x: number; y: number }> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 28, ranksep: 110, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  const names = new Set(graph.nodes.map((n) => n.name));
  for (const n of graph.nodes) {
    g.setNode(n.name, { width: NODE_WIDTH, height: nodeHeight(n.needs.length, ports.get(n.name)?.length ?? 0) });
  }
  for (const w of graph.wires) {
    if (names.has(w.consumer) && names.has(w.provider) && w.consumer !== w.provider) g.setEdge(w.consumer, w.provider);
  }
  // An unwired need pulls its candidates to the right of it too, so the choice edges of an
  // ambiguous need run left to right like wires.
  for (const n of graph.nodes) {
    for (const need of n.needs) {
      if (graph.wires.some((w) => w.consumer === n.name && w.contract === need.contract)) continue;
      for (const c of need.candidates) if (names.has(c) && c !== n.name && !g.hasEdge(n.name, c)) g.setEdge(n.name, c);
    }
  }
  dagre.layout(g);
  const out = new Map<string, { x: number; y: number }>();
  for (const n of graph.nodes) {
    const p = g.node(n.name) as { x: number; y: number; width: number; height: number };
    out.set(n.name, { x: Math.round(p.x - p.width / 2), y: Math.round(p.y - p.height / 2) });
  }
  return out;
}

/** Instances on a dependency cycle, from its problem ("dependency cycle: app -> worker -> app"). */
export function cycleMembers(graph: StackGraph): Set<string> {
  const out = new Set<string>();
  for (const p of graph.problems) {
    const m = /cycle: (.+)$/.exec(p.summary);
    if (!m) continue;
    for (const name of m[1].split(' -> ')) out.add(name.trim());
  }
  return out;
}

function wireOf(graph: StackGraph, consumer: string, contract: string): GraphWire | undefined {
  return graph.wires.find((w) => w.consumer === consumer && w.contract === contract);
}

/** Each need of a consumer with its provider or its problem (and the fix). */
export function needsOf(graph: StackGraph, consumer: string): NeedView[] {
  const node = graph.nodes.find((n) => n.name === consumer);
  if (!node) return [];
  return node.needs.map((need) => {
    const wire = wireOf(graph, consumer, need.contract);
    const problem = graph.problems.find((p) => p.instance === consumer && p.contract === need.contract && p.severity === 'error');
    let status: NeedStatus;
    if (wire) status = 'wired';
    else if (need.candidates.length > 1) status = 'ambiguous';
    else if (need.candidates.length === 0) status = need.required ? 'missing' : 'unmet-optional';
    else status = 'broken';
    const warning = graph.problems.find((p) => p.instance === consumer && p.contract === need.contract);
    const shown = problem ?? (status !== 'wired' ? warning : undefined);
    return {
      contract: need.contract,
      required: need.required,
      status,
      provider: wire?.provider ?? '',
      kind: wire?.kind ?? '',
      candidates: need.candidates,
      problem: shown?.summary ?? '',
      fix: shown?.detail ?? '',
    };
  });
}

function liveOf(name: string, states: StatesOf, fallback: string): LiveView {
  const row = states.get(name);
  const live = row ? { state: row.state, health: row.health, detail: row.status } : { state: fallback, health: '', detail: '' };
  const badge = stateBadge(live);
  return { state: live.state, health: live.health, text: badge.text, tone: badge.tone };
}

/** The nodes, placed at the memoized positions, with live state. */
export function buildNodes(
  graph: StackGraph,
  positions: ReadonlyMap<string, { x: number; y: number }>,
  ports: PortsOf,
  states: StatesOf,
  fallbackStatus: ReadonlyMap<string, string> = new Map(),
): PositionedNode[] {
  const cycle = cycleMembers(graph);
  return graph.nodes.map((n) => {
    const p = ports.get(n.name) ?? [];
    return {
      id: n.name,
      type: 'instance',
      position: positions.get(n.name) ?? { x: 0, y: 0 },
      width: NODE_WIDTH,
      height: nodeHeight(n.needs.length, p.length),
      data: {
        name: n.name,
        template: n.template,
        ports: [...p],
        provides: n.provides,
        needs: needsOf(graph, n.name),
        live: liveOf(n.name, states, fallbackStatus.get(n.name) ?? 'unknown'),
        inCycle: cycle.has(n.name),
      },
    };
  });
}

/**
 * The edges: one per wire in effect (explicit solid, automatic and pinned dashed), and for an
 * ambiguous need one dotted "?" edge to each candidate (the choice the user has to make).
 */
export function buildEdges(graph: StackGraph): WireEdgeView[] {
  const cycle = cycleMembers(graph);
  const edges: WireEdgeView[] = graph.wires.map((w) => ({
    id: wireEdgeId(w.consumer, w.contract, w.provider),
    source: w.consumer,
    target: w.provider,
    sourceHandle: needHandleId(w.contract),
    targetHandle: PROVIDER_HANDLE,
    label: w.kind === 'explicit' ? w.contract : `${w.contract} (${w.kind})`,
    style: w.kind,
    deletable: w.kind === 'explicit',
    inCycle: cycle.has(w.consumer) && cycle.has(w.provider),
    consumer: w.consumer,
    contract: w.contract,
  }));
  for (const n of graph.nodes) {
    for (const need of needsOf(graph, n.name)) {
      if (need.status !== 'ambiguous') continue;
      for (const c of need.candidates) {
        edges.push({
          id: `choice:${n.name}:${need.contract}:${c}`,
          source: n.name,
          target: c,
          sourceHandle: needHandleId(need.contract),
          targetHandle: PROVIDER_HANDLE,
          label: `${need.contract}?`,
          style: 'ambiguous',
          deletable: false,
          inCycle: false,
          consumer: n.name,
          contract: need.contract,
        });
      }
    }
  }
  return edges;
}

function sameData(a: InstanceNodeData, b: InstanceNodeData): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Returns next with every node whose position and data equal the previous one's replaced by
 * that previous object: React Flow then re-renders only the nodes that really changed.
 */
export function reuseNodes<T extends { id: string; position: { x: number; y: number }; height?: number; data: InstanceNodeData }>(prev: ReadonlyMap<string, T>, next: T[]): T[] {
  return next.map((n) => {
    const old = prev.get(n.id);
    if (
      old &&
      old.position.x === n.position.x &&
      old.position.y === n.position.y &&
      old.height === n.height &&
      sameData(old.data, n.data)
    ) {
      return old;
    }
    return n;
  });
}

/** A stack with instances but no contract anywhere: nothing to wire. */
export function hasContracts(graph: StackGraph): boolean {
  return graph.nodes.some((n) => n.needs.length > 0 || n.provides.length > 0);
}
