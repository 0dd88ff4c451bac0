/**
 * The only module that talks to the generated Wails bindings (frontend/wailsjs). Each call:
 *  - fails fast with kind "unavailable" when the Go bridge is not in the page,
 *  - turns any rejection into an AppError (see ./errors.ts),
 *  - maps the generated models onto the UI types in ./types.ts.
 */
import * as StacksBinding from '../../wailsjs/go/bindings/Stacks';
import * as SystemBinding from '../../wailsjs/go/bindings/System';
import type { bindings } from '../../wailsjs/go/models';
import { AppError, toAppError } from './errors';
import type { Check, CheckStatus, Health, StackStatus, StackSummary, VersionInfo } from './types';

type WailsWindow = Window & {
  go?: Record<string, Record<string, Record<string, unknown>> | undefined>;
};

function bridgeHas(struct: string, method: string): boolean {
  const go = (window as WailsWindow).go;
  return typeof go?.bindings?.[struct]?.[method] === 'function';
}

async function call<T>(struct: string, method: string, invoke: () => Promise<T>): Promise<T> {
  if (!bridgeHas(struct, method)) {
    throw new AppError({
      kind: 'unavailable',
      summary: 'The DevArch backend is not connected',
      detail: `window.go.bindings.${struct}.${method} is not available in this page. Open DevArch from its own window, or from a dev build's -devserver address.`,
    });
  }
  try {
    return await invoke();
  } catch (error) {
    throw toAppError(error);
  }
}

const CHECK_STATUSES: readonly CheckStatus[] = ['ok', 'warning', 'error'];
const STACK_STATUSES: readonly StackStatus[] = ['stopped', 'running', 'partial', 'unhealthy', 'unknown'];

function toCheck(raw: bindings.Check | undefined, name: string): Check {
  if (!raw) {
    return { name, status: 'error', summary: 'No report from the backend' };
  }
  return {
    name: raw.name || name,
    status: CHECK_STATUSES.includes(raw.status as CheckStatus) ? (raw.status as CheckStatus) : 'warning',
    summary: raw.summary ?? '',
    detail: raw.detail || undefined,
    fix: raw.fix || undefined,
  };
}

function toStackSummary(raw: bindings.StackSummary): StackSummary {
  return {
    name: raw.name,
    description: raw.description ?? '',
    instances: raw.instances ?? 0,
    revision: raw.revision ?? 0,
    status: STACK_STATUSES.includes(raw.status as StackStatus) ? (raw.status as StackStatus) : 'unknown',
    updatedAt: raw.updatedAt ?? '',
  };
}

export const system = {
  async health(): Promise<Health> {
    const raw = await call('System', 'Health', () => SystemBinding.Health());
    return {
      database: toCheck(raw?.database, 'database'),
      engine: toCheck(raw?.engine, 'engine'),
      ready: Boolean(raw?.ready),
    };
  },

  async version(): Promise<VersionInfo> {
    const raw = await call('System', 'Version', () => SystemBinding.Version());
    return {
      version: raw?.version ?? '',
      commit: raw?.commit ?? '',
      goVersion: raw?.goVersion ?? '',
      platform: raw?.platform ?? '',
    };
  },
};

export const stacks = {
  async list(): Promise<StackSummary[]> {
    // A Go nil slice arrives as null.
    const rows = await call('Stacks', 'List', () => StacksBinding.List());
    return (rows ?? []).map(toStackSummary);
  },
};
