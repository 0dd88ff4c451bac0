// The window tells the same truths as the CLI (everyday operations): an unhealthy instance
// says why while apply waits and when it fails; a crash loop fails the apply and the stack
// shows as crashing; a stopped stack's plan does not start it; a rename with containers is
// refused naming down; deleting a stack keeps the user's files and volumes and says so.
//
// Setup goes through the binary's CLI on the app's own data home; what is checked is what
// the window shows. Only the local test image devarch-test/busybox:1 is used.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { launchApp, waitForStatus } from '../lib/app.mjs';

const run = promisify(execFile);
const STACK = 'e2etruth';
const PROJECT = `devarch-${STACK}`;

const TEMPLATES = {
  'e2e-unhealthy': `name: e2e-unhealthy
category: runtime
description: never healthy
service:
  image: devarch-test/busybox:1
  command: [sleep, "3600"]
  init: true
  stop_grace_period: 1s
  healthcheck:
    test: [CMD, sh, -c, "echo HTTP/1.1 404 Not Found; exit 1"]
    interval: 1s
    retries: 8
`,
  'e2e-crash': `name: e2e-crash
category: runtime
description: crashes at start
service:
  image: devarch-test/busybox:1
  command: [sh, -c, "echo boom from the app; exit 3"]
  init: true
`,
  'e2e-site': `name: e2e-site
category: runtime
description: serves ./public, keeps data in a volume
service:
  image: devarch-test/busybox:1
  command: [sleep, "3600"]
  init: true
  stop_grace_period: 1s
  volumes: ["./public:/srv", "data:/data"]
`,
};

async function cli(...args) {
  const bin = process.env.DEVARCH_E2E_BIN;
  assert.ok(bin, 'DEVARCH_E2E_BIN is set by run.sh');
  const { stdout } = await run(bin, args, { timeout: 120_000 });
  return stdout;
}

async function cleanEngine() {
  await run('docker', ['compose', '-p', PROJECT, 'down', '-t', '0', '--remove-orphans', '--volumes'], { timeout: 60_000 }).catch(() => {});
  const vols = await run('docker', ['volume', 'ls', '-q', '--filter', `label=dev.devarch.stack=${STACK}`]).then((r) => r.stdout.trim()).catch(() => '');
  if (vols) await run('docker', ['volume', 'rm', '-f', ...vols.split('\n')]).catch(() => {});
}

async function dismissToasts(page) {
  const buttons = page.getByTestId('toasts').getByRole('button', { name: 'Dismiss notification' });
  while ((await buttons.count()) > 0) await buttons.first().click();
}

async function openStack(page) {
  await page.goto(new URL(`#/stacks/${STACK}`, page.url()).toString());
  await page.getByRole('heading', { level: 1, name: STACK }).waitFor();
}

async function openPlan(page) {
  await page.getByRole('group', { name: `Operations on ${STACK}` }).getByRole('link', { name: 'Plan' }).click();
  await page.getByRole('heading', { level: 1, name: 'Plan' }).waitFor();
  await page.locator('[data-testid="plan-diff"], [data-testid="plan-empty"], [data-testid="plan-errors"]').first().waitFor({ timeout: 30_000 });
}

test('the window tells the truth about failing instances, stopped stacks, renames and deletes', { timeout: 420_000 }, async (t) => {
  await cleanEngine();
  t.after(cleanEngine);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2etruth-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const [name, yaml] of Object.entries(TEMPLATES)) {
    const file = path.join(dir, `${name}.yaml`);
    fs.writeFileSync(file, yaml);
    await cli('template', 'import', file);
  }
  await cli('stack', 'create', STACK);
  await cli('instance', 'add', STACK, 'web', '--template', 'e2e-unhealthy');

  const app = await launchApp({ path: `/#/stacks/${STACK}` });
  t.after(() => app.close());
  const { page } = app;
  await waitForStatus(page, 'database', 'ok');
  await waitForStatus(page, 'engine', 'ok');
  await page.getByRole('heading', { level: 1, name: STACK }).waitFor();

  // ---- Unhealthy: while apply waits, the step says why; the failure names the probe's output ----
  await openPlan(page);
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  const webStep = page.locator('[data-testid="apply-step"][data-step="web"]');
  await webStep.filter({ hasText: /checks failed: HTTP\/1\.1 404 Not Found/ }).waitFor({ timeout: 60_000 });
  await app.screenshot('apply-waiting-unhealthy');
  await page.locator('[data-testid="apply-panel"][data-state="failed"]').waitFor({ timeout: 120_000 });
  assert.match(await page.getByTestId('apply-error').innerText(), /web unhealthy: HTTP\/1\.1 404 Not Found/);
  await page.locator('[data-testid="apply-step"][data-step="web"][data-tone="error"]').waitFor();
  await app.screenshot('apply-failed-unhealthy');

  // ---- Crash loop: the apply fails with the exit code, the stack shows as crashing ----
  await cli('instance', 'remove', STACK, 'web');
  await cli('instance', 'add', STACK, 'app', '--template', 'e2e-crash');
  await openStack(page);
  await openPlan(page);
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.locator('[data-testid="apply-panel"][data-state="failed"]').waitFor({ timeout: 120_000 });
  // The app's last lines are behind the "Details" disclosure (textContent reads them).
  const crash = await page.getByTestId('apply-error').textContent();
  assert.match(crash, /app exited with code 3/);
  assert.match(crash, /boom from the app/);
  await app.screenshot('apply-failed-crash');
  // Its logs are a button away (the CLI's "devarch logs" line stays in the details).
  await page.getByTestId('apply-logs').click();
  const logs = page.getByTestId('logs-dialog');
  await logs.waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="logs-pane"]')?.textContent?.includes('boom from the app'), null, { timeout: 30_000 });
  await app.screenshot('apply-failed-crash-logs');
  await logs.getByRole('button', { name: 'Close', exact: true }).first().click();
  await logs.waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement?.dataset?.testid), 'apply-logs', 'focus goes back to the Logs button');
  await openStack(page);
  await page.locator('[data-status="degraded"]').first().waitFor({ timeout: 30_000 });
  await dismissToasts(page);
  await app.screenshot('stack-crashing');

  // ---- A stopped stack: its plan shows configuration changes only, and says it stays stopped ----
  await cli('instance', 'remove', STACK, 'app');
  await cli('instance', 'add', STACK, 'site', '--template', 'e2e-site');
  await cli('apply', STACK, '--yes');
  await openStack(page);
  await page.getByRole('group', { name: `Operations on ${STACK}` }).getByRole('button', { name: 'Stop' }).click();
  await page.locator('[data-testid="instance-row-site"] [data-testid="instance-state"][data-status="exited"]').waitFor({ timeout: 60_000 });
  await openPlan(page);
  await page.getByTestId('plan-empty').waitFor();
  await cli('instance', 'set', STACK, 'site', 'environment.MODE=changed');
  await openStack(page);
  await openPlan(page);
  await page.getByTestId('plan-stopped').waitFor();
  assert.equal(await page.locator('[data-testid="plan-action"][data-kind="update"]').count(), 0, 'nothing is started');
  await page.locator('[data-testid="plan-action"][data-kind="replace"][data-instance="site"]').waitFor();
  await app.screenshot('plan-stopped-stack');

  // ---- Rename with containers: refused, naming down ----
  await openStack(page);
  await page.getByRole('button', { name: 'Rename' }).click();
  const rename = page.getByRole('dialog', { name: `Rename ${STACK}` });
  await rename.getByRole('textbox', { name: 'New name' }).fill(`${STACK}2`);
  await rename.getByRole('button', { name: 'Rename' }).click();
  await rename.getByTestId("rename-refused").filter({ hasText: /devarch down e2etruth/ }).waitFor();
  await app.screenshot('stack-rename-refused');
  await rename.getByRole('button', { name: 'Cancel' }).click();

  // ---- Delete: refused while it has containers; taken down and deleted, the user's files and volumes stay ----
  const home = process.env.DEVARCH_HOME;
  const userFile = path.join(home, 'stacks', STACK, 'public', 'index.html');
  fs.writeFileSync(userFile, 'mine');
  await page.getByRole('button', { name: 'Delete' }).click();
  const del = page.getByRole('dialog', { name: `Delete ${STACK}?` });
  await del.getByRole('button', { name: 'Delete stack' }).click();
  await del.getByTestId('delete-refused').waitFor();
  assert.match(await del.getByTestId('delete-refused').innerText(), /still has containers or a network/);
  await del.getByRole('button', { name: 'Take down and delete' }).click();
  await page.getByRole('heading', { level: 1, name: 'Stacks' }).waitFor();
  const toast = page.getByTestId('toasts');
  await toast.getByText(/Its volumes are kept/).waitFor();
  assert.match(await toast.innerText(), /1 file\(s\) of yours are kept/);
  await app.screenshot('stack-deleted-kept');
  assert.equal(fs.readFileSync(userFile, 'utf8'), 'mine', 'the user\'s file survives the delete');
});
