/**
 * The shapes the UI works with. They mirror the Go DTOs in backend/bindings, with string
 * fields narrowed to the values the backend documents. ./backend.ts maps the generated
 * binding models onto these, so features never import from wailsjs/.
 */
import type { Problem } from './errors';

export type CheckStatus = 'ok' | 'warning' | 'error';

export interface Check {
  /** Stable identifier: "database", "engine", ... */
  name: string;
  status: CheckStatus;
  summary: string;
  detail?: string;
  /** What the user can do about a status other than "ok". */
  fix?: string;
}

export interface Health {
  database: Check;
  engine: Check;
  /** True once the database is migrated and the app can serve requests. */
  ready: boolean;
}

export interface VersionInfo {
  version: string;
  commit: string;
  goVersion: string;
  platform: string;
}

/** degraded: a container crash-loops (restarting) or died. */
export type StackStatus = 'new' | 'stopped' | 'running' | 'partial' | 'degraded' | 'unhealthy' | 'unknown';

export interface StackSummary {
  name: string;
  description: string;
  instances: number;
  revision: number;
  status: StackStatus;
  /** RFC 3339 timestamp. */
  updatedAt: string;
  /** The engine the stack belongs on: "default" or a docker context's name. */
  engine: string;
}

/** Where an effective value came from (DOMAIN.md, Overrides). */
export type Origin = 'template' | 'override' | 'default' | 'wiring';

/** The template categories the catalog groups by; a custom template may use another. */
export const TEMPLATE_CATEGORIES = ['database', 'cache', 'web', 'runtime', 'mail', 'storage', 'tools'] as const;

export interface ContractNeed {
  contract: string;
  required: boolean;
}

export interface TemplateSummary {
  name: string;
  builtin: boolean;
  version: number;
  category: string;
  description: string;
  image: string;
  ports: string[];
  /** Contracts it offers (postgres, redis, http, ...). */
  provides: string[];
  consumes: ContractNeed[];
  /** Instances using it, as "stack/instance". */
  usedBy: string[];
}

export interface TemplateDetail extends TemplateSummary {
  /** The YAML definition (the editor's text). */
  yaml: string;
}

/**
 * A non-fatal finding about a stack (a port clash, an instance that does not resolve). A port
 * clash names the instance of this stack whose field fixes it, and that fix (a link to the
 * field); its detail then leaves out the CLI command, fix.command.
 */
export type StackProblem = Problem & { instance?: string; fix?: { kind: 'edit-field'; command: string } };

export interface InstanceSummary {
  name: string;
  template: string;
  containerName: string;
  image: string;
  imageOrigin: Origin;
  ports: string[];
  portsOrigin: Origin;
  /** Field paths the instance overrides ("image", "environment.APP_ENV"). */
  overridden: string[];
  /** Container status: running, exited, created, missing, ... */
  status: string;
  /** Where to open its fixed TCP host ports ("http://127.0.0.1:8080"), on the engine's publish address. */
  urls: string[];
}

export interface StackDetail {
  name: string;
  description: string;
  revision: number;
  status: StackStatus;
  /** The stack's compose network, devarch-{stack}-net. */
  network: string;
  /** Its subnet from DevArch's pool; "" until the next plan gives it one. */
  subnet: string;
  instances: InstanceSummary[];
  /**
   * The project root: where relative bind mounts and build contexts resolve. Chosen at
   * import or clone (rootChosen), else DevArch's own folder for the stack.
   */
  root: string;
  rootChosen: boolean;
  /** The engine the stack belongs on: "default" (the default engine) or a docker context's name. */
  engine: string;
  /** Where that engine is reached: "unix:///var/run/docker.sock", "ssh://me@box"; "" when unknown. */
  engineEndpoint: string;
  /** Whether the engine answered when the stack was read; engineError says why not. */
  engineHealthy: boolean;
  engineError: string;
  /** The engine its containers are still on when that differs from `engine` (the next apply moves them); "" otherwise. */
  movingFrom: string;
  /** Where the engine publishes host ports ("127.0.0.1" unless set with devarch engine set-address). */
  publishAddress: string;
  problems: StackProblem[];
}

/** scalar, argv, map, list, object; "map-key" for one key of a keyed map. */
export type FieldKind = 'scalar' | 'argv' | 'map' | 'list' | 'object' | 'map-key';

export interface EffectiveField {
  /** "image", "environment.APP_ENV" */
  path: string;
  kind: FieldKind;
  /** A JSON value: string, number, boolean, list, object or null. */
  value: unknown;
  origin: Origin;
}

export interface InstanceDetail {
  stack: string;
  name: string;
  template: string;
  fields: EffectiveField[];
  /** YAML of the stored delta ("{}" when there is none). */
  overrides: string;
  revision: number;
}

export interface ComposePreview {
  stack: string;
  yaml: string;
  /** Where the file is written on disk. */
  path: string;
  /** True when this generation changed the file on disk. */
  written: boolean;
  clashes: StackProblem[];
}

/* ---------- Plan / apply (DOMAIN.md, Plan / apply) ---------- */

/** What an action does; `create-network` and `remove-network` act on the stack's network. */
export type PlanActionKind = 'create' | 'update' | 'replace' | 'remove' | 'create-network' | 'remove-network';

/** The Terraform-style marker of an action. */
export type PlanSymbol = '+' | '~' | '-/+' | '-';

/** One changed field of a replace. Values referencing secrets are "(sensitive)". */
export interface PlanChange {
  path: string;
  old: string;
  new: string;
}

export interface PlanAction {
  kind: PlanActionKind;
  symbol: PlanSymbol;
  /** "" for network actions and containers without an instance. */
  instance: string;
  container: string;
  /** Set for network actions. */
  network: string;
  /** Why: "new instance", "stopped outside DevArch", "config changed; image changed", ... */
  cause: string;
  /** Set on the removals of a move: the engine the stack moves away from ("default" or a context). */
  engine?: string;
  changes: PlanChange[];
  /** What a create makes: effective image, ports and command ("(sensitive)" for a secret reference). */
  config?: PlanField[];
}

export interface PlanField {
  path: string;
  value: string;
}

export interface PlanSummary {
  add: number;
  change: number;
  destroy: number;
}

/**
 * One problem of a plan: an error (blocks applying: a host port another stack holds, a
 * missing secret, a dependency cycle) or a warning (worth knowing: a secret used outside an
 * environment variable, a host port a stopped stack also publishes). `instance` and `path`
 * say what it is about when known ("" otherwise): an instance of the plan's stack and its
 * field path as the instance editor names fields.
 */
export interface PlanDiagnostic {
  severity: 'error' | 'warning';
  summary: string;
  detail: string;
  instance: string;
  path: string;
  /** The fix the window offers as a control; the detail leaves out its CLI command. */
  fix?: DiagnosticFix;
}

/**
 * A diagnostic's fix: set the stack's secret `secret` (the secret dialog), change the
 * diagnostic's instance's field (the instance editor at that field), or make that field use
 * the secret `secret` (generated first when the stack has no value for it). `command` is the CLI
 * equivalent, shown second; "" when there is none.
 */
export type DiagnosticFix =
  | { kind: 'set-secret'; secret: string; command: string }
  | { kind: 'edit-field'; command: string }
  | { kind: 'use-secret'; secret: string; command: string };

/** A stored plan, as the plan page shows it. */
export interface PlanView {
  id: number;
  stack: string;
  /** The stack revision it was made from: a newer revision makes it stale. */
  revision: number;
  /** The same rendering as `devarch plan`. */
  text: string;
  empty: boolean;
  /** It has errors and cannot be applied. */
  failed: boolean;
  summary: PlanSummary;
  actions: PlanAction[];
  /** The plan's problems, warnings first: errors block applying (`failed`), warnings never do. */
  diagnostics: PlanDiagnostic[];
  /** The stack is meant to be stopped: creates and replaces leave containers stopped. */
  stopped: boolean;
  /** Instances stopped on purpose one by one (node menu, devarch stop STACK INSTANCE): left stopped, not drift. */
  stoppedInstances: string[];
}

export interface ActionResult {
  /** "+ create web" */
  action: string;
  /** The plan action's kind: create, update, replace, remove, create-network, remove-network. */
  kind?: string;
  instance?: string;
  container?: string;
  network?: string;
  /** done, failed, skipped, pending */
  status: string;
  /** Why it failed or was skipped. */
  error?: string;
}

export interface ApplyOutcome {
  planId: number;
  runId: number;
  /** One per plan action, in the plan's order. */
  results: ActionResult[];
}

/**
 * One step of a running apply or operation (compose's progress lines): status is compose's
 * word ("Creating", "Started", "Healthy", "Removed", ...) or DevArch's own ("info" for a
 * plain line, "done" at the end, "error" with the message when it fails).
 */
export interface ProgressEvent {
  /** "" for lines about the network or the run as a whole. */
  instance: string;
  status: string;
  message: string;
  /** RFC 3339 with fractions. */
  time: string;
}

/** The quick operations on a stack. `down` keeps named volumes. */
export type StackOperation = 'start' | 'stop' | 'down';

/** One instance's live container state (Plans.Status). */
export interface InstanceState {
  instance: string;
  container: string;
  /** running, exited, created, paused, restarting, dead, "not created" */
  state: string;
  /** healthy, unhealthy, starting, or "" without a healthcheck. */
  health: string;
  /** The engine's own text: "Up 3 minutes (healthy)", "Exited (137) 5 seconds ago". */
  status: string;
}

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'canceled' | 'interrupted';

/** One recorded apply or operation. */
export interface RunSummary {
  id: number;
  /** 0 for quick operations. */
  planId: number;
  /** apply, start, stop, down */
  operation: string;
  status: RunStatus | string;
  startedBy: string;
  startedAt: string;
  /** "" while it runs. */
  finishedAt: string;
  /** The end of compose's stderr when it failed. */
  stderr: string;
  /** An apply's per-action results: what it did before it stopped (empty otherwise). */
  results?: ActionResult[];
}

/**
 * A DevArch container changed state, anywhere (the app, the CLI, `docker stop` in a
 * terminal), as the engine's event stream reported it.
 */
export interface StatusChange {
  stack: string;
  instance: string;
  /** start, stop, die, destroy, create, restart, pause, unpause, "health_status: healthy", ... */
  action: string;
  time: string;
}

/* ---------- Secrets (DOMAIN.md, Secrets) ---------- */

export interface SecretSummary {
  name: string;
  /** false: referenced by an instance but never set (the plan fails until it is). */
  set: boolean;
  /** Who references it, as "instance field": "app environment.DB_PASSWORD". */
  usedBy: string[];
  /** RFC 3339; "" when not set. */
  updatedAt: string;
}

/** What deleting a stack left in place. */
export interface DeleteResult {
  /** Its named volumes, still on the engine: the data. */
  keptVolumes: string[];
  /** Files of the user's left in its folder (DevArch deletes only what it wrote). */
  keptFiles: string[];
  keptDir: string;
  /** Set when the engine did not answer and the delete went ahead without it (why): its containers, if any, are left as they are. */
  unchecked: string;
}

/* ---------- Wiring (docs/wiring.md): the graph view ---------- */

/** explicit: chosen by the user (wire set); automatic: the one provider; pinned: kept from the last apply. */
export type WireKind = 'explicit' | 'automatic' | 'pinned';

export interface GraphNeed {
  contract: string;
  required: boolean;
  /** Instances that provide the contract (never the consumer itself): the provider menu's choices. */
  candidates: string[];
}

export interface GraphNode {
  name: string;
  template: string;
  provides: string[];
  needs: GraphNeed[];
}

export interface GraphWire {
  consumer: string;
  contract: string;
  provider: string;
  kind: WireKind;
}

export interface GraphProblem {
  severity: 'error' | 'warning';
  summary: string;
  /** The fix, often the command that applies it. */
  detail: string;
  /** The consumer it is about. */
  instance: string;
  /** consumes.CONTRACT, environment.VAR, depends_on. */
  field: string;
  /** Set when it is about one need (field consumes.CONTRACT). */
  contract: string;
}

/** A stack's wiring: nodes in start order (providers first), wires in effect, problems. */
export interface StackGraph {
  stack: string;
  revision: number;
  nodes: GraphNode[];
  wires: GraphWire[];
  problems: GraphProblem[];
}

/** One event of a log stream: new lines, or (done) its end, with why unless the viewer closed it. */
/** One line of a log stream: the instance that printed it ("" for compose's own messages) and its text, ANSI escapes included. */
export interface LogLine {
  instance: string;
  text: string;
}

export interface LogEvent {
  lines: LogLine[];
  done: boolean;
  problem?: { summary: string; detail: string };
}

/** Which import: a devarch.yml, or a compose project. */
export type ImportKind = 'devarch' | 'compose';

export interface ExportResult {
  path: string;
  /** Fields that will not work elsewhere (absolute host paths). */
  warnings: string[];
}

/** One line of import-compose's fidelity report; change is "replaced", "changed" or "not carried". */
export interface ReportFinding {
  path: string;
  change: string;
  detail: string;
}

/** What a clone made, or (dryRun) would make: above all, the host ports it moved. */
export interface CloneView {
  stack: string;
  /** The clone's project root (absolute). */
  root: string;
  instances: string[];
  /** Each published host port the clone moved so both stacks run side by side. */
  ports: { instance: string; from: string; to: string }[];
  /** Secrets copied (re-sealed for the clone). */
  secrets: string[];
  missingSecrets: string[];
  dryRun: boolean;
}

/** One line of an update's diff: action "+" added, "-" removed, "~" changed. */
export interface DefinitionChange {
  action: '+' | '-' | '~';
  /** "instance web", "wire app postgres", "template shop-api", "description", "x-team", "secret api_token" */
  subject: string;
  /** How: `overrides.environment.APP_ENV: "local" -> "dev"`, "template redis", "-> db2". */
  details: string[];
}

/** What updating a stack from a devarch.yml changed, or (dryRun) would change; no changes: it already matches. */
export interface UpdatePreview {
  stack: string;
  dryRun: boolean;
  /** The stack's revision after the update (its current one for a preview or no change). */
  revision: number;
  changes: DefinitionChange[];
  templatesCreated: string[];
  secretsGenerated: string[];
  /** Secrets whose value the file carries and the update stores (encrypted in the file). */
  secretsSet: string[];
  missingSecrets: string[];
  warnings: string[];
  /** The file's encrypted values (secretsSet) were not decrypted: the update needs the passphrase. */
  secretValuesUnchecked: boolean;
}

/** What an import created, or (dryRun) would create. */
export interface ImportPreview {
  stack: string;
  dryRun: boolean;
  instances: string[];
  wires: number;
  templatesCreated: string[];
  templatesReused: string[];
  secretsGenerated: string[];
  secretsSet: string[];
  /** Secrets the instances need that have no value: the plan refuses to apply until they are set. */
  missingSecrets: string[];
  warnings: string[];
  report: ReportFinding[];
  /** The new stack's project root: its relative bind mounts and build contexts resolve here. */
  root: string;
  /**
   * The file carries encrypted values for secretsSet that this preview (without the
   * passphrase) did not decrypt: the import needs the passphrase.
   */
  secretValuesUnchecked: boolean;
}

/** A docker context a stack can run on (Stacks.Contexts). */
export interface DockerContext {
  name: string;
  /** Where its engine is reached: unix:///var/run/docker.sock, tcp://HOST:2376, ssh://me@box. */
  endpoint: string;
  tls: boolean;
}
