import { screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { AppProviders } from '@/app/AppProviders';
import type { InstanceState, StackGraph } from '@/lib/types';
import { renderWithApp } from '@/test/render';
import { GraphCanvas } from './GraphCanvas';

vi.mock('@/lib/backend', async () => (await import('@/test/backendMock')).backendMock());

// React Flow measures nodes with ResizeObserver, which jsdom lacks; nodes here carry their size.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
} as unknown as typeof ResizeObserver;

const graph: StackGraph = {
  stack: 'shop',
  revision: 1,
  nodes: [
    { name: 'db', template: 'mysql', provides: ['mysql'], needs: [] },
    { name: 'cache', template: 'redis', provides: ['redis'], needs: [] },
    {
      name: 'web',
      template: 'php',
      provides: [],
      needs: [
        { contract: 'mysql', required: true, candidates: ['db'] },
        { contract: 'redis', required: false, candidates: ['cache'] },
      ],
    },
  ],
  wires: [
    { consumer: 'web', contract: 'mysql', provider: 'db', kind: 'automatic' },
    { consumer: 'web', contract: 'redis', provider: 'cache', kind: 'explicit' },
  ],
  problems: [],
};
const ports = new Map([['web', ['8080:80']]]);
const fallback = new Map<string, string>();
const st = (instance: string, state: string, status: string): InstanceState => ({ instance, container: `c-${instance}`, state, health: '', status });

const renders = () =>
  Object.fromEntries(['db', 'cache', 'web'].map((n) => [n, Number(screen.getByTestId(`graph-node-${n}`).getAttribute('data-renders'))]));
const transform = (n: string) => (screen.getByTestId(`graph-node-${n}`).closest('.react-flow__node') as HTMLElement).style.transform;

describe('GraphCanvas', () => {
  // A status event (here: db stops; every running container's "Up N seconds" text moves on)
  // re-renders db's node only, and moves nothing.
  it('re-renders one node on a status change, and keeps every position', () => {
    const before = new Map([
      ['db', st('db', 'running', 'Up 5 seconds')],
      ['cache', st('cache', 'running', 'Up 5 seconds')],
      ['web', st('web', 'running', 'Up 4 seconds')],
    ]);
    const { rerender, queryClient, toasts } = renderWithApp(
      <GraphCanvas stack="shop" graph={graph} ports={ports} states={before} fallbackStatus={fallback} />,
    );
    const r0 = renders();
    const p0 = ['db', 'cache', 'web'].map(transform);
    expect(screen.getByTestId('graph-node-db')).toHaveAttribute('data-state', 'running');

    const after = new Map([
      ['db', st('db', 'exited', 'Exited (137) 1 second ago')],
      ['cache', st('cache', 'running', 'Up 9 seconds')],
      ['web', st('web', 'running', 'Up 8 seconds')],
    ]);
    rerender(
      <AppProviders toasts={toasts} queryClient={queryClient}>
        <GraphCanvas stack="shop" graph={graph} ports={new Map(ports)} states={after} fallbackStatus={new Map()} />
      </AppProviders>,
    );
    expect(screen.getByTestId('graph-node-db')).toHaveAttribute('data-state', 'exited');
    expect(screen.getByTestId('graph-node-db')).toHaveTextContent('Stopped');
    const r1 = renders();
    expect(r1.db).toBeGreaterThan(r0.db);
    expect(r1.cache).toBe(r0.cache);
    expect(r1.web).toBe(r0.web);
    expect(['db', 'cache', 'web'].map(transform)).toEqual(p0);
  });
});
