// Plan, apply and live status against the real backend and the real Docker engine: a custom
// idle template, a stack with two instances of it, the plan diff (two creates and the
// network), apply with live progress, a `docker stop` made in a terminal showing up without
// a reload, the drift in the next plan, stop from the toolbar, secrets (set, reveal, hide,
// generate, missing, delete refused) reaching the container through a replace that shows
// them as (sensitive), history, and down.
//
// Only the local test image devarch-test/busybox:1 is used (no registry is reachable); it is
// built by the Go helper when missing.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { launchApp, waitForStatus } from '../lib/app.mjs';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const TEMPLATE = 'e2e-idle';
const STACK = 'e2eapply';
const PROJECT = `devarch-${STACK}`;
const IMAGE = 'devarch-test/busybox:1';
const TOKEN = 'e2e-Secret-value-42';
// A secret used where compose prints the value in its error (extra_hosts).
const HOST_SECRET = 'e2e-Hunter2-host-7x';

const TEMPLATE_YAML = `name: ${TEMPLATE}
category: runtime
description: idle
service:
  image: ${IMAGE}
  command: [sleep, "3600"]
`;

async function docker(...args) {
  const { stdout } = await run('docker', args, { timeout: 60_000 });
  return stdout.trim();
}

/** The test image, built by the Go test helper (a static busybox imported as a root fs) when missing. */
async function ensureImage() {
  try {
    await docker('image', 'inspect', '--format', '{{.Id}}', IMAGE);
    return;
  } catch {
    // Build it below.
  }
  await run('go', ['test', './backend/runtime/runtimetest/', '-run', '^TestBusyboxImage$', '-count=1'], {
    cwd: ROOT,
    timeout: 300_000,
  });
  await docker('image', 'inspect', '--format', '{{.Id}}', IMAGE);
}

/** Removes whatever the spec left in the engine, by its compose project. */
async function cleanEngine() {
  await run('docker', ['compose', '-p', PROJECT, 'down', '-t', '0', '--remove-orphans'], { timeout: 60_000 }).catch(() => {});
  const left = await docker('ps', '-aq', '--filter', `label=com.docker.compose.project=${PROJECT}`).catch(() => '');
  if (left) await run('docker', ['rm', '-f', ...left.split('\n')]).catch(() => {});
}

/** The DevArch CLI on the running app's data (same DEVARCH_HOME as the window). */
async function cli(...args) {
  const bin = process.env.DEVARCH_E2E_BIN;
  assert.ok(bin, 'DEVARCH_E2E_BIN is set by run.sh');
  const { stdout } = await run(bin, args, { timeout: 60_000 });
  return stdout;
}

/** Runs the binary's CLI with stdin (secret values are never arguments). */
function cliIn(stdin, ...args) {
  const bin = process.env.DEVARCH_E2E_BIN;
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${args.join(' ')}: exit ${code}: ${err}`))));
    child.stdin.end(stdin);
  });
}

/** Replaces the text of the CodeMirror editor inside the element with this test id, as one paste. */
async function replaceEditorText(page, testId, text) {
  const content = page.getByTestId(testId).locator('.cm-content');
  const want = text.replace(/\n+$/, '');
  // Under load the lazily loaded editor can miss the first select-all: retry until it holds the text.
  for (let attempt = 0; attempt < 5; attempt++) {
    await content.click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.insertText(text);
    const holds = await page
      .waitForFunction(
        ({ testId, want }) => {
          const el = document.querySelector(`[data-testid="${testId}"] .cm-content`);
          // The whole document: CodeMirror renders only the lines in view.
          const text = el ? ((el.cmTile?.root?.view ?? el.cmView?.view)?.state.doc.toString() ?? [...el.querySelectorAll('.cm-line')].map((l) => l.textContent ?? '').join('\n')) : '';
          return el !== null && text.replace(/\n+$/, '') === want;
        },
        { testId, want },
        { timeout: 2_000 },
      )
      .then(
        () => true,
        () => false,
      );
    if (holds) return;
  }
  throw new Error(`the editor ${testId} did not take the new text`);
}

/** The live state badge of an instance on the stack page. */
const stateOf = (page, instance) => page.getByTestId(`instance-row-${instance}`).getByTestId('instance-state');

async function waitForState(page, instance, state, timeout = 30_000) {
  await page.locator(`[data-testid="instance-row-${instance}"] [data-testid="instance-state"][data-status="${state}"]`).waitFor({ timeout });
}

/** Closes the notifications, so screenshots show the page under them. */
async function dismissToasts(page) {
  const buttons = page.getByTestId('toasts').getByRole('button', { name: 'Dismiss notification' });
  while ((await buttons.count()) > 0) await buttons.first().click();
}

/** A screenshot without the notifications over it. */
async function shot(app, name) {
  await dismissToasts(app.page);
  await app.screenshot(name);
}

async function addInstance(page, name, first) {
  await page.getByRole('button', first ? { name: 'Add your first instance' } : { name: 'Add instance', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: `Add an instance to ${STACK}` });
  await dialog.getByRole('searchbox', { name: 'Search templates' }).fill(TEMPLATE);
  await dialog.getByTestId(`template-option-${TEMPLATE}`).click();
  await dialog.getByRole('textbox', { name: 'Instance name' }).fill(name);
  await dialog.getByRole('button', { name: 'Add instance' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByTestId(`instance-row-${name}`).waitFor();
}

async function openPlan(page) {
  await page.getByRole('group', { name: `Operations on ${STACK}` }).getByRole('link', { name: 'Plan' }).click();
  await page.getByRole('heading', { level: 1, name: 'Plan' }).waitFor();
  await page.locator('[data-testid="plan-diff"], [data-testid="plan-empty"], [data-testid="plan-errors"]').first().waitFor({ timeout: 30_000 });
}

async function backToStack(page) {
  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: STACK }).click();
  await page.getByRole('heading', { level: 1, name: STACK }).waitFor();
}

test('plan, apply with live progress, live status of a docker stop, stop, secrets, down', { timeout: 420_000 }, async (t) => {
  await ensureImage();
  await cleanEngine();
  t.after(cleanEngine);

  const app = await launchApp({ path: '/#/templates' });
  t.after(() => app.close());
  const { page } = app;
  await waitForStatus(page, 'database', 'ok');
  await waitForStatus(page, 'engine', 'ok');

  // ---- A custom idle template, a stack, two instances of it ----
  await page.getByRole('heading', { level: 1, name: 'Templates' }).waitFor();
  await page.getByRole('button', { name: 'New template' }).click();
  const editor = page.getByRole('dialog', { name: 'New template' });
  await editor.getByTestId('template-yaml').locator('.cm-content').waitFor();
  await replaceEditorText(page, 'template-yaml', TEMPLATE_YAML);
  await editor.getByRole('button', { name: 'Create template' }).click();
  await editor.waitFor({ state: 'detached' });
  await page.getByTestId(`template-card-${TEMPLATE}`).waitFor();

  await page.getByRole('link', { name: 'Stacks' }).click();
  await page.getByRole('button', { name: 'New stack' }).first().click();
  const create = page.getByRole('dialog', { name: 'New stack' });
  await create.getByRole('textbox', { name: 'Name' }).fill(STACK);
  await create.getByRole('button', { name: 'Create stack' }).click();
  await page.getByRole('heading', { level: 1, name: STACK }).waitFor();
  await addInstance(page, 'app', true);
  await addInstance(page, 'worker', false);
  await waitForState(page, 'app', 'not created');
  assert.equal(await stateOf(page, 'worker').innerText(), 'Not created');

  // ---- The plan: two creates and the network ----
  await openPlan(page);
  const diff = page.getByTestId('plan-diff');
  const creates = diff.locator('[data-testid="plan-action"][data-kind="create"]');
  assert.equal(await creates.count(), 2, 'two instances to create');
  assert.deepEqual(await creates.evaluateAll((cards) => cards.map((card) => card.dataset.instance)).then((names) => names.sort()), ['app', 'worker']);
  const appCard = diff.locator('[data-testid="plan-action"][data-instance="app"]');
  assert.match(await appCard.innerText(), /create\s+app\s+devarch-e2eapply-app/);
  assert.match(await appCard.innerText(), /new instance/);
  const network = diff.locator('[data-testid="plan-action"][data-kind="create-network"]');
  assert.match(await network.innerText(), /create network\s+devarch-e2eapply-net/);
  assert.match(await network.innerText(), /new stack/);
  assert.equal(await page.getByTestId('plan-summary').innerText(), 'Plan: 3 to add, 0 to change, 0 to destroy.');
  const apply = page.getByRole('button', { name: 'Apply', exact: true });
  assert.equal(await apply.isEnabled(), true);
  await shot(app, 'plan');

  // The CLI's rendering, on request.
  await page.getByRole('button', { name: 'Show as text' }).click();
  const planText = await page.getByTestId('plan-text').innerText();
  assert.match(planText, /\+ create network devarch-e2eapply-net/);
  assert.match(planText, /\+ create app \(devarch-e2eapply-app\)/);
  assert.match(planText, /Plan: 3 to add, 0 to change, 0 to destroy\./);
  await shot(app, 'plan-text');
  await page.getByRole('button', { name: 'Show as text' }).click();
  await diff.waitFor();

  // ---- Apply, with live progress ----
  await apply.click();
  const panel = page.getByTestId('apply-panel');
  await panel.waitFor();
  // Caught mid-run when the engine is slow enough; otherwise it shows the finished rows.
  await panel.locator('[data-testid="apply-step"][data-tone="active"], [data-testid="apply-step"][data-tone="done"]').first().waitFor({ timeout: 10_000 });
  await app.screenshot('apply-progress');
  await page.locator('[data-testid="apply-panel"][data-state="succeeded"]').waitFor({ timeout: 120_000 });
  for (const name of ['app', 'worker']) {
    const step = panel.locator(`[data-testid="apply-step"][data-step="${name}"]`);
    assert.equal(await step.getAttribute('data-tone'), 'done', `${name} is done`);
    assert.match(await step.innerText(), /Started|Running|Healthy/, `${name} reached Started ("Running" without a healthcheck)`);
  }
  // The log folds away when the apply succeeded; it opens on request.
  await panel.locator('.apply-log > summary').click();
  const log = await panel.getByRole('log', { name: 'Apply log' }).evaluate((element) => element.textContent ?? '');
  assert.match(log, /app\s*Started/);
  assert.match(log, /worker\s*Started/);
  assert.match(await panel.getByRole('heading', { level: 2 }).innerText(), /Applied plan #\d+/);
  assert.equal(await apply.isDisabled(), true, 'a plan is applied once');
  await shot(app, 'apply-done');

  // ---- The stack page shows both running ----
  await panel.getByRole('link', { name: `Back to ${STACK}` }).click();
  await page.getByRole('heading', { level: 1, name: STACK }).waitFor();
  await waitForState(page, 'app', 'running');
  await waitForState(page, 'worker', 'running');
  await page.locator('.page-header [data-status="running"]').waitFor();
  await shot(app, 'stack-running');

  // ---- docker stop in a terminal: the page follows without a reload ----
  await page.evaluate(() => {
    window.__e2eNoReload = true;
  });
  await docker('stop', '-t', '1', `${PROJECT}-app`);
  await waitForState(page, 'app', 'exited', 20_000);
  assert.equal(await stateOf(page, 'app').innerText(), 'Stopped');
  assert.equal(await stateOf(page, 'worker').getAttribute('data-status'), 'running');
  await page.locator('.page-header [data-status="partial"]').waitFor();
  assert.equal(await page.evaluate(() => window.__e2eNoReload), true, 'the page was not reloaded');
  await shot(app, 'stack-live-stopped');

  // ---- The next plan shows the drift ----
  await openPlan(page);
  const update = page.locator('[data-testid="plan-action"][data-kind="update"][data-instance="app"]');
  await update.waitFor();
  assert.match(await update.innerText(), /update in place\s+app/);
  assert.match(await update.innerText(), /stopped outside DevArch/);
  assert.equal(await page.locator('[data-testid="plan-action"]').count(), 1, 'only app changes');
  assert.equal(await page.getByTestId('plan-summary').innerText(), 'Plan: 0 to add, 1 to change, 0 to destroy.');
  await page.getByRole('button', { name: 'Show as text' }).click();
  assert.match(await page.getByTestId('plan-text').innerText(), /~ update in place app \(devarch-e2eapply-app\)\n\s+cause: stopped outside DevArch/);
  await page.getByRole('button', { name: 'Show as text' }).click();
  await shot(app, 'plan-drift');

  // ---- Stop from the toolbar ----
  await backToStack(page);
  const ops = page.getByRole('group', { name: `Operations on ${STACK}` });
  await ops.getByRole('button', { name: 'Stop' }).click();
  const stopping = page.getByTestId('operation-progress');
  await stopping.waitFor();
  assert.match(await stopping.innerText(), /Stopping e2eapply…/);
  // compose's own progress, live: "Container devarch-e2eapply-worker  Stopping".
  const workerStep = stopping.locator('.op-progress__step[data-instance="worker"]');
  await workerStep.waitFor({ timeout: 8_000 });
  assert.match(await workerStep.innerText(), /worker Stopping/);
  await shot(app, 'stack-stopping');
  await waitForState(page, 'worker', 'exited', 60_000);
  await page.getByTestId('operation-progress').waitFor({ state: 'detached', timeout: 60_000 });
  await waitForState(page, 'app', 'exited');
  assert.equal(await stateOf(page, 'app').innerText(), 'Stopped');
  assert.equal(await stateOf(page, 'worker').innerText(), 'Stopped');
  await page.locator('.page-header [data-status="stopped"]').waitFor();
  await shot(app, 'stack-stopped');

  // ---- Start from the toolbar: the stack is meant to run again (a stopped stack's plans
  // would only create its containers, not start them) ----
  await ops.getByRole('button', { name: 'Start' }).click();
  await page.getByTestId('operation-progress').waitFor({ state: 'detached', timeout: 60_000 });
  await waitForState(page, 'app', 'running', 60_000);
  await waitForState(page, 'worker', 'running', 60_000);

  // ---- Secrets: referenced from overrides (by the CLI), missing, then set and generated ----
  await cli('instance', 'set', STACK, 'worker', 'environment.API_TOKEN=${secret:api_token}', 'environment.DB_PASSWORD=${secret:db_password}');
  await page.getByRole('tab', { name: 'Secrets' }).click();
  const secretsPanel = page.getByTestId('secrets-panel');
  const tokenRow = secretsPanel.getByTestId('secret-row-api_token');
  await tokenRow.waitFor();
  assert.equal(await tokenRow.getByTestId('secret-missing').innerText(), 'Missing');
  assert.match(await tokenRow.innerText(), /worker\s+environment\.API_TOKEN/);
  await secretsPanel.getByTestId('secrets-missing').waitFor();

  // A plan with missing secrets cannot be applied.
  await openPlan(page);
  const planErrors = page.getByTestId('plan-errors');
  await planErrors.waitFor();
  assert.match(await planErrors.innerText(), /Plan cannot be applied/);
  assert.match(await planErrors.innerText(), /api_token/);
  // Each error is shown with what it is about: the instance (a link to it) and the field.
  const missing = planErrors.locator('[data-testid="plan-diagnostic"][data-instance="worker"][data-path="environment.API_TOKEN"]');
  assert.equal(await missing.count(), 1);
  assert.match(await missing.getByRole('link', { name: 'worker' }).getAttribute('href'), /instances\/worker$/);
  assert.equal(await page.getByRole('button', { name: 'Apply', exact: true }).isDisabled(), true);
  await shot(app, 'plan-errors');
  await backToStack(page);
  await page.getByRole('tab', { name: 'Secrets' }).click();

  // Set one by typing its value.
  await tokenRow.getByRole('button', { name: 'Set api_token' }).click();
  let dialog = page.getByRole('dialog', { name: 'Set api_token' });
  await dialog.getByLabel('Value').fill(TOKEN);
  assert.equal(await dialog.getByLabel('Value').getAttribute('type'), 'password');
  await dialog.getByRole('button', { name: 'Save secret' }).click();
  await dialog.waitFor({ state: 'detached' });
  await tokenRow.getByTestId('secret-mask').waitFor();
  assert.equal(await tokenRow.getByTestId('secret-missing').count(), 0);

  // Reveal shows it, Hide takes it off the page.
  await tokenRow.getByRole('button', { name: 'Reveal api_token' }).click();
  assert.equal(await tokenRow.getByTestId('secret-value').innerText(), TOKEN);
  await shot(app, 'secrets-revealed');
  await tokenRow.getByRole('button', { name: 'Hide api_token' }).click();
  await tokenRow.getByTestId('secret-mask').waitFor();
  assert.equal(await page.content().then((html) => html.includes(TOKEN)), false, 'the value is gone from the page');

  // Generate the other one instead of typing it.
  await secretsPanel.getByTestId('secret-row-db_password').getByRole('button', { name: 'Set db_password' }).click();
  dialog = page.getByRole('dialog', { name: 'Set db_password' });
  await dialog.getByRole('button', { name: 'Generate strong value' }).click();
  await dialog.waitFor({ state: 'detached' });
  await secretsPanel.getByTestId('secret-row-db_password').getByTestId('secret-mask').waitFor();
  await secretsPanel.getByTestId('secrets-missing').waitFor({ state: 'detached' });

  // Add one nobody uses, and delete it; deleting one in use is refused, naming its user.
  await secretsPanel.getByRole('button', { name: 'Add secret' }).click();
  dialog = page.getByRole('dialog', { name: `Add a secret to ${STACK}` });
  const nameInput = dialog.getByRole('textbox', { name: 'Name' });
  await nameInput.fill('Bad-Name');
  assert.match(await dialog.innerText(), /Use lower-case letters only/);
  await nameInput.fill('e2e_unused');
  await dialog.getByLabel('Value').fill('unused');
  await dialog.getByRole('button', { name: 'Save secret' }).click();
  await dialog.waitFor({ state: 'detached' });
  await secretsPanel.getByTestId('secret-row-e2e_unused').waitFor();
  await shot(app, 'secrets');
  await page.emulateMedia({ colorScheme: 'dark' });
  await app.screenshot('secrets-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await secretsPanel.getByRole('button', { name: 'Delete secret api_token' }).click();
  let confirm = page.getByRole('dialog', { name: 'Delete secret api_token?' });
  await confirm.getByRole('button', { name: 'Delete secret' }).click();
  const refused = confirm.getByTestId('delete-secret-refused');
  await refused.waitFor();
  assert.match(await refused.innerText(), /worker/);
  assert.equal(await page.getByRole('alert').filter({ hasText: 'Could not delete' }).count(), 0, 'no toast on top');
  await app.screenshot('secret-delete-refused'); // modal: the notifications stay behind it
  await confirm.getByRole('button', { name: 'Close' }).first().click();
  await secretsPanel.getByRole('button', { name: 'Delete secret e2e_unused' }).click();
  confirm = page.getByRole('dialog', { name: 'Delete secret e2e_unused?' });
  await confirm.getByRole('button', { name: 'Delete secret' }).click();
  await secretsPanel.getByTestId('secret-row-e2e_unused').waitFor({ state: 'detached' });

  // ---- The plan replaces worker, showing the secret fields as (sensitive); apply delivers them ----
  await openPlan(page);
  const replace = page.locator('[data-testid="plan-action"][data-kind="replace"][data-instance="worker"]');
  await replace.waitFor();
  const changes = replace.getByTestId('plan-changes');
  assert.match(await changes.locator('tr[data-path="environment.API_TOKEN"]').innerText(), /none\s*→\s*sensitive/);
  assert.equal(await changes.getByTestId('sensitive').count(), 2);
  assert.equal(await page.content().then((html) => html.includes(TOKEN)), false, 'no secret value in the plan');
  assert.equal(await page.locator('[data-testid="plan-action"][data-instance="app"]').count(), 0, 'app is running and unchanged');
  await shot(app, 'plan-sensitive');
  await page.emulateMedia({ colorScheme: 'dark' });
  await app.screenshot('plan-sensitive-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.locator('[data-testid="apply-panel"][data-state="succeeded"]').waitFor({ timeout: 120_000 });
  const printenv = (name) => docker('exec', `${PROJECT}-worker`, 'sh', '-c', `echo "$${name}"`);
  assert.equal(await printenv('API_TOKEN'), TOKEN, 'the container got the value');
  const generated = await printenv('DB_PASSWORD');
  assert.match(generated, /^[A-Za-z0-9_-]{32,}$/, 'a strong generated value');

  // ---- A secret where compose prints values: the plan warns, the failed apply shows compose's
  // message with the value (and any piece of it) redacted ----
  await cliIn(HOST_SECRET, 'secret', 'set', STACK, 'e2e_host');
  await cli('instance', 'set', STACK, 'worker', 'extra_hosts=["${secret:e2e_host}"]');
  await backToStack(page);
  await openPlan(page);
  const warnings = page.getByTestId('plan-warnings');
  await warnings.waitFor();
  assert.match(await warnings.innerText(), /secret e2e_host is used outside an environment variable/);
  await shot(app, 'plan-warning');
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.locator('[data-testid="apply-panel"][data-state="failed"]').waitFor({ timeout: 120_000 });
  const failure = await page.getByTestId('apply-panel').innerText();
  assert.match(failure, /\(sensitive\)/, 'compose\'s message is shown, redacted');
  assert.equal((await page.content()).includes('Hunter2'), false, 'no piece of the value on the page');
  await shot(app, 'apply-failed-redacted');
  await cli('instance', 'set', STACK, 'worker', '--unset', 'extra_hosts');

  // ---- No plaintext in the app's logs or anywhere under its data home ----
  const leaks = [];
  const scan = (file) => {
    let text;
    try { text = fs.readFileSync(file, 'latin1'); } catch { return; }
    for (const secret of [TOKEN, generated, HOST_SECRET, 'Hunter2']) if (text.includes(secret)) leaks.push(`${file}: ${secret}`);
  };
  const walk = (dir) => {
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // PostgreSQL creates and removes temporary directories while we walk
    }
    for (const entry of entries) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile()) scan(p);
    }
  };
  walk(process.env.DEVARCH_HOME);
  scan(path.join(process.env.DEVARCH_E2E_OUT, 'app.log'));
  assert.deepEqual(leaks, [], 'secret values must not appear in logs or data files');

  // ---- History: every run, newest first ----
  await backToStack(page);
  await page.getByRole('group', { name: `Operations on ${STACK}` }).getByRole('button', { name: 'History' }).click();
  const history = page.getByTestId('history-table');
  await history.waitFor();
  const operations = await history.locator('tbody tr td:nth-child(2)').allInnerTexts();
  assert.deepEqual(operations, ['Apply', 'Apply', 'Start', 'Stop', 'Apply']);
  assert.equal(await history.locator('tbody .badge[data-status="succeeded"]').count(), 4);
  assert.equal(await history.locator('tbody .badge[data-status="failed"]').count(), 1);
  assert.equal((await history.innerText()).includes('Hunter2'), false, 'history keeps no piece of the value');
  await shot(app, 'history');

  // ---- Down asks first, then removes the containers ----
  await page.getByRole('tab', { name: 'Instances' }).click();
  await page.getByRole('group', { name: `Operations on ${STACK}` }).getByRole('button', { name: 'Down' }).click();
  const down = page.getByRole('dialog', { name: `Down ${STACK}?` });
  assert.match(await down.innerText(), /removes containers and network; volumes keep your data/i);
  await down.getByRole('button', { name: 'Down stack' }).click();
  await waitForState(page, 'app', 'not created', 60_000);
  await waitForState(page, 'worker', 'not created', 60_000);
  assert.equal(await docker('ps', '-aq', '--filter', `label=com.docker.compose.project=${PROJECT}`), '', 'no containers left');

  // ---- The stacks list follows live too ----
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Stacks' }).click();
  const row = page.getByRole('row', { name: new RegExp(STACK) });
  await row.waitFor();
  // Down leaves no container: the stack reads as not applied (it was "Stopped" before issue 10).
  assert.match(await row.innerText(), /Not applied yet/);

  // Leave nothing behind for the other specs.
  await page.getByRole('link', { name: STACK, exact: true }).click();
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await page.getByRole('dialog', { name: `Delete ${STACK}?` }).getByRole('button', { name: 'Delete stack' }).click();
  await page.getByRole('heading', { level: 1, name: 'Stacks' }).waitFor();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Templates' }).click();
  await page.getByRole('button', { name: `Delete ${TEMPLATE}` }).click();
  await page.getByRole('dialog', { name: `Delete template ${TEMPLATE}?` }).getByRole('button', { name: 'Delete template' }).click();
  await page.getByTestId(`template-card-${TEMPLATE}`).waitFor({ state: 'detached' });

  assert.deepEqual(app.problems, [], 'no page errors, console errors or failed requests');
});
