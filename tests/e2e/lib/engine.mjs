// Helpers for specs that run containers on the real engine.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The local busybox test image (no registry is reachable). */
export const IMAGE = 'devarch-test/busybox:1';

/** Builds IMAGE the way the Go tests do, unless the engine has it. */
export async function ensureImage() {
  try {
    await run('docker', ['image', 'inspect', '--format', '{{.Id}}', IMAGE]);
  } catch {
    await run('go', ['test', './backend/runtime/runtimetest/', '-run', '^TestBusyboxImage$', '-count=1'], { cwd: ROOT, timeout: 300_000 });
  }
}

/** Polls fn (every 200 ms) until it returns true, or throws naming what did not happen. */
export async function eventually(what, fn, timeout = 30_000) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last === true) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what}: not true within ${timeout} ms (last: ${JSON.stringify(last)})`);
}

/** Running processes whose command line runs compose logs on the stack's project. */
export function logProcesses(stack) {
  const out = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (cmd.includes(`devarch-${stack}`) && cmd.includes(' logs ') && !/\) Z /.test(stat)) out.push(`${pid}: ${cmd}`);
    } catch {
      // The process ended meanwhile.
    }
  }
  return out;
}
