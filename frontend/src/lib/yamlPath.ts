/**
 * Finds the line of a field path in YAML text, so an error that names a path ("ports",
 * "environment.APP_ENV", "service.healthcheck.interval", "provides[0].contract") but no line
 * can still be pointed at. Block-style mappings only, which is what the editors show; returns
 * undefined when the path cannot be found.
 */
export function lineOfPath(text: string, path: string): number | undefined {
  const keys = path
    .replace(/\[\d+\]/g, '')
    .split('.')
    .filter(Boolean);
  if (keys.length === 0) return undefined;
  const lines = text.split('\n');
  let parentIndent = -1;
  let found: number | undefined;
  let start = 0;
  for (const key of keys) {
    let match: number | undefined;
    let matchIndent = 0;
    for (let i = start; i < lines.length; i++) {
      const line = lines[i];
      if (/^\s*(#|$)/.test(line)) continue;
      const indent = line.length - line.trimStart().length;
      // Left the parent's block.
      if (found !== undefined && indent <= parentIndent) break;
      // The first key is a top-level one.
      if (found === undefined && indent > 0) continue;
      const body = line.trimStart().replace(/^-\s+/, '');
      const keyText = body.split(':')[0].trim().replace(/^["']|["']$/g, '');
      if (keyText === key && /^[^:]+:(\s|$)/.test(body)) {
        match = i;
        matchIndent = indent;
        break;
      }
    }
    if (match === undefined) return found === undefined ? undefined : found + 1;
    found = match;
    parentIndent = matchIndent;
    start = match + 1;
  }
  return found === undefined ? undefined : found + 1;
}
