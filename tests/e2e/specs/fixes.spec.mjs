// A plan's problems come with the control that fixes them (issue 10 item 9), the CLI command
// secondary: a missing secret has "Set secret", which opens the secret dialog for that name,
// and once saved the re-planned stack can be applied; a host port held by another stack has
// a link to the instance's ports, which lands in the ports editor, and a new port there
// clears the clash.
//
// Setup goes through the binary's CLI on the app's own data home; what is checked is what
// the window shows. Only the local test image devarch-test/busybox:1 is used.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { launchApp, waitForStatus } from '../lib/app.mjs';
import { cleanEngine as cleanStack, cli, freePort } from '../lib/showcase.mjs';

const SECRET_STACK = 'fxsecret';
const HOLDER = 'fxhold';
const CLASH = 'fxclash';
const DEFAULTS = 'fxdefpw';
const STACKS = [SECRET_STACK, HOLDER, CLASH, DEFAULTS];

async function cleanEngine() {
  for (const stack of STACKS) await cleanStack(stack);
}

async function openPlan(page, stack) {
  await page.goto(new URL(`#/stacks/${stack}/plan`, page.url()).toString());
  await page.getByRole('heading', { level: 1, name: 'Plan' }).waitFor();
  await page.locator('[data-testid="plan-diff"], [data-testid="plan-empty"], [data-testid="plan-errors"]').first().waitFor({ timeout: 30_000 });
}

/** Waits until the plan page is not re-planning. */
async function planSettled(page) {
  await page.waitForFunction(() => !document.querySelector('.plan-body.is-refreshing') && document.querySelector('[data-testid="plan-id"]'), null, {
    timeout: 30_000,
  });
}

test('plan problems offer the control that fixes them, with the CLI command secondary', { timeout: 420_000 }, async (t) => {
  await cleanEngine();
  t.after(cleanEngine);
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fxfixes-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const templates = {
    'fx-token': `name: fx-token
category: runtime
description: idle, needs a token
service:
  image: devarch-test/busybox:1
  command: [sleep, "3600"]
  init: true
  stop_grace_period: 1s
  environment:
    API_TOKEN: \${secret:fx_token}
`,
    'fx-web': `name: fx-web
category: runtime
description: idle, publishes a host port
service:
  image: devarch-test/busybox:1
  command: [sleep, "3600"]
  init: true
  stop_grace_period: 1s
  ports: ["127.0.0.1:${port}:80"]
`,
  };
  for (const [name, yaml] of Object.entries(templates)) {
    const file = path.join(dir, `${name}.yaml`);
    fs.writeFileSync(file, yaml);
    await cli('template', 'import', file);
  }
  await cli('stack', 'create', SECRET_STACK);
  await cli('instance', 'add', SECRET_STACK, 'api', '--template', 'fx-token');
  await cli('stack', 'create', HOLDER);
  await cli('instance', 'add', HOLDER, 'web', '--template', 'fx-web');
  await cli('apply', HOLDER, '--yes');
  await cli('stack', 'create', CLASH);
  await cli('instance', 'add', CLASH, 'web', '--template', 'fx-web');

  const app = await launchApp({ path: `/#/stacks/${SECRET_STACK}` });
  t.after(() => app.close());
  const { page } = app;
  await waitForStatus(page, 'database', 'ok');
  await waitForStatus(page, 'engine', 'ok');
  await page.getByRole('heading', { level: 1, name: SECRET_STACK }).waitFor();

  // ---- A missing secret: "Set secret" opens the dialog for it; saved, the plan can apply ----
  await openPlan(page, SECRET_STACK);
  const missing = page.locator('[data-testid="plan-errors"] [data-testid="plan-diagnostic"][data-instance="api"][data-path="environment.API_TOKEN"]');
  await missing.waitFor();
  assert.match(await missing.innerText(), /secret fx_token does not exist/);
  const apply = page.getByRole('button', { name: 'Apply', exact: true });
  assert.equal(await apply.isDisabled(), true, 'a plan with a missing secret cannot be applied');
  const setButton = missing.getByRole('button', { name: 'Set secret fx_token' });
  await setButton.waitFor();
  // The CLI command is there, secondary: not in the diagnostic's own text.
  assert.doesNotMatch(await missing.locator('.problem-list__detail').last().innerText(), /devarch secret set/);
  assert.equal(await missing.getByTestId('plan-diagnostic-cli').innerText(), `devarch secret set ${SECRET_STACK} fx_token`);
  await app.screenshot('fixes-missing-secret');
  await page.emulateMedia({ colorScheme: 'dark' });
  await app.screenshot('fixes-missing-secret-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  await setButton.click();
  const dialog = page.getByRole('dialog', { name: 'Set fx_token' });
  await dialog.waitFor();
  await dialog.getByLabel('Value').fill('fx-token-value-1');
  await dialog.getByRole('button', { name: 'Save secret' }).click();
  await dialog.waitFor({ state: 'detached' });
  // The plan is made again: the problem is gone and Apply is enabled.
  await page.getByTestId('plan-errors').waitFor({ state: 'detached', timeout: 30_000 });
  await planSettled(page);
  assert.equal(await page.getByTestId('plan-diagnostic').count(), 0, 'no diagnostic left');
  assert.equal(await apply.isDisabled(), false, 'the re-made plan can be applied');
  // The button that had focus is gone with its diagnostic: focus goes on to Apply.
  await page.waitForFunction(() => document.activeElement?.textContent?.trim() === 'Apply', null, { timeout: 10_000 });
  await page.locator('[data-testid="plan-action"][data-kind="create"][data-instance="api"]').waitFor();
  await app.screenshot('fixes-secret-set');

  // ---- A host port held by another stack: the fix is a link to the instance's ports ----
  // On the stack page (the stack that would cause the clash, not the running holder).
  await page.goto(new URL(`#/stacks/${CLASH}`, page.url()).toString());
  await page.getByRole('heading', { level: 1, name: CLASH }).waitFor();
  const problems = page.getByTestId('stack-problems');
  const twice = problems.locator('[data-testid="stack-problem"][data-instance="web"][data-field="ports"]').filter({ hasText: 'published twice' });
  await twice.waitFor();
  assert.doesNotMatch(await twice.locator('.problem-list__detail').innerText(), /devarch/);
  assert.equal(await twice.getByTestId('stack-problem-cli').innerText(), `devarch instance set ${CLASH} web 'ports=[...]'`);
  assert.equal(await twice.getByRole('link', { name: 'Change the ports of web' }).getAttribute('href'), `#/stacks/${CLASH}/instances/web?field=ports`);
  await app.screenshot('fixes-stack-port-clash');
  await page.goto(new URL(`#/stacks/${HOLDER}`, page.url()).toString());
  await page.getByRole('heading', { level: 1, name: HOLDER }).waitFor();
  assert.equal(await page.getByTestId('stack-problems').count(), 0, 'no clash on the running holder');

  await openPlan(page, CLASH);
  const clash = page.locator('[data-testid="plan-errors"] [data-testid="plan-diagnostic"][data-instance="web"][data-path="ports"]');
  await clash.waitFor();
  assert.match(await clash.innerText(), new RegExp(`host port ${port}/tcp is in use by stack ${HOLDER}`));
  const fix = clash.getByRole('link', { name: 'Change the ports of web' });
  await fix.waitFor();
  await app.screenshot('fixes-port-clash');
  await page.emulateMedia({ colorScheme: 'dark' });
  await app.screenshot('fixes-port-clash-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await fix.click();
  await page.getByRole('heading', { level: 1, name: 'web' }).waitFor();
  // Focus lands in the ports editor, on the first port.
  const portInput = page.getByTestId('field-ports').getByRole('textbox', { name: 'Port 1' });
  await page.waitForFunction(() => document.activeElement?.closest('[data-testid="field-ports"]') !== null, null, { timeout: 15_000 });
  assert.equal(await portInput.evaluate((el) => el === document.activeElement), true, 'the first port has focus');
  const other = await freePort();
  await portInput.fill(`127.0.0.1:${other}:80`);
  await portInput.press('Enter');
  await page.getByTestId('field-ports').locator('[data-origin="override"]').or(page.locator('[data-testid="field-ports"][data-origin="override"]')).first().waitFor();
  await openPlan(page, CLASH);
  await planSettled(page);
  assert.equal(await page.getByTestId('plan-errors').count(), 0, 'the clash is gone with the new port');
  assert.equal(await apply.isDisabled(), false);

  // ---- A template's well-known default password: "Use a generated secret" ----
  await cli('stack', 'create', DEFAULTS);
  await cli('instance', 'add', DEFAULTS, 'db', '--template', 'mysql');
  await cli('instance', 'set', DEFAULTS, 'db', 'environment.MYSQL_PASSWORD=app');
  await openPlan(page, DEFAULTS);
  const weak = page.locator('[data-testid="plan-warnings"] [data-testid="plan-diagnostic"][data-instance="db"][data-path="environment.MYSQL_PASSWORD"]');
  await weak.waitFor();
  assert.match(await weak.innerText(), /MYSQL_PASSWORD is the template's default, a well-known password/);
  assert.match(await weak.getByTestId('plan-diagnostic-cli').innerText(), new RegExp(`^devarch secret set ${DEFAULTS} db_password, then devarch instance set`));
  await app.screenshot('fixes-default-password');
  await weak.getByRole('button', { name: /^Use a generated secret db_password/ }).click();
  await weak.waitFor({ state: 'detached', timeout: 30_000 });
  await planSettled(page);
  assert.equal(await page.locator('[data-testid="plan-diagnostic"][data-path="environment.MYSQL_PASSWORD"]').count(), 0, 'the warning is gone');
  assert.equal(await apply.isDisabled(), false);
  // The field now references the secret (the user's value of db_password, generated at add, is kept).
  const shown = JSON.parse(await cli('instance', 'show', DEFAULTS, 'db', '--json'));
  assert.equal(shown.effective['environment.MYSQL_PASSWORD'] ?? shown.effective.environment?.MYSQL_PASSWORD, '${secret:db_password}');

  assert.deepEqual(app.problems, [], 'no page errors, console errors or failed requests');
});
