// Sharing a stack WITH its secret values in the window, against the real backend (issue 13
// items 3 and 7): the export dialog's "Include secret values" option asks for a passphrase
// twice and writes the values encrypted; importing that file as a new stack previews the
// secrets it carries and asks for the passphrase: a wrong one is refused at the field and
// creates nothing, the right one unlocks, and Import stores the value (checked with
// `devarch secret reveal`). A browser has no native file dialogs: the export dialog asks
// for the path, which the desktop window's Save dialog hands to the same binding
// (Transfer.ExportWithSecrets).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { launchApp, waitForStatus } from '../lib/app.mjs';
import { cli } from '../lib/showcase.mjs';

const SRC = 'xfu-src';
const COPY = 'xfu-copy';
const SECRET = 'xfu_token';
const VALUE = 'xfu-value-PLAINTEXT-7731';
const PASS = 'correct horse battery';

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

async function cleanup() {
  for (const s of [SRC, COPY]) await cli('stack', 'delete', s, '--force', '--volumes').catch(() => {});
}

test('export a stack with its secret values, import it with a wrong then the right passphrase', { timeout: 300_000 }, async (t) => {
  await cleanup();
  await cli('stack', 'create', SRC);
  t.after(cleanup);
  await cli('instance', 'add', SRC, 'cache', '--template', 'redis');
  await cli('instance', 'set', SRC, 'cache', `environment.API_TOKEN=\${secret:${SECRET}}`);
  await cliIn(VALUE, 'secret', 'set', SRC, SECRET);
  const dir = await mkdtemp(path.join(tmpdir(), 'xfu-transfer-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'devarch.yml');

  const app = await launchApp({ viewport: { width: 1024, height: 700 } });
  t.after(() => app.close());
  const { page } = app;
  await waitForStatus(page, 'database', 'ok');

  // ---- Export with secret values ----
  await page.evaluate((s) => (window.location.hash = `#/stacks/${s}`), SRC);
  await page.getByRole('heading', { level: 1, name: SRC }).waitFor();
  await page.getByTestId('export-stack').click();
  const exportDialog = page.getByRole('dialog', { name: `Export ${SRC}` });
  await exportDialog.waitFor();
  await exportDialog.getByRole('textbox', { name: 'File' }).fill(file);
  // Keyboard: Tab from the path reaches the option; Space ticks it.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  const option = exportDialog.getByRole('checkbox', { name: 'Include secret values (encrypted with a passphrase)' });
  assert.ok(await option.isChecked(), 'the option is ticked from the keyboard');
  const pass = exportDialog.getByLabel('Passphrase', { exact: true });
  const again = exportDialog.getByLabel('Confirm passphrase');
  assert.equal(await pass.getAttribute('type'), 'password');
  assert.equal(await again.getAttribute('type'), 'password');
  await pass.fill(PASS);
  await again.fill(`${PASS}x`);
  await exportDialog.getByRole('button', { name: 'Export', exact: true }).click();
  await exportDialog.getByText('The two passphrases differ').waitFor();
  await again.fill(PASS);
  for (const theme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: theme });
    await app.screenshot(`secrets-transfer-export-${theme}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await again.press('Enter');
  await page.getByText(`Exported ${SRC} with secret values`).waitFor({ timeout: 60_000 });
  await exportDialog.waitFor({ state: 'detached' });
  const written = await readFile(file, 'utf8');
  assert.match(written, /secretValues:/);
  assert.match(written, new RegExp(`${SECRET}: \\|`));
  assert.ok(!written.includes(VALUE), 'the value is encrypted in the file');
  assert.ok(!written.includes(PASS), 'the passphrase is not in the file');

  // ---- Import as a new stack: the passphrase step ----
  await page.evaluate(() => (window.location.hash = '#/stacks'));
  await page.getByRole('heading', { level: 1, name: 'Stacks' }).waitFor();
  await page.getByTestId('import-devarch').click();
  const dialog = page.getByRole('dialog', { name: 'Import a devarch.yml' });
  await dialog.waitFor();
  await dialog.getByRole('textbox', { name: 'File' }).fill(file);
  await dialog.getByRole('textbox', { name: 'Import as' }).fill(COPY);
  await dialog.getByTestId('import-submit').click(); // Preview
  const step = dialog.getByRole('region', { name: 'Secret values' });
  await step.waitFor({ timeout: 60_000 });
  assert.match(await step.innerText(), new RegExp(SECRET));
  assert.equal((await dialog.getByTestId('import-submit').innerText()).trim(), 'Unlock');
  const importPass = step.getByLabel('Passphrase');
  assert.equal(await importPass.getAttribute('type'), 'password');
  assert.ok(await importPass.evaluate((el) => el === document.activeElement), 'the passphrase field has focus');
  for (const theme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: theme });
    await app.screenshot(`secrets-transfer-import-passphrase-${theme}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });

  // A wrong passphrase: the backend's error at the field, nothing created.
  await importPass.fill('not the passphrase');
  await importPass.press('Enter');
  await step.getByTestId('field-error').waitFor({ timeout: 60_000 });
  assert.match(await step.getByTestId('field-error').innerText(), /incorrect passphrase/);
  await app.screenshot('secrets-transfer-import-wrong');
  assert.doesNotMatch(await cli('stack', 'list'), new RegExp(COPY));

  // The right one: the preview says which secrets will be set; Import stores them.
  await importPass.fill(PASS);
  await dialog.getByTestId('import-submit').click(); // Unlock
  const unlocked = dialog.getByTestId('import-unlocked');
  await unlocked.waitFor({ timeout: 60_000 });
  assert.match(await unlocked.innerText(), new RegExp(`Import will set ${SECRET} from the file`));
  assert.equal((await dialog.getByTestId('import-submit').innerText()).trim(), 'Import');
  await app.screenshot('secrets-transfer-import-unlocked');
  assert.doesNotMatch(await cli('stack', 'list'), new RegExp(COPY), 'unlocking wrote nothing');
  await dialog.getByTestId('import-submit').click();
  await page.getByRole('heading', { level: 1, name: COPY }).waitFor({ timeout: 60_000 });
  assert.equal((await cli('secret', 'reveal', COPY, SECRET)).trim(), VALUE);

  assert.deepEqual(
    app.problems.filter((p) => !/HTTP 40\d/.test(p)),
    [],
  );
});
