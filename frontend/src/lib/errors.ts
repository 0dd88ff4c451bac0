/**
 * The frontend's one error type. Every rejection from the Go side passes through
 * {@link toAppError} (called by ./backend.ts), so the rest of the app only ever sees AppError.
 *
 * The Go bindings reject with a JSON problem document as the message:
 *   {"kind":"not_found","summary":"...","detail":"...","field":"..."}
 * Anything else (a plain string, a JS Error, a bridge failure) becomes kind "internal" with
 * the raw message as its summary.
 */

import type { ActionResult } from './types';

export const ERROR_KINDS = [
  'internal',
  'not_found',
  'conflict',
  'invalid',
  'locked',
  'stale',
  'engine_unavailable',
  'canceled',
  'unavailable',
] as const;

export type ErrorKind = (typeof ERROR_KINDS)[number];

export interface Problem {
  kind: ErrorKind;
  summary: string;
  detail?: string;
  field?: string;
  /** The individual problems of a write refused for several reasons at once. */
  problems?: Problem[];
  /** A failed apply that ran: its recorded run and what became of each action. */
  runId?: number;
  results?: ActionResult[];
}

export class AppError extends Error {
  readonly kind: ErrorKind;
  readonly summary: string;
  readonly detail?: string;
  readonly field?: string;
  readonly problems?: Problem[];
  readonly runId?: number;
  readonly results?: ActionResult[];

  constructor(problem: Problem, options?: { cause?: unknown }) {
    super(problem.summary, options);
    this.name = 'AppError';
    this.kind = problem.kind;
    this.summary = problem.summary;
    if (problem.detail) this.detail = problem.detail;
    if (problem.field) this.field = problem.field;
    if (problem.problems?.length) this.problems = problem.problems;
    if (problem.runId) this.runId = problem.runId;
    if (problem.results?.length) this.results = problem.results;
  }

  toProblem(): Problem {
    return { kind: this.kind, summary: this.summary, detail: this.detail, field: this.field, problems: this.problems, runId: this.runId, results: this.results };
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

export function isErrorKind(value: unknown): value is ErrorKind {
  return typeof value === 'string' && (ERROR_KINDS as readonly string[]).includes(value);
}

const UNKNOWN_SUMMARY = 'Something went wrong';

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** Reads a problem document out of an already-parsed value, or returns undefined. */
function problemFromObject(value: unknown): Problem | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const summary = nonEmptyString(record.summary);
  if (!summary || typeof record.kind !== 'string') return undefined;
  const problem: Problem = {
    // An unknown kind from a newer backend still shows its summary; treat it as internal.
    kind: isErrorKind(record.kind) ? record.kind : 'internal',
    summary,
    detail: nonEmptyString(record.detail),
    field: nonEmptyString(record.field),
  };
  if (Array.isArray(record.problems)) {
    const problems = record.problems.map(problemFromObject).filter((p): p is Problem => p !== undefined);
    if (problems.length > 0) problem.problems = problems;
  }
  if (typeof record.runId === 'number' && record.runId > 0) problem.runId = record.runId;
  if (Array.isArray(record.results)) {
    const results = record.results.filter(
      (r): r is ActionResult => r !== null && typeof r === 'object' && typeof (r as ActionResult).action === 'string' && typeof (r as ActionResult).status === 'string',
    );
    if (results.length > 0) problem.results = results;
  }
  return problem;
}

/**
 * A problem document carried inside a result (a stack's port clashes, say) rather than as a
 * rejection: read like one, so an odd entry still shows its text.
 */
export function problemFrom(value: unknown): Problem {
  if (typeof value === 'string') return parseProblem(value);
  return problemFromObject(value) ?? toAppError(value).toProblem();
}

/** Parses a rejection message: a JSON problem document, or plain text. */
export function parseProblem(message: string): Problem {
  const trimmed = message.trim();
  if (trimmed.startsWith('{')) {
    try {
      const problem = problemFromObject(JSON.parse(trimmed));
      if (problem) return problem;
    } catch {
      // Not JSON after all: fall through to the raw message.
    }
  }
  return { kind: 'internal', summary: trimmed || UNKNOWN_SUMMARY };
}

/** Turns anything a promise can reject with into an AppError. Never throws. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (typeof error === 'string') return new AppError(parseProblem(error));
  if (error instanceof Error) return new AppError(parseProblem(error.message), { cause: error });
  // Wails' ErrorFormatter may hand over the problem as an object rather than a string.
  const problem = problemFromObject(error);
  if (problem) return new AppError(problem);
  if (error === undefined || error === null) return new AppError({ kind: 'internal', summary: UNKNOWN_SUMMARY });
  let text: string;
  try {
    text = JSON.stringify(error);
  } catch {
    text = String(error);
  }
  return new AppError({ kind: 'internal', summary: text || UNKNOWN_SUMMARY });
}

/** Errors that may go away if the same call is simply made again a moment later. */
export function isTransient(error: unknown): boolean {
  return error instanceof AppError && error.kind === 'unavailable';
}

const KIND_TITLES: Record<ErrorKind, string> = {
  internal: 'Unexpected error',
  not_found: 'Not found',
  conflict: 'Conflict',
  invalid: 'Invalid input',
  locked: 'Busy',
  stale: 'Out of date',
  engine_unavailable: 'Container engine unavailable',
  canceled: 'Canceled',
  unavailable: 'Backend unavailable',
};

/** A short, human heading for an error kind (used by toasts and error states). */
export function errorKindTitle(kind: ErrorKind): string {
  return KIND_TITLES[kind];
}

/**
 * True when a problem's field path is `path` or lies under it: "environment" covers
 * "environment.APP_ENV", "ports" covers "ports[0]". "*" covers every field.
 */
export function fieldMatches(field: string | undefined, path: string): boolean {
  if (!field) return false;
  if (path === '*') return true;
  return field === path || field.startsWith(`${path}.`) || field.startsWith(`${path}[`);
}

/**
 * The error to show at a form field: `error` when it is an AppError whose field matches one
 * of `paths` (see fieldMatches), else undefined.
 */
export function fieldError(error: unknown, ...paths: string[]): AppError | undefined {
  if (!(error instanceof AppError) || !error.field) return undefined;
  const field = error.field;
  return paths.some((path) => fieldMatches(field, path)) ? error : undefined;
}

/** Where a YAML error points: "line 3, column 7" (or yaml.v3's "line 3:") in its text. */
export function errorPosition(error: Pick<Problem, 'summary' | 'detail'>): { line: number; column?: number } | undefined {
  const text = `${error.summary}\n${error.detail ?? ''}`;
  const full = /line (\d+),? column (\d+)/i.exec(text);
  if (full) return { line: Number(full[1]), column: Number(full[2]) };
  const lineOnly = /line (\d+)/i.exec(text);
  return lineOnly ? { line: Number(lineOnly[1]) } : undefined;
}
