import { vi } from 'vitest';
import { fakeEvents } from './events';

/**
 * Every call of src/lib/backend as a vi.fn(), for
 *   vi.mock('@/lib/backend', async () => (await import('@/test/backendMock')).backendMock());
 * Tests give each the answers they need with vi.mocked(stacks.get).mockResolvedValue(...).
 * Events go through the fake bus of ./events (eventBus.emit('status:changed', {...})).
 */
export function backendMock() {
  return {
    system: { health: vi.fn(), version: vi.fn() },
    stacks: {
      list: vi.fn(),
      create: vi.fn(),
      get: vi.fn(),
      rename: vi.fn(),
      setContext: vi.fn(),
      contexts: vi.fn(async () => []),
      delete: vi.fn(),
      compose: vi.fn(),
    },
    templates: { list: vi.fn(), get: vi.fn(), save: vi.fn(), clone: vi.fn(), delete: vi.fn() },
    instances: {
      add: vi.fn(),
      remove: vi.fn(),
      get: vi.fn(),
      setOverrides: vi.fn(),
      setField: vi.fn(),
      unsetField: vi.fn(),
    },
    plans: { plan: vi.fn(), apply: vi.fn(), cancel: vi.fn(), operate: vi.fn(), operateInstance: vi.fn(), status: vi.fn(), history: vi.fn() },
    logs: { follow: vi.fn(), close: vi.fn() },
    secrets: { list: vi.fn(), set: vi.fn(), generate: vi.fn(), reveal: vi.fn(), delete: vi.fn() },
    // An empty wiring by default: pages that show it (instance page) render nothing extra.
    wires: { graph: vi.fn().mockResolvedValue({ stack: '', revision: 0, nodes: [], wires: [], problems: [] }), set: vi.fn(), unset: vi.fn() },
    transfer: {
      chooseExportPath: vi.fn(),
      chooseImportFile: vi.fn(),
      chooseUpdateFile: vi.fn(),
      chooseRootFolder: vi.fn(),
      update: vi.fn(),
      exportTo: vi.fn(),
      exportWithSecrets: vi.fn(),
      importFile: vi.fn(),
      importCompose: vi.fn(),
      clone: vi.fn(),
    },
    events: fakeEvents(),
    subscribe: () => () => {},
  };
}
