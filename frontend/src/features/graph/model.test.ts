import { describe, expect, it } from 'vitest';
import type { InstanceState, StackGraph } from '@/lib/types';
import { buildEdges, buildNodes, cycleMembers, layoutGraph, needsOf, reuseNodes, structureKey, type PositionedNode } from './model';

function wired(): StackGraph {
  return {
    stack: 's',
    revision: 3,
    nodes: [
      { name: 'db', template: 'mysql', provides: ['mysql'], needs: [] },
      { name: 'db2', template: 'mysql', provides: ['mysql'], needs: [] },
      { name: 'cache', template: 'redis', provides: ['redis'], needs: [] },
      {
        name: 'app',
        template: 'php',
        provides: [],
        needs: [
          { contract: 'mysql', required: true, candidates: ['db', 'db2'] },
          { contract: 'redis', required: false, candidates: ['cache'] },
          { contract: 'mail', required: true, candidates: [] },
        ],
      },
      { name: 'app2', template: 'php', provides: [], needs: [{ contract: 'mysql', required: true, candidates: ['db', 'db2'] }] },
    ],
    wires: [
      { consumer: 'app', contract: 'mysql', provider: 'db', kind: 'explicit' },
      { consumer: 'app', contract: 'redis', provider: 'cache', kind: 'automatic' },
    ],
    problems: [
      { severity: 'error', summary: 'app2: mysql is ambiguous: choose db or db2', detail: 'devarch wire set s app2 mysql db', instance: 'app2', field: 'consumes.mysql', contract: 'mysql' },
      { severity: 'error', summary: 'app: nothing provides mail', detail: 'add one', instance: 'app', field: 'consumes.mail', contract: 'mail' },
    ],
  };
}

const noPorts = new Map<string, string[]>();
const state = (instance: string, s: string, health = '', status = s): InstanceState => ({ instance, container: `c-${instance}`, state: s, health, status });

describe('graph model', () => {
  it('maps each need to its provider or its problem', () => {
    const g = wired();
    expect(needsOf(g, 'app').map((n) => [n.contract, n.status, n.provider, n.kind])).toEqual([
      ['mysql', 'wired', 'db', 'explicit'],
      ['redis', 'wired', 'cache', 'automatic'],
      ['mail', 'missing', '', ''],
    ]);
    const [ambiguous] = needsOf(g, 'app2');
    expect(ambiguous.status).toBe('ambiguous');
    expect(ambiguous.candidates).toEqual(['db', 'db2']);
    expect(ambiguous.fix).toBe('devarch wire set s app2 mysql db');
  });

  it('draws wires by kind and an ambiguous need as choice edges to each candidate', () => {
    const edges = buildEdges(wired());
    expect(edges.map((e) => [e.source, e.target, e.style, e.deletable, e.sourceHandle])).toEqual([
      ['app', 'db', 'explicit', true, 'need:mysql'],
      ['app', 'cache', 'automatic', false, 'need:redis'],
      ['app2', 'db', 'ambiguous', false, 'need:mysql'],
      ['app2', 'db2', 'ambiguous', false, 'need:mysql'],
    ]);
  });

  it('lays consumers out left of their providers, without overlaps', () => {
    const pos = layoutGraph(wired(), noPorts);
    expect(pos.get('app')!.x).toBeLessThan(pos.get('db')!.x);
    expect(pos.get('app')!.x).toBeLessThan(pos.get('cache')!.x);
    const nodes = buildNodes(wired(), pos, noPorts, new Map());
    for (const a of nodes)
      for (const b of nodes) {
        if (a === b) continue;
        const apart =
          a.position.x + a.width <= b.position.x || b.position.x + b.width <= a.position.x || a.position.y + a.height <= b.position.y || b.position.y + b.height <= a.position.y;
        expect(apart, `${a.id} overlaps ${b.id}`).toBe(true);
      }
  });

  it('keys the layout on structure only: live state does not change it, a new wire does', () => {
    const g = wired();
    const k = structureKey(g, noPorts);
    expect(structureKey({ ...g, revision: 9, problems: [] }, noPorts)).toBe(k);
    const g2 = { ...g, wires: [...g.wires, { consumer: 'app2', contract: 'mysql', provider: 'db2', kind: 'explicit' as const }] };
    expect(structureKey(g2, noPorts)).not.toBe(k);
    expect(structureKey(g, new Map([['db', ['3306:3306']]]))).not.toBe(k);
  });

  // The engine's status text ("Up 5 seconds") changes with time: it must not re-render a node.
  it('reuses every node object but the one whose live state changed', () => {
    const g = wired();
    const pos = layoutGraph(g, noPorts);
    const before = buildNodes(g, pos, noPorts, new Map([['db', state('db', 'running', 'healthy')], ['cache', state('cache', 'running', '', 'Up 5 seconds')]]));
    const prev = new Map<string, PositionedNode>(before.map((n) => [n.id, n]));
    const after = reuseNodes(prev, buildNodes(g, pos, noPorts, new Map([['db', state('db', 'exited', '', 'Exited (137) 1 second ago')], ['cache', state('cache', 'running', '', 'Up 10 seconds')]])));
    const changed = after.filter((n, i) => n !== before[i]).map((n) => n.id);
    expect(changed).toEqual(['db']);
    expect(after.find((n) => n.id === 'db')!.data.live).toEqual({ state: 'exited', health: '', text: 'Stopped', tone: 'neutral' });
    expect(after.find((n) => n.id === 'db')!.position).toEqual(before.find((n) => n.id === 'db')!.position);
  });

  it('marks the instances of a cycle', () => {
    const g: StackGraph = { ...wired(), problems: [{ severity: 'error', summary: 'dependency cycle: app -> worker -> app', detail: '', instance: 'app', field: 'depends_on', contract: '' }] };
    expect([...cycleMembers(g)].sort()).toEqual(['app', 'worker']);
  });

  it('lays out 100 instances quickly and deterministically', () => {
    const nodes = Array.from({ length: 100 }, (_, i) => ({
      name: `n${String(i).padStart(3, '0')}`,
      template: 't',
      provides: [`c${i}`],
      needs: i > 0 ? [{ contract: `c${Math.floor(i / 3)}`, required: true, candidates: [`n${String(Math.floor(i / 3)).padStart(3, '0')}`] }] : [],
    }));
    const wires = nodes.slice(1).map((n) => ({ consumer: n.name, contract: n.needs[0].contract, provider: n.needs[0].candidates[0], kind: 'automatic' as const }));
    const g: StackGraph = { stack: 'big', revision: 1, nodes, wires, problems: [] };
    const t0 = performance.now();
    const a = layoutGraph(g, noPorts);
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(1000); // jsdom on a busy 2-core machine; the browser figure is in graph.spec.mjs
    expect([...layoutGraph(g, noPorts)]).toEqual([...a]);
  });
});

describe('graph layout of an ambiguous need', () => {
  it('puts every candidate provider right of the consumer', () => {
    const pos = layoutGraph(wired(), noPorts);
    expect(pos.get('app2')!.x).toBeLessThan(pos.get('db2')!.x);
    expect(pos.get('app2')!.x).toBeLessThan(pos.get('db')!.x);
  });
});
