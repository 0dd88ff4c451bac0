/**
 * The shapes the UI works with. They mirror the Go DTOs in backend/bindings, with string
 * fields narrowed to the values the backend documents. ./backend.ts maps the generated
 * binding models onto these, so features never import from wailsjs/.
 */

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
