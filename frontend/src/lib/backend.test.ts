import { afterEach, describe, expect, it, vi } from 'vitest';
import { events, instances, plans, secrets, stacks, subscribe, system, templates } from './backend';
import { AppError } from './errors';

function installBridge(bindings: Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>>) {
  (window as unknown as { go: unknown }).go = { bindings };
}

afterEach(() => {
  delete (window as { go?: unknown }).go;
  delete (window as { runtime?: unknown }).runtime;
});

/** A stand-in for the Wails runtime's event functions, as window.runtime has them. */
function installRuntime() {
  const listeners = new Map<string, Set<(...data: unknown[]) => void>>();
  const EventsOnMultiple = vi.fn((name: string, callback: (...data: unknown[]) => void) => {
    const set = listeners.get(name) ?? new Set();
    set.add(callback);
    listeners.set(name, set);
    return () => set.delete(callback);
  });
  (window as unknown as { runtime: unknown }).runtime = { EventsOnMultiple };
  return {
    EventsOnMultiple,
    // Wails calls a listener with the emitted values as arguments.
    emit: (name: string, ...data: unknown[]) => listeners.get(name)?.forEach((callback) => callback(...data)),
    count: (name: string) => listeners.get(name)?.size ?? 0,
  };
}

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

  it('maps the engine of a stack, its rows and its instances, and passes SetContext through', async () => {
    const Get = vi.fn().mockResolvedValue({
      name: 'shop',
      engine: 'build-box',
      engineEndpoint: 'ssh://me@build-box',
      engineHealthy: false,
      engineError: 'ssh: connection refused',
      movingFrom: 'default',
      publishAddress: '192.168.1.40',
      instances: [{ name: 'web', urls: ['http://192.168.1.40:8080', 7] }, { name: 'db', urls: null }],
    });
    const List = vi.fn().mockResolvedValue([{ name: 'shop', engine: 'build-box' }, { name: 'old' }]);
    const SetContext = vi.fn().mockResolvedValue(undefined);
    installBridge({ Stacks: { Get, List, SetContext } });
    const detail = await stacks.get('shop');
    expect(detail).toMatchObject({
      engine: 'build-box',
      engineEndpoint: 'ssh://me@build-box',
      engineHealthy: false,
      engineError: 'ssh: connection refused',
      movingFrom: 'default',
      publishAddress: '192.168.1.40',
    });
    expect(detail.instances.map((instance) => instance.urls)).toEqual([['http://192.168.1.40:8080'], []]);
    // An older backend without the fields: the default engine, healthy unknown, nothing pending.
    Get.mockResolvedValue({ name: 'shop' });
    expect(await stacks.get('shop')).toMatchObject({ engine: 'default', engineEndpoint: '', engineHealthy: false, engineError: '', movingFrom: '', publishAddress: '127.0.0.1' });
    expect((await stacks.list()).map((row) => row.engine)).toEqual(['build-box', 'default']);
    await stacks.setContext('shop', 'build-box');
    expect(SetContext).toHaveBeenCalledWith('shop', 'build-box');
  });

  it('keeps the engine of a plan action only when set', async () => {
    const Plan = vi.fn().mockResolvedValue({
      id: 1,
      stack: 'shop',
      actions: [
        { kind: 'remove', symbol: '-', instance: 'web', container: 'devarch-shop-web', engine: 'default' },
        { kind: 'create', symbol: '+', instance: 'web', container: 'devarch-shop-web', engine: '' },
      ],
    });
    installBridge({ Plans: { Plan } });
    const plan = await plans.plan('shop');
    expect(plan.actions[0].engine).toBe('default');
    expect(plan.actions[1]).not.toHaveProperty('engine');
  });

  it('maps a port clash fix to the instance field; one the page cannot act on keeps its command in the detail', async () => {
    const Get = vi.fn().mockResolvedValue({
      name: 'shop',
      problems: [
        { kind: 'invalid', summary: 'p', detail: 'Change one of them.', field: 'ports', instance: 'web', fix: { kind: 'edit-field', secret: '', command: 'devarch instance set shop web' } },
        { kind: 'invalid', summary: 'q', detail: 'Why.', field: '', instance: 'web', fix: { kind: 'edit-field', secret: '', command: 'devarch x' } },
      ],
    });
    installBridge({ Stacks: { Get } });
    const detail = await stacks.get('shop');
    expect(detail.problems[0]).toMatchObject({ detail: 'Change one of them.', instance: 'web', fix: { kind: 'edit-field', command: 'devarch instance set shop web' } });
    expect(detail.problems[1]).toMatchObject({ detail: 'Why. Run: devarch x' });
    expect(detail.problems[1].fix).toBeUndefined();
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
    await expect(stacks.delete('shop', true)).resolves.toEqual({ keptVolumes: [], keptFiles: [], keptDir: '', unchecked: '' });
    expect(bridge.Stacks.Delete).toHaveBeenCalledWith('shop', true, false);
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

  it('maps a plan, narrowing unknown kinds by their symbol', async () => {
    const Plan = vi.fn().mockResolvedValue({
      id: 3,
      stack: 'shop',
      revision: 2,
      text: 'x',
      empty: false,
      failed: false,
      summary: { add: 1, change: 0, destroy: 1 },
      actions: [
        { kind: 'replace', symbol: '-/+', instance: 'web', container: 'devarch-shop-web', network: '', cause: 'config changed', changes: [{ path: 'environment.A', old: '(sensitive)', new: '(sensitive)' }] },
        { kind: 'teleport', symbol: '-', instance: 'old', container: 'devarch-shop-old', network: '', cause: 'x', changes: null },
      ],
      diagnostics: [
        { severity: 'warning', summary: 'w', detail: 'd', instance: 'web', path: 'command' },
        { severity: 'fatal', summary: 'e' },
      ],
    });
    installBridge({ Plans: { Plan } });
    const plan = await plans.plan('shop');
    expect(Plan).toHaveBeenCalledWith('shop');
    expect(plan.diagnostics).toEqual([
      { severity: 'warning', summary: 'w', detail: 'd', instance: 'web', path: 'command' },
      { severity: 'error', summary: 'e', detail: '', instance: '', path: '' },
    ]);
    expect(plan.actions[0]).toEqual({
      kind: 'replace',
      symbol: '-/+',
      instance: 'web',
      container: 'devarch-shop-web',
      network: '',
      cause: 'config changed',
      changes: [{ path: 'environment.A', old: '(sensitive)', new: '(sensitive)' }],
    });
    expect(plan.actions[1]).toMatchObject({ kind: 'remove', symbol: '-', changes: [] });
  });

  it('maps a diagnostic fix the page can act on; any other keeps its command in the detail', async () => {
    const Plan = vi.fn().mockResolvedValue({
      id: 4,
      stack: 'shop',
      diagnostics: [
        { severity: 'error', summary: 's', detail: 'No such secret.', instance: 'api', path: 'environment.T', fix: { kind: 'set-secret', secret: 't', command: 'devarch secret set shop t' } },
        { severity: 'error', summary: 'p', detail: 'd', instance: 'web', path: 'ports', fix: { kind: 'edit-field', secret: '', command: '' } },
        { severity: 'error', summary: 'u', detail: 'Why.', instance: '', path: '', fix: { kind: 'reboot', secret: '', command: 'devarch reboot' } },
        { severity: 'error', summary: 'x', detail: 'Why.', instance: '', path: '', fix: { kind: 'set-secret', secret: '', command: 'devarch secret set shop' } },
        { severity: 'error', summary: 'f', detail: 'd', instance: '', path: 'ports', fix: { kind: 'edit-field', secret: '', command: '' } },
      ],
    });
    installBridge({ Plans: { Plan } });
    const plan = await plans.plan('shop');
    expect(plan.diagnostics.map((d) => [d.detail, d.fix])).toEqual([
      ['No such secret.', { kind: 'set-secret', secret: 't', command: 'devarch secret set shop t' }],
      ['d', { kind: 'edit-field', command: '' }],
      ['Why. Run: devarch reboot', undefined],
      ['Why. Run: devarch secret set shop', undefined],
      ['d', undefined],
    ]);
  });

  it('passes the arguments of apply, cancel, operate, status, history and the secrets calls through', async () => {
    const bridge = {
      Plans: {
        Apply: vi.fn().mockResolvedValue({ planId: 3, runId: 9, results: [{ action: '+ create web', status: 'done' }] }),
        Cancel: vi.fn().mockResolvedValue(true),
        Operate: vi.fn().mockResolvedValue(undefined),
        Status: vi.fn().mockResolvedValue([{ instance: 'web', container: 'devarch-shop-web', state: 'running', health: '', status: 'Up 1 second' }]),
        History: vi.fn().mockResolvedValue(null),
      },
      Secrets: {
        List: vi.fn().mockResolvedValue([{ name: 'db_password', set: false, usedBy: null, updatedAt: '' }]),
        Set: vi.fn().mockResolvedValue(undefined),
        Generate: vi.fn().mockResolvedValue(undefined),
        Reveal: vi.fn().mockResolvedValue('hunter2'),
        Delete: vi.fn().mockResolvedValue(undefined),
      },
    };
    installBridge(bridge);
    await expect(plans.apply(3)).resolves.toEqual({ planId: 3, runId: 9, results: [{ action: '+ create web', status: 'done', error: undefined }] });
    expect(bridge.Plans.Apply).toHaveBeenCalledWith(3);
    await expect(plans.cancel('shop')).resolves.toBe(true);
    expect(bridge.Plans.Cancel).toHaveBeenCalledWith('shop');
    await plans.operate('shop', 'down');
    expect(bridge.Plans.Operate).toHaveBeenCalledWith('shop', 'down');
    await expect(plans.status('shop')).resolves.toEqual([{ instance: 'web', container: 'devarch-shop-web', state: 'running', health: '', status: 'Up 1 second' }]);
    await expect(plans.history('shop')).resolves.toEqual([]);

    await expect(secrets.list('shop')).resolves.toEqual([{ name: 'db_password', set: false, usedBy: [], updatedAt: '' }]);
    await secrets.set('shop', 'db_password', 'v');
    expect(bridge.Secrets.Set).toHaveBeenCalledWith('shop', 'db_password', 'v');
    await secrets.generate('shop', 'token');
    expect(bridge.Secrets.Generate).toHaveBeenCalledWith('shop', 'token');
    await expect(secrets.reveal('shop', 'db_password')).resolves.toBe('hunter2');
    await secrets.delete('shop', 'db_password');
    expect(bridge.Secrets.Delete).toHaveBeenCalledWith('shop', 'db_password');
  });

  it('rejects an apply refusal with its kind', async () => {
    installBridge({ Plans: { Apply: () => Promise.reject('{"kind":"stale","summary":"the plan is stale: re-plan","field":"plan"}') } });
    await expect(plans.apply(1)).rejects.toMatchObject({ kind: 'stale', summary: 'the plan is stale: re-plan' });
  });

  it('subscribes to backend events through the Wails runtime, and unsubscribes', () => {
    const runtime = installRuntime();
    const onProgress = vi.fn();
    const onStatus = vi.fn();
    const onOnline = vi.fn();
    const offProgress = events.onProgress('shop', onProgress);
    const offStatus = events.onStatusChanged(onStatus);
    events.onEngineOnline(onOnline);
    expect(runtime.EventsOnMultiple).toHaveBeenCalledWith('progress:shop', expect.any(Function), -1);

    runtime.emit('progress:shop', [{ instance: 'web', status: 'Started', message: '', time: 't' }, null, { status: 'done', message: '1 to add' }]);
    expect(onProgress).toHaveBeenCalledWith([
      { instance: 'web', status: 'Started', message: '', time: 't' },
      { instance: '', status: 'done', message: '1 to add', time: '' },
    ]);
    runtime.emit('status:changed', { stack: 'shop', instance: 'web', action: 'die', time: 't' });
    runtime.emit('status:changed', { instance: 'orphan', action: 'die' });
    expect(onStatus).toHaveBeenCalledTimes(1);
    expect(onStatus).toHaveBeenCalledWith({ stack: 'shop', instance: 'web', action: 'die', time: 't' });
    runtime.emit('engine:online', false);
    expect(onOnline).toHaveBeenCalledWith(false);

    offProgress();
    offStatus();
    expect(runtime.count('progress:shop')).toBe(0);
    expect(runtime.count('status:changed')).toBe(0);
  });

  it('subscribes to nothing, without failing, when the runtime is not in the page', () => {
    const handler = vi.fn();
    const off = subscribe('status:changed', handler);
    expect(typeof off).toBe('function');
    expect(() => off()).not.toThrow();
  });
});
