// A stack on another engine, in the window: the header names the engine, its endpoint and
// whether it answers; "Change…" moves the stack to a docker context (an unknown one is refused
// at the field); the header says a move is pending and links to the plan, whose removals say
// "on engine default"; applying moves the containers and the header shows the new engine as
// reachable; the stacks list labels the stack; an instance's port URL opens through the Wails
// runtime. Then back to the default engine, at 1920x1080 in the dark theme.
//
// The docker context points at the SAME local daemon (no second engine is needed to move a
// stack: the removals and creations still happen, one engine name after the other). It is
// created in the app's own HOME (run.sh gives the app and the specs the same HOME and no
// DOCKER_CONFIG, so both read $HOME/.docker) and removed at the end. Every name carries the
// tag "hui". Only the local test image devarch-test/busybox:1 is used.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { launchApp, waitForStatus } from '../lib/app.mjs';
import { IMAGE, ensureImage } from '../lib/engine.mjs';

const run = promisify(execFile);
const STACK = 'hui-eng';
const PROJECT = `devarch-${STACK}`;
const TEMPLATE = 'hui-idle';
const CONTEXT = `hui-ctx-${process.pid}`;
const UNKNOWN = `hui-nope-${process.pid}`;
const SOCKET = 'unix:///var/run/docker.sock';

async function cli(...args) {
  const bin = process.env.DEVARCH_E2E_BIN;
  assert.ok(bin, 'DEVARCH_E2E_BIN is set by run.sh');
  const { stdout } = await run(bin, args, { timeout: 120_000 });
  return stdout;
}

async function docker(...args) {
  const { stdout } = await run('docker', args, { timeout: 60_000 });
  return stdout.trim();
}

/** A TCP port nothing listens on now, for the instance's fixed host port. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function cleanup() {
  await cli('stack', 'delete', STACK, '--force', '--volumes').catch(() => {});
  await run('docker', ['compose', '-p', PROJECT, 'down', '-t', '0', '--remove-orphans', '--volumes'], { timeout: 60_000 }).catch(() => {});
  const left = await docker('ps', '-aq', '--filter', `label=com.docker.compose.project=${PROJECT}`).catch(() => '');
  if (left) await run('docker', ['rm', '-f', ...left.split('\n')]).catch(() => {});
}

async function dismissToasts(page) {
  const buttons = page.getByTestId('toasts').getByRole('button', { name: 'Dismiss notification' });
  while ((await buttons.count()) > 0) await buttons.first().click();
}

async function shot(app, name) {
  await dismissToasts(app.page);
  await app.screenshot(name);
}

async function openStack(page) {
  await page.goto(new URL(`#/stacks/${STACK}`, page.url()).toString());
  await page.getByRole('heading', { level: 1, name: STACK }).waitFor();
  await page.getByTestId('stack-engine').waitFor();
}

/** Opens the engine dialog from the header and types a context into it. */
async function chooseEngine(page, context) {
  await page.getByRole('button', { name: `Change the engine of ${STACK}` }).click();
  const dialog = page.getByRole('dialog', { name: `Engine of ${STACK}` });
  await dialog.waitFor();
  const input = dialog.getByRole('combobox', { name: 'Docker context' });
  // The field suggests this machine's docker contexts: the default and the spec's own.
  for (const name of ['default', CONTEXT]) {
    await dialog.locator(`datalist option[value="${name}"]`).waitFor({ state: 'attached' });
  }
  await input.fill(context);
  await dialog.getByRole('button', { name: 'Save engine' }).click();
  return { dialog, input };
}

/** The header's engine item once it names this engine (the page refetches after a change). */
async function engineItem(page, engine) {
  const item = page.locator(`[data-testid="stack-engine"][data-engine="${engine}"]`);
  await item.waitFor({ timeout: 30_000 });
  return item;
}

/** The move's plan: every removal names the engine it happens on, nothing else does. */
async function checkMovePlan(page, from) {
  await page.getByTestId('engine-move').getByRole('link', { name: 'Review the move' }).click();
  await page.getByRole('heading', { level: 1, name: 'Plan' }).waitFor();
  await page.getByTestId('plan-diff').waitFor({ timeout: 60_000 });
  const removals = page.locator('[data-testid="plan-action"][data-kind^="remove"]');
  const removeWeb = page.locator('[data-testid="plan-action"][data-kind="remove"][data-instance="web"]');
  await removeWeb.waitFor();
  assert.equal(await removeWeb.getAttribute('data-engine'), from);
  assert.match(await removeWeb.locator('.plan-action__title').innerText(), new RegExp(`remove\\s+web\\s+${PROJECT}-web\\s+on engine ${from}\\s*$`));
  const removeNet = page.locator('[data-testid="plan-action"][data-kind="remove-network"]');
  assert.match(await removeNet.locator('.plan-action__title').innerText(), new RegExp(`on engine ${from}\\s*$`));
  for (const engine of await removals.evaluateAll((cards) => cards.map((card) => card.dataset.engine))) assert.equal(engine, from);
  // What is made on the new engine names no engine: it is the stack's own.
  const makes = page.locator('[data-testid="plan-action"]:not([data-kind^="remove"])');
  assert.equal(await makes.locator('[data-testid="plan-action-engine"]').count(), 0, 'actions on the stack\'s own engine name no engine');
  const kinds = await makes.evaluateAll((cards) => cards.filter((card) => card.dataset.instance === 'web').map((card) => card.dataset.kind));
  return kinds.some((kind) => kind === 'create' || kind === 'replace');
}

/**
 * After a move's apply: web runs on the new engine. The context here is the SAME daemon as
 * the default engine: the new engine sees the very container the move removes, and the
 * move's plan must still create web there (it once planned removals only).
 */
async function webRunsAfterMove(page, madeInMovePlan) {
  assert.ok(madeInMovePlan, 'the move plan creates web on the new engine');
  const state = page.locator('[data-testid="instance-row-web"] [data-testid="instance-state"]');
  await page.locator('[data-testid="instance-row-web"] [data-testid="instance-state"][data-status="running"]').waitFor({ timeout: 60_000 });
  assert.equal(await state.getAttribute('data-status'), 'running');
  assert.equal(await docker('inspect', '--format', '{{.State.Running}}', `${PROJECT}-web`), 'true');
}

async function applyPlan(page) {
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.locator('[data-testid="apply-panel"][data-state="succeeded"]').waitFor({ timeout: 180_000 });
}

test('a stack moves to a docker context and back, and the window shows its engine all along', { timeout: 600_000 }, async (t) => {
  await ensureImage();
  await cleanup();
  t.after(cleanup);
  assert.ok(process.env.DEVARCH_HOME && process.env.HOME !== os.userInfo().homedir, `the spec runs with the app's private HOME (got ${process.env.HOME})`);
  assert.equal(process.env.DOCKER_CONFIG, undefined, 'the app reads contexts from $HOME/.docker');
  await run('docker', ['context', 'rm', '-f', CONTEXT]).catch(() => {});
  await docker('context', 'create', CONTEXT, '--description', 'DevArch e2e (hui): the local daemon', '--docker', `host=${SOCKET}`);
  t.after(() => run('docker', ['context', 'rm', '-f', CONTEXT]).catch(() => {}));
  assert.ok(fs.existsSync(path.join(process.env.HOME, '.docker', 'contexts', 'meta')), 'the context is in the app\'s HOME');

  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hui-eng-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const templateFile = path.join(dir, `${TEMPLATE}.yaml`);
  fs.writeFileSync(
    templateFile,
    `name: ${TEMPLATE}
category: runtime
description: idle, one published port
service:
  image: ${IMAGE}
  command: [sleep, "3600"]
  init: true
  stop_grace_period: 1s
  ports: ["${port}:8080"]
`,
  );
  await cli('template', 'import', templateFile, '--replace');
  await cli('stack', 'create', STACK, '--description', 'moves between engines');
  await cli('instance', 'add', STACK, 'web', '--template', TEMPLATE);
  await cli('apply', STACK, '--yes');

  // ---------- 1024x700, light ----------
  const app = await launchApp({ path: `/#/stacks/${STACK}`, viewport: { width: 1024, height: 700 }, colorScheme: 'light' });
  t.after(() => app.close());
  const { page } = app;
  await waitForStatus(page, 'database', 'ok');
  await waitForStatus(page, 'engine', 'ok');
  await page.getByRole('heading', { level: 1, name: STACK }).waitFor();

  // The default engine is quiet: its name, no endpoint, no badge.
  const onDefault = await engineItem(page, 'default');
  assert.match(await onDefault.innerText(), /^Engine\s+default\s+Change…$/);
  assert.match(await onDefault.getAttribute('title'), new RegExp(`at ${SOCKET.replace(/[/.]/g, '\\$&')}; it publishes host ports on 127\\.0\\.0\\.1`));
  assert.equal(await page.getByTestId('engine-move').count(), 0);

  // The instance's port URL: a link that goes to the Wails runtime's BrowserOpenURL.
  const url = `http://127.0.0.1:${port}`;
  const link = page.getByTestId('instance-row-web').getByRole('link', { name: `Open web at ${url} in the browser` });
  assert.equal(await link.getAttribute('href'), url);
  assert.equal((await link.innerText()).trim(), `127.0.0.1:${port}`);
  const hadRuntime = await page.evaluate(() => {
    const had = typeof window.runtime?.BrowserOpenURL === 'function';
    window.__opened = [];
    window.runtime = { ...(window.runtime ?? {}), BrowserOpenURL: (u) => window.__opened.push(u) };
    return had;
  });
  assert.ok(hadRuntime, 'the page has the Wails runtime (the desktop window opens links through it)');
  await link.click();
  assert.deepEqual(await page.evaluate(() => window.__opened), [url]);
  assert.equal(app.context.pages().length, 1, 'no second window or tab');
  await shot(app, 'engines-default-1024-light');

  // An unknown context: refused at the field, with the way out; nothing changes.
  const { dialog, input } = await chooseEngine(page, UNKNOWN);
  const fieldError = dialog.getByTestId('field-error');
  await fieldError.waitFor();
  assert.match(await fieldError.innerText(), new RegExp(`docker context "${UNKNOWN}" does not exist`));
  assert.match(await fieldError.innerText(), /docker context ls/);
  assert.equal(await input.getAttribute('aria-invalid'), 'true');
  assert.equal(await page.getByTestId('toasts').getByText('Could not change the engine').count(), 0, 'the refusal is not toasted');
  await app.screenshot('engines-unknown-context-1024-light');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  await engineItem(page, 'default');

  // The context: the stack belongs on it now; its containers are still on default.
  const chosen = await chooseEngine(page, CONTEXT);
  await chosen.dialog.waitFor({ state: 'detached', timeout: 30_000 });
  const onContext = await engineItem(page, CONTEXT);
  assert.equal((await onContext.getByTestId('engine-endpoint').innerText()).trim(), SOCKET);
  assert.equal((await onContext.getByTestId('engine-health').innerText()).trim(), 'reachable');
  const notice = page.getByTestId('engine-move');
  await notice.waitFor();
  assert.match(await notice.innerText(), /Its containers are still on default: apply to move them/);
  assert.match(await notice.innerText(), /Named volumes stay on default/);
  await shot(app, 'engines-move-pending-1024-light');

  // The stacks list labels it.
  await page.goto(new URL('#/stacks', page.url()).toString());
  const label = page.getByRole('row', { name: new RegExp(STACK) }).getByTestId('stack-engine-label');
  await label.waitFor();
  assert.match(await label.innerText(), new RegExp(`^\\s*(Engine\\s+)?${CONTEXT}\\s*$`));
  await shot(app, 'engines-list-1024-light');

  // The plan: removals on engine default, creations on the context; apply moves them.
  await openStack(page);
  const madeThere = await checkMovePlan(page, 'default');
  await shot(app, 'engines-plan-1024-light');
  await applyPlan(page);
  await openStack(page);
  const moved = await engineItem(page, CONTEXT);
  assert.equal(await moved.getAttribute('data-healthy'), 'true');
  assert.equal((await moved.getByTestId('engine-health').innerText()).trim(), 'reachable');
  await page.getByTestId('engine-move').waitFor({ state: 'detached', timeout: 30_000 });
  await webRunsAfterMove(page, madeThere);
  await shot(app, 'engines-moved-1024-light');
  assert.deepEqual(app.problems, []);

  // ---------- 1920x1080, dark: back to the default engine ----------
  const dark = await launchApp({ path: `/#/stacks/${STACK}`, viewport: { width: 1920, height: 1080 }, colorScheme: 'dark' });
  t.after(() => dark.close());
  await waitForStatus(dark.page, 'engine', 'ok');
  await openStack(dark.page);
  await engineItem(dark.page, CONTEXT);
  await shot(dark, 'engines-moved-1920-dark');
  const back = await chooseEngine(dark.page, 'default');
  await back.dialog.waitFor({ state: 'detached', timeout: 30_000 });
  await engineItem(dark.page, 'default');
  assert.match(await dark.page.getByTestId('engine-move').innerText(), new RegExp(`Its containers are still on ${CONTEXT}: apply to move them`));
  await shot(dark, 'engines-move-back-1920-dark');
  const madeBack = await checkMovePlan(dark.page, CONTEXT);
  await shot(dark, 'engines-plan-back-1920-dark');
  await applyPlan(dark.page);
  await openStack(dark.page);
  await engineItem(dark.page, 'default');
  await dark.page.getByTestId('engine-move').waitFor({ state: 'detached', timeout: 30_000 });
  await webRunsAfterMove(dark.page, madeBack);
  assert.equal(await dark.page.getByTestId('engine-health').count(), 0, 'a healthy default engine is quiet again');
  assert.deepEqual(dark.problems, []);
});
