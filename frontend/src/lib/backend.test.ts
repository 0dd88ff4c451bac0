import { afterEach, describe, expect, it, vi } from 'vitest';
import { instances, stacks, system, templates } from './backend';
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

  it('maps a stack detail, narrowing origins and reading problems', async () => {
    const Get = vi.fn().mockResolvedValue({
      name: 'shop',
      description: 'd',
      revision: 4,
      status: 'stopped',
      instances: [
        {
          name: 'web',
          template: 'nginx',
          containerName: 'devarch-shop-web',
          image: 'nginx:1.27',
          imageOrigin: 'template',
          ports: null,
          portsOrigin: 'mystery',
          overridden: null,
          status: '',
        },
      ],
      problems: [{ kind: 'conflict', summary: 'port 8080 clashes', detail: 'with blog/web' }, { kind: 'x', summary: '' }],
    });
    installBridge({ Stacks: { Get } });
    const detail = await stacks.get('shop');
    expect(Get).toHaveBeenCalledWith('shop');
    expect(detail.instances[0]).toMatchObject({ ports: [], portsOrigin: 'template', overridden: [], status: 'unknown' });
    expect(detail.problems[0]).toEqual({ kind: 'conflict', summary: 'port 8080 clashes', detail: 'with blog/web', field: undefined });
    expect(detail.problems[1].kind).toBe('internal');
  });

  it('passes the arguments of every stack, template and instance call through', async () => {
    const bridge = {
      Stacks: {
        Create: vi.fn().mockResolvedValue({ name: 'shop', description: '', instances: 0, revision: 1, status: 'stopped', updatedAt: '' }),
        Rename: vi.fn().mockResolvedValue(undefined),
        Delete: vi.fn().mockResolvedValue(undefined),
        Compose: vi.fn().mockResolvedValue({ stack: 'shop', yaml: 'name: x\n', path: '/p', written: true, clashes: null }),
      },
      Templates: {
        List: vi.fn().mockResolvedValue(null),
        Get: vi.fn().mockResolvedValue({ name: 'nginx', builtin: true, version: 1, category: 'web', description: '', image: 'nginx', ports: ['8080:80'], provides: ['http'], consumes: [{ contract: 'pg', required: 1 }], usedBy: null, yaml: 'name: nginx\n' }),
        Save: vi.fn().mockResolvedValue({ name: 'mine', builtin: false, version: 0, category: 'tools', description: '', image: '', ports: [], provides: [], consumes: [], usedBy: [] }),
        Clone: vi.fn().mockResolvedValue({ name: 'copy', yaml: '' }),
        Delete: vi.fn().mockResolvedValue(undefined),
      },
      Instances: {
        Add: vi.fn().mockResolvedValue({ stack: 'shop', name: 'web', template: 'nginx', fields: null, overrides: '', revision: 2 }),
        Remove: vi.fn().mockResolvedValue(undefined),
        Get: vi.fn().mockResolvedValue({
          stack: 'shop',
          name: 'web',
          template: 'nginx',
          fields: [
            { path: 'ports', kind: 'list', value: ['8081:80'], origin: 'override' },
            { path: 'healthcheck', kind: 'unknown', value: { retries: 3 }, origin: 'template' },
            { path: 'environment.A', kind: 'map-key', value: 'b', origin: 'wiring' },
          ],
          overrides: 'ports: ["8081:80"]\n',
          revision: 3,
        }),
        SetOverrides: vi.fn().mockResolvedValue({ stack: 'shop', name: 'web', template: 'nginx', fields: [], overrides: '{}\n', revision: 4 }),
        SetField: vi.fn().mockResolvedValue({ stack: 'shop', name: 'web', template: 'nginx', fields: [], overrides: '', revision: 5 }),
        UnsetField: vi.fn().mockResolvedValue({ stack: 'shop', name: 'web', template: 'nginx', fields: [], overrides: '', revision: 6 }),
      },
    };
    installBridge(bridge);

    await expect(stacks.create('shop', 'desc')).resolves.toMatchObject({ name: 'shop', status: 'stopped' });
    expect(bridge.Stacks.Create).toHaveBeenCalledWith('shop', 'desc');
    await stacks.rename('shop', 'store');
    expect(bridge.Stacks.Rename).toHaveBeenCalledWith('shop', 'store');
    await stacks.delete('shop', true);
    expect(bridge.Stacks.Delete).toHaveBeenCalledWith('shop', true);
    await expect(stacks.compose('shop')).resolves.toEqual({ stack: 'shop', yaml: 'name: x\n', path: '/p', written: true, clashes: [] });

    await expect(templates.list()).resolves.toEqual([]);
    await expect(templates.get('nginx')).resolves.toMatchObject({ usedBy: [], consumes: [{ contract: 'pg', required: true }], yaml: 'name: nginx\n' });
    await templates.save('name: mine\n', true);
    expect(bridge.Templates.Save).toHaveBeenCalledWith('name: mine\n', true);
    await expect(templates.clone('nginx', 'copy')).resolves.toMatchObject({ name: 'copy', ports: [], provides: [] });
    expect(bridge.Templates.Clone).toHaveBeenCalledWith('nginx', 'copy');
    await templates.delete('mine');
    expect(bridge.Templates.Delete).toHaveBeenCalledWith('mine');

    await expect(instances.add('shop', 'web', 'nginx')).resolves.toMatchObject({ fields: [], overrides: '{}\n' });
    expect(bridge.Instances.Add).toHaveBeenCalledWith('shop', 'web', 'nginx');
    await instances.remove('shop', 'web');
    expect(bridge.Instances.Remove).toHaveBeenCalledWith('shop', 'web');
    const detail = await instances.get('shop', 'web');
    expect(detail.fields).toEqual([
      { path: 'ports', kind: 'list', value: ['8081:80'], origin: 'override' },
      { path: 'healthcheck', kind: 'object', value: { retries: 3 }, origin: 'template' },
      { path: 'environment.A', kind: 'map-key', value: 'b', origin: 'wiring' },
    ]);
    await instances.setOverrides('shop', 'web', 'image: x\n');
    expect(bridge.Instances.SetOverrides).toHaveBeenCalledWith('shop', 'web', 'image: x\n');
    await instances.setField('shop', 'web', 'ports', '["8081:80"]');
    expect(bridge.Instances.SetField).toHaveBeenCalledWith('shop', 'web', 'ports', '["8081:80"]');
    await instances.unsetField('shop', 'web', 'environment.APP_ENV');
    expect(bridge.Instances.UnsetField).toHaveBeenCalledWith('shop', 'web', 'environment.APP_ENV');
  });

  it('rejects a field problem with its field path', async () => {
    installBridge({
      Instances: {
        SetField: () =>
          Promise.reject('{"kind":"invalid","summary":"ports: expected a list","field":"ports"}'),
      },
    });
    await expect(instances.setField('shop', 'web', 'ports', '8080')).rejects.toMatchObject({ kind: 'invalid', field: 'ports' });
  });
});

