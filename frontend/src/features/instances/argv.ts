/**
 * Command lines as a POSIX shell splits them into argv, for the Command field's rows: a
 * user who types or pastes `/bin/httpd -f -p 80 -h /` on one row means six arguments.
 *
 * Rules (those of sh for words, nothing else):
 *   - unquoted spaces, tabs and newlines separate arguments;
 *   - '…' keeps everything literally (no escape inside single quotes);
 *   - "…" keeps everything, except that a backslash escapes $ ` " \ and a newline;
 *   - an unquoted backslash keeps the next character literally (a backslash-newline joins
 *     lines); a backslash at the very end stays a backslash;
 *   - '' and "" are an empty argument.
 * No expansion happens ($VAR, ~, globs stay as typed) and | ; && > are ordinary
 * characters: compose runs argv without a shell, which is exactly why they would not work.
 */
export type SplitResult = { ok: true; args: string[] } | { ok: false; error: string; index: number };

const SPACE = /[ \t\n\r]/;

export function splitCommandLine(input: string): SplitResult {
  const args: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (SPACE.test(c)) {
      if (inWord) args.push(word);
      word = '';
      inWord = false;
      i++;
      continue;
    }
    if (c === '\\' && input[i + 1] === '\n') {
      // A line continuation: no character, and no break between arguments.
      i += 2;
      continue;
    }
    inWord = true;
    if (c === "'") {
      const end = input.indexOf("'", i + 1);
      if (end < 0) return { ok: false, error: `The single quote at position ${i + 1} is never closed.`, index: i };
      word += input.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (c === '"') {
      const start = i;
      i++;
      let closed = false;
      while (i < input.length) {
        const d = input[i];
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === '\\' && i + 1 < input.length && '$`"\\\n'.includes(input[i + 1])) {
          if (input[i + 1] !== '\n') word += input[i + 1];
          i += 2;
          continue;
        }
        word += d;
        i++;
      }
      if (!closed) return { ok: false, error: `The double quote at position ${start + 1} is never closed.`, index: start };
      continue;
    }
    if (c === '\\') {
      if (i + 1 >= input.length) {
        word += '\\';
        i++;
      } else {
        word += input[i + 1];
        i += 2;
      }
      continue;
    }
    word += c;
    i++;
  }
  if (inWord) args.push(word);
  return { ok: true, args };
}

/** One argument written so that splitCommandLine gives it back unchanged. */
export function quoteArg(arg: string): string {
  if (arg === '') return "''";
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** argv as one command line (the inverse of splitCommandLine). */
export function joinCommandLine(args: readonly string[]): string {
  return args.map(quoteArg).join(' ');
}

/**
 * The arguments a row would become when split, or null when it is one argument as it
 * stands (no unquoted space, or quotes that do not close).
 */
export function splitOffer(row: string): string[] | null {
  const result = splitCommandLine(row);
  if (!result.ok || result.args.length < 2) return null;
  return result.args;
}
