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

export type StackStatus = 'stopped' | 'running' | 'partial' | 'unhealthy' | 'unknown';

export interface StackSummary {
  name: string;
  description: string;
  instances: number;
  revision: number;
  status: StackStatus;
  /** RFC 3339 timestamp. */
  updatedAt: string;
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

/** A non-fatal finding about a stack (a port clash, an instance that does not resolve). */
export type StackProblem = Problem;

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
}

export interface StackDetail {
  name: string;
  description: string;
  revision: number;
  status: StackStatus;
  instances: InstanceSummary[];
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
