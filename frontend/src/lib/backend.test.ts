import { afterEach, describe, expect, it, vi } from 'vitest';
import { stacks, system } from './backend';
import { AppError } from './errors';

function installBridge(bindings: Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>>) {
  (window as unknown as { go: unknown }).go = { bindings };
}

afterEach(() => {
  delete (window as { go?: unknown }).go;
});

describe('backend', () => {
  it('calls window.go.bindings.System.Health and maps the report', async () => {
    const Health = vi.fn().mockResolvedValue({
      ready: true,
      database: { name: 'database', status: 'ok', summary: 'up' },
      engine: { name: 'engine', status: 'error', summary: 'down', detail: 'd', fix: 'start it' },
    });
    installBridge({ System: { Health } });
    await expect(system.health()).resolves.toEqual({
      ready: true,
      database: { name: 'database', status: 'ok', summary: 'up', detail: undefined, fix: undefined },
      engine: { name: 'engine', status: 'error', summary: 'down', detail: 'd', fix: 'start it' },
    });
    expect(Health).toHaveBeenCalledOnce();
  });

  it('treats an unknown check status as a warning', async () => {
    installBridge({
      System: {
        Health: () =>
          Promise.resolve({
            ready: false,
            database: { name: 'database', status: 'degraded', summary: '?' },
            engine: { name: 'engine', status: 'ok', summary: 'ok' },
          }),
      },
    });
    const health = await system.health();
    expect(health.database.status).toBe('warning');
    expect(health.ready).toBe(false);
  });

  it('turns a Go nil slice into an empty stack list', async () => {
    installBridge({ Stacks: { List: () => Promise.resolve(null) } });
    await expect(stacks.list()).resolves.toEqual([]);
  });

  it('maps stack rows and narrows unknown statuses', async () => {
    installBridge({
      Stacks: {
        List: () =>
          Promise.resolve([
            { name: 'shop', description: 'd', instances: 2, revision: 3, status: 'running', updatedAt: 'x' },
            { name: 'odd', description: '', instances: 0, revision: 1, status: 'exploded', updatedAt: '' },
          ]),
      },
    });
    const rows = await stacks.list();
    expect(rows.map((row) => row.status)).toEqual(['running', 'unknown']);
  });

  it('rejects with an AppError parsed from the Go problem', async () => {
    installBridge({
      Stacks: { List: () => Promise.reject('{"kind":"unavailable","summary":"Database is starting"}') },
    });
    const error = await stacks.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ kind: 'unavailable', summary: 'Database is starting' });
  });

  it('rejects with kind unavailable when the bridge is missing', async () => {
    const error = await system.version().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ kind: 'unavailable', summary: 'The DevArch backend is not connected' });
  });
});
