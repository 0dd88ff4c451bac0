import type { ImportKind } from '@/lib/types';

/** compose.yaml, docker-compose.yml, compose.override.yml, docker-compose.dev.yaml... */
const COMPOSE_FILE = /^(docker-)?compose(\.[\w-]+)?\.ya?ml$/i;
const YAML_FILE = /\.ya?ml$/i;

/** The file's name without its folders (either separator). */
export function baseName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? '';
}

/** Which import a file starts when dropped on the window: undefined for anything not YAML. */
export function importKindOf(path: string): ImportKind | undefined {
  const name = baseName(path);
  if (COMPOSE_FILE.test(name)) return 'compose';
  if (YAML_FILE.test(name)) return 'devarch';
  return undefined;
}

/**
 * A stack name proposed for a compose project: its folder's name made valid (lowercase
 * letters, digits and dashes, starting with a letter), "" when nothing is left.
 */
export function stackNameFromPath(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  const folder = parts.length > 1 ? parts[parts.length - 2] : '';
  return folder
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '')
    .slice(0, 40);
}

/**
 * The page runs in DevArch's own window (a WebView2 or WebKit webview, which Wails reaches
 * through these message handlers), where the native file dialogs open. In a browser on a
 * dev build they would open on the desktop window instead, out of sight: the window asks
 * for a typed path there.
 */
export function inDesktopWindow(): boolean {
  const w = window as unknown as {
    chrome?: { webview?: { postMessage?: unknown } };
    webkit?: { messageHandlers?: { external?: { postMessage?: unknown } } };
  };
  return typeof w.chrome?.webview?.postMessage === 'function' || typeof w.webkit?.messageHandlers?.external?.postMessage === 'function';
}
