/**
 * The only module that talks to the generated Wails bindings (frontend/wailsjs). Each call:
 *  - fails fast with kind "unavailable" when the Go bridge is not in the page,
 *  - turns any rejection into an AppError (see ./errors.ts),
 *  - maps the generated models onto the UI types in ./types.ts.
 * Backend events (apply progress, live container status) are subscribed to here too: see
 * `events` at the end.
 */
import * as InstancesBinding from '../../wailsjs/go/bindings/Instances';
import * as LogsBinding from '../../wailsjs/go/bindings/Logs';
import * as PlansBinding from '../../wailsjs/go/bindings/Plans';
import * as SecretsBinding from '../../wailsjs/go/bindings/Secrets';
import * as StacksBinding from '../../wailsjs/go/bindings/Stacks';
import * as SystemBinding from '../../wailsjs/go/bindings/System';
import * as TemplatesBinding from '../../wailsjs/go/bindings/Templates';
import * as TransferBinding from '../../wailsjs/go/bindings/Transfer';
import * as WiresBinding from '../../wailsjs/go/bindings/Wires';
import type { bindings } from '../../wailsjs/go/models';
import { EventsOn } from '../../wailsjs/runtime/runtime';
import { AppError, problemFrom, toAppError } from './errors';
import type {
  ActionResult,
  ApplyOutcome,
  DeleteResult,
  DockerContext,
  Check,
  CheckStatus,
  ComposePreview,
  EffectiveField,
  ExportResult,
  ImportKind,
  CloneView,
  ImportPreview,
  UpdatePreview,
  DefinitionChange,
  FieldKind,
  Health,
  InstanceDetail,
  InstanceState,
  InstanceSummary,
  LogEvent,
  Origin,
  PlanAction,
  PlanActionKind,
  PlanSymbol,
  PlanDiagnostic,
  DiagnosticFix,
  PlanView,
  ProgressEvent,
  RunSummary,
  SecretSummary,
  StackDetail,
  StackProblem,
  StackGraph,
  StackOperation,
  StackStatus,
  StackSummary,
  StatusChange,
  TemplateDetail,
  TemplateSummary,
  VersionInfo,
  WireKind,
} from './types';

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
const STACK_STATUSES: readonly StackStatus[] = ['new', 'stopped', 'running', 'partial', 'degraded', 'unhealthy', 'unknown'];
const ORIGINS: readonly Origin[] = ['template', 'override', 'default', 'wiring'];
const FIELD_KINDS: readonly FieldKind[] = ['scalar', 'argv', 'map', 'list', 'object', 'map-key'];

function toStackStatus(raw: string | undefined): StackStatus {
  return STACK_STATUSES.includes(raw as StackStatus) ? (raw as StackStatus) : 'unknown';
}

/** An unknown origin from a newer backend reads as the template's (the unmarked case). */
function toOrigin(raw: string | undefined): Origin {
  return ORIGINS.includes(raw as Origin) ? (raw as Origin) : 'template';
}

function strings(raw: readonly string[] | null | undefined): string[] {
  return (raw ?? []).filter((item): item is string => typeof item === 'string');
}

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
    status: toStackStatus(raw.status),
    updatedAt: raw.updatedAt ?? '',
    engine: raw.engine || 'default',
  };
}

function toTemplateSummary(raw: bindings.TemplateSummary): TemplateSummary {
  return {
    name: raw.name,
    builtin: Boolean(raw.builtin),
    version: raw.version ?? 0,
    category: raw.category ?? '',
    description: raw.description ?? '',
    image: raw.image ?? '',
    ports: strings(raw.ports),
    provides: strings(raw.provides),
    consumes: (raw.consumes ?? []).map((need) => ({ contract: need.contract, required: Boolean(need.required) })),
    usedBy: strings(raw.usedBy),
  };
}

function toTemplateDetail(raw: bindings.TemplateDetail): TemplateDetail {
  return { ...toTemplateSummary(raw), yaml: raw.yaml ?? '' };
}

function toInstanceSummary(raw: bindings.InstanceSummary): InstanceSummary {
  return {
    name: raw.name,
    template: raw.template ?? '',
    containerName: raw.containerName ?? '',
    image: raw.image ?? '',
    imageOrigin: toOrigin(raw.imageOrigin),
    ports: strings(raw.ports),
    portsOrigin: toOrigin(raw.portsOrigin),
    overridden: strings(raw.overridden),
    status: raw.status || 'unknown',
    urls: strings(raw.urls),
  };
}

function toStackDetail(raw: bindings.StackDetail): StackDetail {
  return {
    name: raw.name,
    description: raw.description ?? '',
    revision: raw.revision ?? 0,
    status: toStackStatus(raw.status),
    network: raw.network ?? '',
    subnet: raw.subnet ?? '',
    instances: (raw.instances ?? []).map(toInstanceSummary),
    root: raw.root ?? '',
    rootChosen: Boolean(raw.rootChosen),
    engine: raw.engine || 'default',
    engineEndpoint: raw.engineEndpoint ?? '',
    engineHealthy: Boolean(raw.engineHealthy),
    engineError: raw.engineError ?? '',
    movingFrom: raw.movingFrom ?? '',
    publishAddress: raw.publishAddress || '127.0.0.1',
    problems: (raw.problems ?? []).map(stackProblemFrom),
  };
}

function toFieldKind(raw: bindings.EffectiveField): FieldKind {
  if (FIELD_KINDS.includes(raw.kind as FieldKind)) return raw.kind as FieldKind;
  if (Array.isArray(raw.value)) return 'list';
  return raw.value !== null && typeof raw.value === 'object' ? 'object' : 'scalar';
}

function toEffectiveField(raw: bindings.EffectiveField): EffectiveField {
  return { path: raw.path, kind: toFieldKind(raw), value: raw.value ?? null, origin: toOrigin(raw.origin) };
}

function toInstanceDetail(raw: bindings.InstanceDetail): InstanceDetail {
  return {
    stack: raw.stack,
    name: raw.name,
    template: raw.template ?? '',
    fields: (raw.fields ?? []).map(toEffectiveField),
    overrides: raw.overrides || '{}\n',
    revision: raw.revision ?? 0,
  };
}

function toComposePreview(raw: bindings.ComposePreview): ComposePreview {
  return {
    stack: raw.stack,
    yaml: raw.yaml ?? '',
    path: raw.path ?? '',
    written: Boolean(raw.written),
    clashes: (raw.clashes ?? []).map(stackProblemFrom),
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

  async create(name: string, description: string): Promise<StackSummary> {
    return toStackSummary(await call('Stacks', 'Create', () => StacksBinding.Create(name, description)));
  },

  async get(name: string): Promise<StackDetail> {
    return toStackDetail(await call('Stacks', 'Get', () => StacksBinding.Get(name)));
  },

  async rename(name: string, newName: string): Promise<void> {
    await call('Stacks', 'Rename', () => StacksBinding.Rename(name, newName));
  },

  /**
   * Puts the stack on the engine of a docker context ("default" = the default engine). Nothing
   * moves yet: the next plan removes its containers from the engine they are on and creates
   * them on the new one. An unknown context is refused with a problem naming it.
   */
  async setContext(name: string, context: string): Promise<void> {
    await call('Stacks', 'SetContext', () => StacksBinding.SetContext(name, context));
  },

  /** The docker contexts of this machine, "default" first (read from the docker CLI's store). */
  async contexts(): Promise<DockerContext[]> {
    const list = await call('Stacks', 'Contexts', () => StacksBinding.Contexts());
    return (list ?? []).map((c) => ({ name: c.name, endpoint: c.endpoint, tls: c.tls }));
  },

  /**
   * Refused while the stack has containers or a network, unless force (which takes it down
   * first). Volumes (data) stay unless volumes; the result names what was kept.
   */
  async delete(name: string, force: boolean, volumes = false): Promise<DeleteResult> {
    const raw = await call('Stacks', 'Delete', () => StacksBinding.Delete(name, force, volumes));
    return { keptVolumes: strings(raw?.keptVolumes), keptFiles: strings(raw?.keptFiles), keptDir: raw?.keptDir ?? '', unchecked: raw?.unchecked ?? '' };
  },

  async compose(name: string): Promise<ComposePreview> {
    return toComposePreview(await call('Stacks', 'Compose', () => StacksBinding.Compose(name)));
  },
};

export const templates = {
  async list(): Promise<TemplateSummary[]> {
    const rows = await call('Templates', 'List', () => TemplatesBinding.List());
    return (rows ?? []).map(toTemplateSummary);
  },

  async get(name: string): Promise<TemplateDetail> {
    return toTemplateDetail(await call('Templates', 'Get', () => TemplatesBinding.Get(name)));
  },

  /** Creates a custom template from YAML, or with replace updates an existing custom one. */
  async save(yaml: string, replace: boolean): Promise<TemplateSummary> {
    return toTemplateSummary(await call('Templates', 'Save', () => TemplatesBinding.Save(yaml, replace)));
  },

  async clone(name: string, newName: string): Promise<TemplateDetail> {
    return toTemplateDetail(await call('Templates', 'Clone', () => TemplatesBinding.Clone(name, newName)));
  },

  /** Refused while instances use the template (the summary names them). */
  async delete(name: string): Promise<void> {
    await call('Templates', 'Delete', () => TemplatesBinding.Delete(name));
  },
};

export const instances = {
  async add(stack: string, name: string, template: string): Promise<InstanceDetail> {
    return toInstanceDetail(await call('Instances', 'Add', () => InstancesBinding.Add(stack, name, template)));
  },

  async remove(stack: string, name: string): Promise<void> {
    await call('Instances', 'Remove', () => InstancesBinding.Remove(stack, name));
  },

  async get(stack: string, name: string): Promise<InstanceDetail> {
    return toInstanceDetail(await call('Instances', 'Get', () => InstancesBinding.Get(stack, name)));
  },

  /** Replaces the whole override delta with the YAML of the override view. */
  async setOverrides(stack: string, name: string, overridesYAML: string): Promise<InstanceDetail> {
    return toInstanceDetail(
      await call('Instances', 'SetOverrides', () => InstancesBinding.SetOverrides(stack, name, overridesYAML)),
    );
  },

  /**
   * Overrides one field. value is raw text as a user types it: `nginx:1.27` for image,
   * `["8080:80"]` for ports, `local` for environment.APP_ENV.
   */
  async setField(stack: string, name: string, path: string, value: string): Promise<InstanceDetail> {
    return toInstanceDetail(
      await call('Instances', 'SetField', () => InstancesBinding.SetField(stack, name, path, value)),
    );
  },

  /** Drops an override: the field goes back to the template's value. */
  async unsetField(stack: string, name: string, path: string): Promise<InstanceDetail> {
    return toInstanceDetail(await call('Instances', 'UnsetField', () => InstancesBinding.UnsetField(stack, name, path)));
  },
};

const ACTION_KINDS: readonly PlanActionKind[] = ['create', 'update', 'replace', 'remove', 'create-network', 'remove-network'];
const SYMBOLS: Record<PlanActionKind, PlanSymbol> = {
  create: '+',
  'create-network': '+',
  update: '~',
  replace: '-/+',
  remove: '-',
  'remove-network': '-',
};

/** An unknown kind from a newer backend reads by its symbol (the safest guess is a change). */
function toPlanAction(raw: bindings.PlanAction): PlanAction {
  let kind = raw.kind as PlanActionKind;
  if (!ACTION_KINDS.includes(kind)) {
    kind = raw.symbol === '+' ? 'create' : raw.symbol === '-' ? 'remove' : raw.symbol === '-/+' ? 'replace' : 'update';
  }
  return {
    kind,
    symbol: SYMBOLS[kind],
    instance: raw.instance ?? '',
    container: raw.container ?? '',
    network: raw.network ?? '',
    cause: raw.cause ?? '',
    ...(raw.engine ? { engine: raw.engine } : {}),
    changes: (raw.changes ?? []).map((change) => ({ path: change.path ?? '', old: change.old ?? '', new: change.new ?? '' })),
    ...(raw.config?.length ? { config: raw.config.map((field) => ({ path: field.path ?? '', value: field.value ?? '' })) } : {}),
  };
}

/**
 * A stack's problem: a port clash's fix is a link to the instance's field; a fix the page
 * cannot act on keeps its command in the detail, so the way out is never lost.
 */
function stackProblemFrom(raw: bindings.Problem): StackProblem {
  const problem: StackProblem = problemFrom(raw);
  const command = raw.fix?.command ?? '';
  if (raw.fix?.kind === 'edit-field' && raw.instance && problem.field) {
    problem.instance = raw.instance;
    problem.fix = { kind: 'edit-field', command };
  } else if (command) {
    problem.detail = [problem.detail, `Run: ${command}`].filter(Boolean).join(' ');
  }
  return problem;
}

/**
 * An unknown severity counts as an error: a plan the page cannot read is not applied. A fix
 * the page cannot act on (an unknown kind, or one missing what it acts on) gets no control;
 * its command then goes back into the detail, so the way out is never lost.
 */
function toPlanDiagnostic(raw: bindings.Diagnostic): PlanDiagnostic {
  const fix = toDiagnosticFix(raw);
  const command = raw.fix?.command ?? '';
  let detail = raw.detail ?? '';
  if (!fix && command) detail = [detail, `Run: ${command}`].filter(Boolean).join(' ');
  return {
    severity: raw.severity === 'warning' ? 'warning' : 'error',
    summary: raw.summary ?? '',
    detail,
    instance: raw.instance ?? '',
    path: raw.path ?? '',
    ...(fix ? { fix } : {}),
  };
}

function toDiagnosticFix(raw: bindings.Diagnostic): DiagnosticFix | undefined {
  const fix = raw.fix;
  const command = fix?.command ?? '';
  if (fix?.kind === 'set-secret' && fix.secret) return { kind: 'set-secret', secret: fix.secret, command };
  if (fix?.kind === 'edit-field' && raw.instance && raw.path) return { kind: 'edit-field', command };
  if (fix?.kind === 'use-secret' && fix.secret && raw.instance && raw.path) return { kind: 'use-secret', secret: fix.secret, command };
  return undefined;
}

function toPlanView(raw: bindings.PlanView): PlanView {
  return {
    id: raw.id,
    stack: raw.stack ?? '',
    revision: raw.revision ?? 0,
    text: raw.text ?? '',
    empty: Boolean(raw.empty),
    failed: Boolean(raw.failed),
    summary: { add: raw.summary?.add ?? 0, change: raw.summary?.change ?? 0, destroy: raw.summary?.destroy ?? 0 },
    actions: (raw.actions ?? []).map(toPlanAction),
    diagnostics: (raw.diagnostics ?? []).map(toPlanDiagnostic),
    stopped: Boolean(raw.stopped),
    stoppedInstances: strings(raw.stoppedInstances),
  };
}

function toApplyOutcome(raw: bindings.ApplyOutcome): ApplyOutcome {
  return {
    planId: raw.planId ?? 0,
    runId: raw.runId ?? 0,
    results: (raw.results ?? []).map(toActionResult),
  };
}

function toActionResult(raw: bindings.ActionResult): ActionResult {
  return {
    action: raw.action ?? '',
    kind: raw.kind || undefined,
    instance: raw.instance || undefined,
    container: raw.container || undefined,
    network: raw.network || undefined,
    status: raw.status ?? '',
    error: raw.error || undefined,
  };
}

function toInstanceState(raw: bindings.InstanceState): InstanceState {
  return {
    instance: raw.instance,
    container: raw.container ?? '',
    state: raw.state || 'unknown',
    health: raw.health ?? '',
    status: raw.status ?? '',
  };
}

function toRunSummary(raw: bindings.RunSummary): RunSummary {
  return {
    id: raw.id,
    planId: raw.planId ?? 0,
    operation: raw.operation ?? '',
    status: raw.status ?? '',
    startedBy: raw.startedBy ?? '',
    startedAt: raw.startedAt ?? '',
    finishedAt: raw.finishedAt ?? '',
    stderr: raw.stderr ?? '',
    results: (raw.results ?? []).map(toActionResult),
  };
}

function toSecretSummary(raw: bindings.SecretSummary): SecretSummary {
  return { name: raw.name, set: Boolean(raw.set), usedBy: strings(raw.usedBy), updatedAt: raw.updatedAt ?? '' };
}

export const plans = {
  /** Computes and stores a plan (refused while an apply holds the stack's lock). */
  async plan(stack: string): Promise<PlanView> {
    return toPlanView(await call('Plans', 'Plan', () => PlansBinding.Plan(stack)));
  },

  /**
   * Executes a stored plan; resolves when the apply ends. Meanwhile `progress:<stack>`
   * events arrive (events.onProgress). Rejects with kind stale, locked, conflict (applied
   * already), invalid (the plan has errors) or canceled.
   */
  async apply(planId: number): Promise<ApplyOutcome> {
    return toApplyOutcome(await call('Plans', 'Apply', () => PlansBinding.Apply(planId)));
  },

  /** Stops the stack's apply or operation started from this window; false when none runs. */
  async cancel(stack: string): Promise<boolean> {
    return Boolean(await call('Plans', 'Cancel', () => PlansBinding.Cancel(stack)));
  },

  /** start, stop or down, with progress events like apply; refused while the stack is locked. */
  async operate(stack: string, operation: StackOperation): Promise<void> {
    await call('Plans', 'Operate', () => PlansBinding.Operate(stack, operation));
  },

  /**
   * Starts or stops one instance (the graph's node menu); the instance is remembered as meant
   * to be stopped or running, so the next plan leaves it so. Refused while the stack is
   * locked, for an unknown instance (not found) or one without a container (conflict).
   */
  async operateInstance(stack: string, instance: string, operation: 'start' | 'stop'): Promise<void> {
    await call('Plans', 'OperateInstance', () => PlansBinding.OperateInstance(stack, instance, operation));
  },

  async status(stack: string): Promise<InstanceState[]> {
    const rows = await call('Plans', 'Status', () => PlansBinding.Status(stack));
    return (rows ?? []).map(toInstanceState);
  },

  /** The stack's runs, newest first. */
  async history(stack: string): Promise<RunSummary[]> {
    const rows = await call('Plans', 'History', () => PlansBinding.History(stack));
    return (rows ?? []).map(toRunSummary);
  },
};

export const secrets = {
  /** Names, users and last change; never values. Referenced but unset secrets are listed with set false. */
  async list(stack: string): Promise<SecretSummary[]> {
    const rows = await call('Secrets', 'List', () => SecretsBinding.List(stack));
    return (rows ?? []).map(toSecretSummary);
  },

  async set(stack: string, name: string, value: string): Promise<void> {
    await call('Secrets', 'Set', () => SecretsBinding.Set(stack, name, value));
  },

  /** Stores a strong random value (not returned: reveal shows it). */
  async generate(stack: string, name: string): Promise<void> {
    await call('Secrets', 'Generate', () => SecretsBinding.Generate(stack, name));
  },

  /** The plaintext, for an explicit reveal. Callers keep it in component state only. */
  async reveal(stack: string, name: string): Promise<string> {
    return (await call('Secrets', 'Reveal', () => SecretsBinding.Reveal(stack, name))) ?? '';
  },

  /** Refused (kind conflict, the summary names the users) while referenced. */
  async delete(stack: string, name: string): Promise<void> {
    await call('Secrets', 'Delete', () => SecretsBinding.Delete(stack, name));
  },
};

/** One instance's logs, or a whole stack's (instance ""), streamed: the last lines, then every new one, until closed. */
export const logs = {
  /**
   * Starts stream `id` (the caller's choice: letters, digits, dashes; subscribe to
   * events.onLogs(id) first, so no line is missed) of the last `tail` lines and what follows.
   * An empty instance follows every instance of the stack, each line tagged with its instance.
   * Refused (not found, invalid) before anything runs.
   */
  async follow(stack: string, instance: string, tail: number, id: string): Promise<void> {
    await call('Logs', 'Follow', () => LogsBinding.Follow(stack, instance, tail, id));
  },
  /** Ends the stream and its process (the viewer closed). Harmless when it already ended. */
  async close(id: string): Promise<void> {
    await call('Logs', 'Close', () => LogsBinding.Close(id));
  },
};

/* ---------- Events ---------- */

export type Unsubscribe = () => void;

type RuntimeWindow = Window & { runtime?: { EventsOnMultiple?: unknown } };

/**
 * Listens to a backend event; returns the function that stops listening. Without the Wails
 * runtime in the page (tests, a plain browser) nothing ever arrives and nothing fails.
 */
export function subscribe(event: string, handler: (...data: unknown[]) => void): Unsubscribe {
  if (typeof (window as RuntimeWindow).runtime?.EventsOnMultiple !== 'function') return () => {};
  try {
    const off = EventsOn(event, handler);
    return typeof off === 'function' ? off : () => {};
  } catch {
    return () => {};
  }
}

const WIRE_KINDS: readonly WireKind[] = ['explicit', 'automatic', 'pinned'];

function toStackGraph(raw: bindings.StackGraph): StackGraph {
  return {
    stack: raw.stack,
    revision: raw.revision ?? 0,
    nodes: (raw.nodes ?? []).map((n) => ({
      name: n.name,
      template: n.template ?? '',
      provides: strings(n.provides),
      needs: (n.needs ?? []).map((need) => ({ contract: need.contract, required: Boolean(need.required), candidates: strings(need.candidates) })),
    })),
    wires: (raw.wires ?? []).map((w) => ({
      consumer: w.consumer,
      contract: w.contract,
      provider: w.provider,
      kind: WIRE_KINDS.includes(w.kind as WireKind) ? (w.kind as WireKind) : 'automatic',
    })),
    problems: (raw.problems ?? []).map((p) => ({
      severity: p.severity === 'warning' ? 'warning' : 'error',
      summary: p.summary ?? '',
      detail: p.detail ?? '',
      instance: p.instance ?? '',
      field: p.field ?? '',
      contract: p.contract ?? '',
    })),
  };
}

/** The stack's wiring: the same engine calls as `devarch graph`, `wire set` and `wire unset`. */
export const wires = {
  async graph(stack: string): Promise<StackGraph> {
    return toStackGraph(await call('Wires', 'Graph', () => WiresBinding.Graph(stack)));
  },
  /** Chooses provider for consumer's need of contract (an explicit wire). Returns whether anything changed. */
  async set(stack: string, consumer: string, contract: string, provider: string): Promise<boolean> {
    const r = await call('Wires', 'Set', () => WiresBinding.Set(stack, consumer, contract, provider));
    return Boolean(r?.changed);
  },
  /** Removes consumer's explicit wire for contract; automatic wiring applies again. */
  async unset(stack: string, consumer: string, contract: string): Promise<void> {
    await call('Wires', 'Unset', () => WiresBinding.Unset(stack, consumer, contract));
  },
};

function text(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

function toProgressEvent(raw: unknown): ProgressEvent | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const record = raw as Record<string, unknown>;
  return {
    instance: text(record.instance),
    status: text(record.status),
    message: text(record.message),
    time: text(record.time),
  };
}

function toStatusChange(raw: unknown): StatusChange | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const record = raw as Record<string, unknown>;
  const stack = text(record.stack);
  if (!stack) return undefined;
  return { stack, instance: text(record.instance), action: text(record.action), time: text(record.time) };
}

function toImportPreview(raw: bindings.ImportPreview): ImportPreview {
  return {
    stack: raw?.stack ?? '',
    dryRun: Boolean(raw?.dryRun),
    instances: strings(raw?.instances),
    wires: raw?.wires ?? 0,
    templatesCreated: strings(raw?.templatesCreated),
    templatesReused: strings(raw?.templatesReused),
    secretsGenerated: strings(raw?.secretsGenerated),
    secretsSet: strings(raw?.secretsSet),
    missingSecrets: strings(raw?.missingSecrets),
    warnings: strings(raw?.warnings),
    report: (raw?.report ?? []).map((f) => ({ path: f.path ?? '', change: f.change ?? '', detail: f.detail ?? '' })),
    root: raw?.root ?? '',
    secretValuesUnchecked: Boolean(raw?.secretValuesUnchecked),
  };
}

function toChangeAction(raw: string | undefined): DefinitionChange['action'] {
  return raw === '+' || raw === '-' ? raw : '~';
}

function toUpdatePreview(raw: bindings.UpdatePreview): UpdatePreview {
  return {
    stack: raw?.stack ?? '',
    dryRun: Boolean(raw?.dryRun),
    revision: raw?.revision ?? 0,
    changes: (raw?.changes ?? []).map((c) => ({ action: toChangeAction(c.action), subject: c.subject ?? '', details: strings(c.details) })),
    templatesCreated: strings(raw?.templatesCreated),
    secretsGenerated: strings(raw?.secretsGenerated),
    secretsSet: strings(raw?.secretsSet),
    missingSecrets: strings(raw?.missingSecrets),
    warnings: strings(raw?.warnings),
    secretValuesUnchecked: Boolean(raw?.secretValuesUnchecked),
  };
}

/**
 * Sharing stacks. Choosing a file (the native dialogs; "" when the user cancels) is apart
 * from acting on it, so the window previews between the two.
 */
export const transfer = {
  async chooseExportPath(stack: string): Promise<string> {
    return (await call('Transfer', 'ChooseExportPath', () => TransferBinding.ChooseExportPath(stack))) ?? '';
  },

  async chooseImportFile(kind: ImportKind): Promise<string> {
    return (await call('Transfer', 'ChooseImportFile', () => TransferBinding.ChooseImportFile(kind))) ?? '';
  },

  /** The native Open dialog for the devarch.yml a stack is updated from; "" when canceled. */
  async chooseUpdateFile(stack: string): Promise<string> {
    return (await call('Transfer', 'ChooseUpdateFile', () => TransferBinding.ChooseUpdateFile(stack))) ?? '';
  },

  /** The native folder dialog (a clone's project root); "" when canceled. */
  async chooseRootFolder(title: string): Promise<string> {
    return (await call('Transfer', 'ChooseRootFolder', () => TransferBinding.ChooseRootFolder(title))) ?? '';
  },

  /**
   * Brings stack in line with the devarch.yml at path (import --update): a dry run lists
   * the changes and writes nothing; otherwise every change is written in one transaction.
   * With a passphrase the file's encrypted secret values are decrypted first.
   */
  async update(path: string, stack: string, dryRun: boolean, passphrase?: string): Promise<UpdatePreview> {
    if (passphrase !== undefined) {
      const raw = dryRun
        ? await call('Transfer', 'PreviewUpdateWithPassphrase', () => TransferBinding.PreviewUpdateWithPassphrase(path, stack, passphrase))
        : await call('Transfer', 'UpdateWithPassphrase', () => TransferBinding.UpdateWithPassphrase(path, stack, passphrase));
      return toUpdatePreview(raw);
    }
    const raw = dryRun
      ? await call('Transfer', 'PreviewUpdate', () => TransferBinding.PreviewUpdate(path, stack))
      : await call('Transfer', 'Update', () => TransferBinding.Update(path, stack));
    return toUpdatePreview(raw);
  },

  /** Writes the stack's devarch.yml to path (absolute), replacing it atomically. */
  async exportTo(stack: string, path: string): Promise<ExportResult> {
    const raw = await call('Transfer', 'ExportTo', () => TransferBinding.ExportTo(stack, path));
    return { path: raw?.path ?? path, warnings: strings(raw?.warnings) };
  },

  /**
   * Writes the stack's devarch.yml with its secret values encrypted with passphrase
   * (export --with-secrets). The passphrase goes to the backend only; nothing here keeps
   * or logs it.
   */
  async exportWithSecrets(stack: string, path: string, passphrase: string): Promise<ExportResult> {
    const raw = await call('Transfer', 'ExportWithSecrets', () => TransferBinding.ExportWithSecrets(stack, path, passphrase));
    return { path: raw?.path ?? path, warnings: strings(raw?.warnings) };
  },

  /**
   * A devarch.yml by path (or its content, for a dropped file): a dry run, or the import.
   * With a passphrase the file's encrypted secret values are decrypted (a dry run checks
   * the passphrase and writes nothing; a wrong one is the backend's error).
   */
  async importFile(source: { path?: string; content?: string }, name: string, dryRun: boolean, passphrase?: string): Promise<ImportPreview> {
    if (passphrase !== undefined) {
      if (source.content !== undefined) {
        const content = source.content;
        const raw = dryRun
          ? await call('Transfer', 'PreviewImportContentWithPassphrase', () => TransferBinding.PreviewImportContentWithPassphrase(content, name, passphrase))
          : await call('Transfer', 'ImportContentWithPassphrase', () => TransferBinding.ImportContentWithPassphrase(content, name, passphrase));
        return toImportPreview(raw);
      }
      const path = source.path ?? '';
      const raw = dryRun
        ? await call('Transfer', 'PreviewImportWithPassphrase', () => TransferBinding.PreviewImportWithPassphrase(path, name, passphrase))
        : await call('Transfer', 'ImportWithPassphrase', () => TransferBinding.ImportWithPassphrase(path, name, passphrase));
      return toImportPreview(raw);
    }
    if (source.content !== undefined) {
      const content = source.content;
      const raw = dryRun
        ? await call('Transfer', 'PreviewImportContent', () => TransferBinding.PreviewImportContent(content, name))
        : await call('Transfer', 'ImportContent', () => TransferBinding.ImportContent(content, name));
      return toImportPreview(raw);
    }
    const path = source.path ?? '';
    const raw = dryRun
      ? await call('Transfer', 'PreviewImport', () => TransferBinding.PreviewImport(path, name))
      : await call('Transfer', 'Import', () => TransferBinding.Import(path, name));
    return toImportPreview(raw);
  },

  /** Copies stack src as dst (free host ports, empty volumes); root "" keeps src's project root. */
  async clone(src: string, dst: string, root: string, dryRun: boolean): Promise<CloneView> {
    const raw = dryRun
      ? await call('Transfer', 'PreviewClone', () => TransferBinding.PreviewClone(src, dst, root))
      : await call('Transfer', 'Clone', () => TransferBinding.Clone(src, dst, root));
    return {
      stack: raw?.stack ?? dst,
      root: raw?.root ?? '',
      instances: strings(raw?.instances),
      ports: (raw?.ports ?? []).map((p) => ({ instance: p.instance ?? '', from: p.from ?? '', to: p.to ?? '' })),
      secrets: strings(raw?.secrets),
      missingSecrets: strings(raw?.missingSecrets),
      dryRun: Boolean(raw?.dryRun),
    };
  },

  /** A compose project (its files by absolute path) as a new stack: a dry run, or the import. */
  async importCompose(files: string[], stack: string, profiles: string[], dryRun: boolean): Promise<ImportPreview> {
    const raw = dryRun
      ? await call('Transfer', 'PreviewImportCompose', () => TransferBinding.PreviewImportCompose(files, stack, profiles))
      : await call('Transfer', 'ImportCompose', () => TransferBinding.ImportCompose(files, stack, profiles));
    return toImportPreview(raw);
  },
};

export const events = {
  /** Batches of progress of the stack's running apply or operation (at most every 100 ms). */
  onProgress(stack: string, handler: (batch: ProgressEvent[]) => void): Unsubscribe {
    return subscribe(`progress:${stack}`, (payload) => {
      const list = Array.isArray(payload) ? payload : [payload];
      const batch = list.map(toProgressEvent).filter((event): event is ProgressEvent => event !== undefined);
      if (batch.length > 0) handler(batch);
    });
  },

  /** Any DevArch container changing state, wherever the change was made. */
  onStatusChanged(handler: (change: StatusChange) => void): Unsubscribe {
    return subscribe('status:changed', (payload) => {
      const change = toStatusChange(payload);
      if (change) handler(change);
    });
  },

  /** Lines of a log stream (logs.follow), and its end: done, with a problem unless it was closed. */
  onLogs(id: string, handler: (event: LogEvent) => void): Unsubscribe {
    return subscribe(`logs:${id}`, (payload) => {
      if (payload === null || typeof payload !== 'object') return;
      const record = payload as Record<string, unknown>;
      const lines = Array.isArray(record.lines)
        ? record.lines.map((l: unknown) => {
            const line = l !== null && typeof l === 'object' ? (l as Record<string, unknown>) : {};
            return { instance: text(line.instance), text: text(line.text) };
          })
        : [];
      let problem: LogEvent['problem'];
      if (record.problem && typeof record.problem === 'object') {
        const p = record.problem as Record<string, unknown>;
        problem = { summary: text(p.summary), detail: text(p.detail) };
      }
      handler({ lines, done: Boolean(record.done), problem });
    });
  },

  /** The engine's event stream (re)connected (true) or dropped (false). */
  onEngineOnline(handler: (online: boolean) => void): Unsubscribe {
    return subscribe('engine:online', (payload) => handler(Boolean(payload)));
  },
};
