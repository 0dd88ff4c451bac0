// Sharing stacks in the window, against the real backend (issue 13 item 7): export a stack
// to a devarch.yml, import that file under a new name through the preview and confirm
// screens, and preview (then import) a compose project with its fidelity report. A browser
// has no native file dialogs: the window asks for the path, which is what the desktop
// window's Save/Open dialogs hand to the same bindings (Transfer.ExportTo, PreviewImport...).
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { launchApp, waitForStatus } from '../lib/app.mjs';
import { cli } from '../lib/showcase.mjs';

const SRC = 'dt-src';
const COPY = 'dt-copy';
const WEB = 'dt-web';
const SECRET = 'dt_token';

async function cleanup() {
  for (const s of [SRC, COPY, WEB]) await cli('stack', 'delete', s, '--force', '--volumes').catch(() => {});
}

const COMPOSE = `services:
  web:
    image: nginx:alpine
    container_name: dt-fixed-name
    ports:
      - "8080:80"
    environment:
      GREETING: hello
    restart: always
`;

test('export a stack, import it under a new name through preview and confirm, preview a compose file', { timeout: 300_000 }, async (t) => {
  await cleanup();
  await cli('stack', 'create', SRC);
  t.after(cleanup);
  await cli('instance', 'add', SRC, 'cache', '--template', 'redis');
  await cli('instance', 'set', SRC, 'cache', `environment.API_TOKEN=\${secret:${SECRET}}`);
  const dir = await mkdtemp(path.join(tmpdir(), 'dt-transfer-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'devarch.yml');

  const app = await launchApp();
  t.after(() => app.close());
  const { page } = app;
  await waitForStatus(page, 'database', 'ok');

  // ---- Export from the stack page ----
  await page.evaluate((s) => (window.location.hash = `#/stacks/${s}`), SRC);
  await page.getByRole('heading', { level: 1, name: SRC }).waitFor();
  await page.getByTestId('export-stack').click();
  const exportDialog = page.getByRole('dialog', { name: `Export ${SRC}` });
  await exportDialog.waitFor();
  await exportDialog.getByRole('textbox', { name: 'File' }).fill(file);
  await app.screenshot('transfer-export-path');
  await exportDialog.getByRole('button', { name: 'Export' }).click();
  await page.getByText(`Exported ${SRC}`).waitFor();
  await exportDialog.waitFor({ state: 'detached' });
  const written = await readFile(file, 'utf8');
  assert.match(written, new RegExp(`name: ${SRC}`));
  assert.match(written, /template: redis/);
  assert.equal((await stat(file)).mode & 0o777, 0o644, 'the export is 0644');

  // ---- Import: the file's name is taken, said at the name; a new name previews ----
  await page.evaluate(() => (window.location.hash = '#/stacks'));
  await page.getByRole('heading', { level: 1, name: 'Stacks' }).waitFor();
  await page.getByTestId('import-devarch').click();
  const dialog = page.getByRole('dialog', { name: 'Import a devarch.yml' });
  await dialog.waitFor();
  await dialog.getByTestId('import-empty').waitFor();
  await app.screenshot('transfer-import-empty');
  await dialog.getByRole('textbox', { name: 'File' }).fill(file);
  await dialog.getByTestId('import-submit').click(); // Preview
  const answer = dialog.locator('[data-testid="field-error"], [data-testid="import-error"], [data-testid="import-preview"]').first();
  await answer.waitFor().catch(async (error) => {
    await app.screenshot('transfer-import-clash-timeout');
    throw error;
  });
  await app.screenshot('transfer-import-clash');
  assert.match(await answer.innerText(), new RegExp(`${SRC}.*already exists`), 'the clash is said at the name');
  assert.equal(await dialog.getByTestId('import-preview').count(), 0, 'no preview for a refused import');

  await dialog.getByRole('textbox', { name: 'Import as' }).fill(COPY);
  assert.equal((await dialog.getByTestId('import-submit').innerText()).trim(), 'Preview');
  await dialog.getByTestId('import-submit').click();
  const preview = dialog.getByRole('region', { name: 'Import preview' });
  await preview.waitFor();
  assert.match(await preview.innerText(), new RegExp(`Will create stack ${COPY}`));
  assert.match(await preview.getByTestId('preview-instances').innerText(), /cache/);
  assert.match(await preview.getByTestId('preview-missing').innerText(), new RegExp(SECRET));
  assert.equal((await dialog.getByTestId('import-submit').innerText()).trim(), 'Import');
  await app.screenshot('transfer-import-preview');
  // The preview wrote nothing.
  assert.doesNotMatch(await cli('stack', 'list'), new RegExp(COPY));

  await dialog.getByTestId('import-submit').click();
  // The new stack opens on its Secrets tab: a secret needs a value before it can apply.
  await page.getByRole('heading', { level: 1, name: COPY }).waitFor({ timeout: 30_000 });
  await page.getByRole('tab', { name: 'Secrets', selected: true }).waitFor();
  assert.match(await page.evaluate(() => window.location.hash), new RegExp(`#/stacks/${COPY}\\?tab=secrets`));
  await app.screenshot('transfer-imported');
  assert.match(await cli('stack', 'list'), new RegExp(COPY));

  // ---- Import a compose file, in the dark theme: the fidelity report, grouped ----
  const project = path.join(dir, 'webproj');
  await import('node:fs/promises').then((fs) => fs.mkdir(project));
  await writeFile(path.join(project, 'compose.yaml'), COMPOSE);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.evaluate(() => (window.location.hash = '#/stacks'));
  await page.getByRole('heading', { level: 1, name: 'Stacks' }).waitFor();
  await page.getByTestId('import-compose').click();
  const compose = page.getByRole('dialog', { name: 'Import a compose file' });
  await compose.waitFor();
  await compose.getByRole('textbox', { name: 'Compose file' }).fill(path.join(project, 'compose.yaml'));
  assert.equal(await compose.getByRole('textbox', { name: 'Stack name' }).inputValue(), 'webproj', 'the folder names the stack');
  await compose.getByRole('textbox', { name: 'Stack name' }).fill(WEB);
  await compose.getByTestId('import-submit').click();
  const report = compose.getByRole('region', { name: 'Fidelity report' });
  await report.waitFor({ timeout: 60_000 });
  const text = await report.innerText();
  assert.match(text, /services\.web\.container_name/);
  assert.match(text, /Replaced \(\d+\)/);
  await app.screenshot('transfer-compose-preview-dark');
  await report.scrollIntoViewIfNeeded();
  await compose.getByTestId('import-submit').click();
  await page.getByRole('heading', { level: 1, name: WEB }).waitFor({ timeout: 60_000 });
  await app.screenshot('transfer-compose-imported-dark');

  assert.deepEqual(
    app.problems.filter((p) => !/HTTP 40\d/.test(p)),
    [],
  );
});
