// The one confirm dialog (issue 11, item 10; issue 10, item 11's refused delete), on the real
// backend: it opens on Cancel, so Enter is harmless; a refusal (a secret still referenced)
// shows inside the dialog, takes focus, and the dialog stays open with Close in place of the
// button that cannot help; no toast on top; Escape closes it. Light and dark.
//
// Setup goes through the binary's CLI on the app's own data home; nothing is applied, so no
// container is made. Every stack is named cf* (this spec's tag).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { launchApp, waitForStatus } from '../lib/app.mjs';
import { cli } from '../lib/showcase.mjs';

const STACK = 'cfconfirm';
const SECRET = 'cf_token';

/** Runs the binary's CLI with stdin (secret values are never arguments). */
function cliIn(stdin, ...args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.env.DEVARCH_E2E_BIN, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')}: exit ${code}: ${err}`))));
    child.stdin.end(stdin);
  });
}

/** What has focus: its test id, else its text. */
function focused(page) {
  return page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.textContent?.trim() ?? '');
}

test('confirm dialog: Cancel first, a refusal inline and focused, Escape closes; light and dark', { timeout: 240_000 }, async (t) => {
  await cli('stack', 'delete', STACK, '--force', '--volumes').catch(() => {});
  await cli('stack', 'create', STACK);
  t.after(() => cli('stack', 'delete', STACK, '--force', '--volumes').catch(() => {}));
  await cli('instance', 'add', STACK, 'cache', '--template', 'redis');
  await cliIn('cf-secret-value', 'secret', 'set', STACK, SECRET);
  await cli('instance', 'set', STACK, 'cache', `environment.API_TOKEN=\${secret:${SECRET}}`);

  const app = await launchApp({ path: `/#/stacks/${STACK}`, viewport: { width: 1024, height: 700 } });
  t.after(() => app.close());
  const { page } = app;
  await waitForStatus(page, 'database', 'ok');
  await page.getByRole('heading', { level: 1, name: STACK }).waitFor();
  await page.getByRole('tab', { name: 'Secrets' }).click();
  const panel = page.getByTestId('secrets-panel');

  for (const theme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: theme });
    await panel.getByRole('button', { name: `Delete secret ${SECRET}` }).click();
    const confirm = page.getByRole('dialog', { name: `Delete secret ${SECRET}?` });
    await confirm.waitFor();
    assert.equal(await focused(page), 'Cancel', 'the dialog opens on Cancel');
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), 'Delete secret');
    await page.keyboard.press('Enter');

    const refused = confirm.getByTestId('delete-secret-refused');
    await refused.waitFor();
    assert.match(await refused.innerText(), /cache/, 'the refusal names the instance that uses it');
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'delete-secret-refused');
    assert.equal(await confirm.getByRole('button', { name: 'Delete secret' }).count(), 0, 'trying again cannot help: the button goes');
    assert.equal(await confirm.getByRole('button', { name: 'Close', exact: true }).count(), 2, "the footer's Close and the corner's");
    assert.equal(await page.getByRole('alert').filter({ hasText: 'Could not delete' }).count(), 0, 'no toast on top');
    await app.screenshot(`confirm-refused-${theme}`);

    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), `Delete secret ${SECRET}`, 'focus is back on the opener');
    await panel.getByTestId(`secret-row-${SECRET}`).waitFor();
  }
  assert.deepEqual(app.problems, []);
});
