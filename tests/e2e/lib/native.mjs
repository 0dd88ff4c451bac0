// The desktop window's native GTK file dialogs, driven from a spec: find this run's app
// display, answer a dialog with xdotool, and call a binding over the dev build's IPC as the
// window would (the dialog opens on the app's display while the call waits).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, readFile, readlink } from 'node:fs/promises';
import { promisify } from 'node:util';
import { screenshotDir, token } from './app.mjs';
import { call } from './ipc.mjs';

const run = promisify(execFile);

/**
 * The X display (and its auth file) the app's window is on: read from the environment of
 * this run's app process (the dev binary, started by run.sh under xvfb-run with this run's
 * token), so concurrent runs on the machine are never confused.
 */
export async function appDisplay() {
  const bin = process.env.DEVARCH_E2E_BIN;
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if ((await readlink(`/proc/${pid}/exe`)) !== bin) continue;
      const env = Object.fromEntries(
        (await readFile(`/proc/${pid}/environ`, 'utf8'))
          .split('\0')
          .filter(Boolean)
          .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
      );
      if (env.DEVARCH_DEV_TOKEN === token && env.DISPLAY) return { DISPLAY: env.DISPLAY, XAUTHORITY: env.XAUTHORITY ?? '' };
    } catch {
      // a process that ended, or not ours
    }
  }
  assert.fail('the app process of this run (with its DISPLAY) was not found');
}

/** Waits for the GTK file chooser titled title, focuses it and types path into it. */
export async function answerFileDialog(display, title, path, { location = false } = {}) {
  const env = { ...process.env, ...display };
  const deadline = Date.now() + 30_000;
  let wid = '';
  while (!wid) {
    const found = await run('xdotool', ['search', '--onlyvisible', '--name', title], { env }).catch(() => ({ stdout: '' }));
    wid = found.stdout.trim().split('\n')[0] ?? '';
    if (!wid) {
      assert.ok(Date.now() < deadline, `the file dialog "${title}" never appeared`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  await run('xdotool', ['windowfocus', '--sync', wid], { env });
  // Keys go to the focused window (XTEST), which GTK accepts; sent events (--window) it may not.
  await run('xdotool', ['key', location ? 'ctrl+l' : 'ctrl+a'], { env });
  await run('xdotool', ['type', '--delay', '20', path], { env });
  await run('xdotool', ['key', 'Return'], { env });
  // The Open dialog's location field may take the first Return for its completion popup:
  // press again while the dialog is still there.
  for (let i = 0; i < 10; i++) {
    await new Promise((r) => setTimeout(r, 500));
    const still = await run('xdotool', ['search', '--onlyvisible', '--name', title], { env }).catch(() => ({ stdout: '' }));
    if (!still.stdout.trim()) break;
    await run('xdotool', ['windowfocus', '--sync', wid], { env }).catch(() => {});
    await run('xdotool', ['key', 'Return'], { env });
  }
  if (process.env.DT_DEBUG) {
    await new Promise((r) => setTimeout(r, 1500));
    await run('import', ['-window', 'root', `${screenshotDir}/native-${title.replace(/[^a-z0-9]+/gi, '-')}.png`], { env }).catch((e) => console.error(e));
  }
  return wid;
}

/** Closes any file dialog still open (a failed step), so the app can quit. */
export async function dismissDialogs(display, titles) {
  const env = { ...process.env, ...display };
  for (const title of titles) {
    const found = await run('xdotool', ['search', '--name', title], { env }).catch(() => ({ stdout: '' }));
    for (const wid of found.stdout.trim().split('\n').filter(Boolean)) {
      await run('xdotool', ['windowfocus', '--sync', wid], { env }).catch(() => {});
      await run('xdotool', ['key', 'Escape'], { env }).catch(() => {});
    }
  }
}

/** Calls a binding over the dev build's IPC as the window would, and returns its result or throws its error. */
export async function binding(socket, name, args, timeout) {
  const answer = await call(socket, name, args, timeout);
  if (answer.error) throw new Error(typeof answer.error === 'string' ? answer.error : JSON.stringify(answer.error));
  return typeof answer.result === 'string' && /^[[{"]/.test(answer.result) ? JSON.parse(answer.result) : answer.result;
}
