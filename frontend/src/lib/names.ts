/**
 * The name rules of DOMAIN.md, for live hints while typing. The backend is the authority:
 * forms submit whatever was typed and show its answer at the field.
 */

/** A DNS label: lowercase letters, digits and hyphens, starting and ending with a letter or digit. */
export const NAME_PATTERN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** devarch-{stack}-{instance} must fit 63 characters. */
export const MAX_STACK_INSTANCE_CHARS = 54;
export const MAX_STACK_NAME = MAX_STACK_INSTANCE_CHARS - 1; // 53
export const MAX_DESCRIPTION = 500;

/** The longest instance name a stack leaves room for. */
export function maxInstanceName(stack: string): number {
  return Math.max(1, Math.min(MAX_STACK_NAME, MAX_STACK_INSTANCE_CHARS - stack.length));
}

export interface NameHint {
  text: string;
  /** The current value breaks the rule (the hint says which part). */
  warning: boolean;
}

/** What to show under a name field for the value typed so far. */
export function nameHint(value: string, max?: number): NameHint {
  const rule = `Lowercase letters, digits and hyphens${max ? `, at most ${max} characters` : ''}.`;
  if (value === '') return { text: rule, warning: false };
  if (max && value.length > max) return { text: `${value.length} characters: the limit is ${max}.`, warning: true };
  if (/[A-Z]/.test(value)) return { text: `Use lowercase letters only. ${rule}`, warning: true };
  if (/[^a-z0-9-]/.test(value)) return { text: `Only lowercase letters, digits and hyphens are allowed.`, warning: true };
  if (!NAME_PATTERN.test(value)) return { text: 'Start and end with a letter or a digit.', warning: true };
  return { text: max ? `${rule.slice(0, -1)} (${value.length}/${max}).` : rule, warning: false };
}

/** A name not in taken: base, else base-2, base-3, ... */
export function uniqueName(base: string, taken: readonly string[]): string {
  if (!taken.includes(base)) return base;
  for (let i = 2; ; i++) {
    const candidate = `${base}-${i}`;
    if (!taken.includes(candidate)) return candidate;
  }
}

/** The secret name rule (secrets.ValidName): lower-case letters, digits, underscores; not a leading digit. */
export const SECRET_NAME_PATTERN = /^[a-z_][a-z0-9_]{0,63}$/;
export const MAX_SECRET_NAME = 64;

/** What to show under a secret's name field for the value typed so far. */
export function secretNameHint(value: string): NameHint {
  const rule = `Lower-case letters, digits and underscores, at most ${MAX_SECRET_NAME} characters, e.g. db_password.`;
  if (value === '') return { text: rule, warning: false };
  if (value.length > MAX_SECRET_NAME) return { text: `${value.length} characters: the limit is ${MAX_SECRET_NAME}.`, warning: true };
  if (/[A-Z]/.test(value)) return { text: `Use lower-case letters only. ${rule}`, warning: true };
  if (/-/.test(value)) return { text: 'Use underscores instead of hyphens (the name becomes an environment variable).', warning: true };
  if (/[^a-z0-9_]/.test(value)) return { text: 'Only lower-case letters, digits and underscores are allowed.', warning: true };
  if (/^[0-9]/.test(value)) return { text: 'Start with a letter or an underscore, not a digit.', warning: true };
  return { text: `Referenced as \${secret:${value}}.`, warning: false };
}
