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
import { baseURL, launchApp, token, waitForStatus } from '../lib/app.mjs';
import { openIPC } from '../lib/ipc.mjs';
import { answerFileDialog, appDisplay, binding, dismissDialogs } from '../lib/native.mjs';
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

test('the native GTK Save and Open dialogs hand their paths to export and import', { timeout: 180_000 }, async (t) => {
  const STACK = 'dt-native';
  const COPY2 = 'dt-native-copy';
  const drop = async () => {
    for (const s of [STACK, COPY2]) await cli('stack', 'delete', s, '--force', '--volumes').catch(() => {});
  };
  await drop();
  await cli('stack', 'create', STACK);
  t.after(drop);
  await cli('instance', 'add', STACK, 'cache', '--template', 'redis');
  const dir = await mkdtemp(path.join(tmpdir(), 'dt-native-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'shared.yml');
  const display = await appDisplay();
  t.after(() => dismissDialogs(display, [`Export stack ${STACK}`, 'Import a devarch.yml']));

  const origin = new URL(baseURL).origin;
  const ipc = await openIPC(new URL('/wails/ipc', baseURL).toString(), { origin, cookie: `devarch_dev_token=${token}` });
  assert.equal(ipc.status, 101, `the IPC WebSocket: ${ipc.body ?? ''}`);
  t.after(() => ipc.socket.destroy());

  // Export: the Save dialog opens on the app's display, proposing devarch.yml.
  const chosen = binding(ipc.socket, 'bindings.Transfer.ChooseExportPath', [STACK], 60_000);
  await answerFileDialog(display, `Export stack ${STACK}`, file);
  assert.equal(await chosen, file, 'the Save dialog returns the typed path');
  const exported = await binding(ipc.socket, 'bindings.Transfer.ExportTo', [STACK, file]);
  assert.equal(exported.path, file);
  assert.match(await readFile(file, 'utf8'), new RegExp(`name: ${STACK}`));
  assert.equal((await stat(file)).mode & 0o777, 0o644);

  // Import: the Open dialog (YAML filter), its location field takes the path.
  const opened = binding(ipc.socket, 'bindings.Transfer.ChooseImportFile', ['devarch'], 60_000);
  await answerFileDialog(display, 'Import a devarch.yml', file, { location: true });
  assert.equal(await opened, file, 'the Open dialog returns the chosen file');
  const pv = await binding(ipc.socket, 'bindings.Transfer.PreviewImport', [file, COPY2]);
  assert.equal(pv.stack, COPY2);
  assert.equal(pv.dryRun, true);
  await binding(ipc.socket, 'bindings.Transfer.Import', [file, COPY2]);
  assert.match(await cli('stack', 'list'), new RegExp(COPY2));
});

test('dropping a file on the window starts the matching import', { timeout: 180_000 }, async (t) => {
  const STACK = 'dt-drop';
  const COPY3 = 'dt-drop-copy';
  const drop = async () => {
    for (const s of [STACK, COPY3]) await cli('stack', 'delete', s, '--force', '--volumes').catch(() => {});
  };
  await drop();
  await cli('stack', 'create', STACK);
  t.after(drop);
  await cli('instance', 'add', STACK, 'cache', '--template', 'redis');
  const dir = await mkdtemp(path.join(tmpdir(), 'dt-drop-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await cli('export', STACK, '-o', path.join(dir, 'devarch.yml'));
  const content = await readFile(path.join(dir, 'devarch.yml'), 'utf8');

  const app = await launchApp();
  t.after(() => app.close());
  const { page } = app;
  await waitForStatus(page, 'database', 'ok');
  await page.getByRole('heading', { level: 1, name: 'Stacks' }).waitFor();

  /** Drops a file made of content, named name, on the page (what a browser gets: no path). */
  const dropFile = async (name, text) => {
    const data = await page.evaluateHandle(
      ({ name, text }) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([text], name, { type: 'application/yaml' }));
        return transfer;
      },
      { name, text },
    );
    await page.dispatchEvent('main', 'dragover', { dataTransfer: data });
    await page.dispatchEvent('main', 'drop', { dataTransfer: data });
  };

  // A devarch.yml: its content is previewed at once (the file's stack name is taken).
  await dropFile('devarch.yml', content);
  const dialog = page.getByRole('dialog', { name: 'Import a devarch.yml' });
  await dialog.waitFor();
  await dialog.getByText('(dropped)').waitFor();
  await dialog.getByText(new RegExp(`"${STACK}" already exists`)).waitFor();
  await dialog.getByRole('textbox', { name: 'Import as' }).fill(COPY3);
  await dialog.getByTestId('import-submit').click();
  await dialog.getByRole('region', { name: 'Import preview' }).waitFor();
  await app.screenshot('transfer-drop-preview');
  await dialog.getByTestId('import-submit').click();
  await page.getByRole('heading', { level: 1, name: COPY3 }).waitFor({ timeout: 30_000 });

  // A compose file: the compose import, which asks for the file's full path.
  await dropFile('docker-compose.yml', 'services: {}\n');
  const compose = page.getByRole('dialog', { name: 'Import a compose file' });
  await compose.waitFor();
  await compose.getByText('This compose file needs its full path').waitFor();
  await compose.getByRole('button', { name: 'Cancel' }).click();
  await compose.waitFor({ state: 'detached' });
});

test('clone a stack from its page: a free host port, the new stack opens, a taken name is refused in the dialog', { timeout: 180_000 }, async (t) => {
  const SRC2 = 'dt-clsrc';
  const CLONE = 'dt-clone';
  const TAKEN = 'dt-cltaken';
  const clean = async () => {
    for (const s of [SRC2, CLONE, TAKEN]) await cli('stack', 'delete', s, '--force', '--volumes').catch(() => {});
  };
  await clean();
  t.after(clean);
  await cli('stack', 'create', TAKEN);
  await cli('stack', 'create', SRC2);
  await cli('instance', 'add', SRC2, 'cache', '--template', 'redis');
  const port = 42000 + Math.floor(Math.random() * 2000);
  await cli('instance', 'set', SRC2, 'cache', `ports=["127.0.0.1:${port}:6379"]`);

  const app = await launchApp({ path: `/#/stacks/${SRC2}` });
  t.after(() => app.close());
  const { page } = app;
  await waitForStatus(page, 'database', 'ok');
  await page.getByRole('heading', { level: 1, name: SRC2 }).waitFor();

  // A taken name: refused inside the dialog, nothing created.
  await page.getByTestId('clone-button').click();
  const dialog = page.getByRole('dialog', { name: `Clone ${SRC2}` });
  await dialog.waitFor();
  await dialog.getByRole('textbox', { name: 'New stack name' }).fill(TAKEN);
  await dialog.getByRole('button', { name: 'Clone', exact: true }).click();
  await dialog.getByText(/already exists/).first().waitFor();
  await app.screenshot('transfer-clone-refused');

  await dialog.getByRole('textbox', { name: 'New stack name' }).fill(CLONE);
  await dialog.getByRole('button', { name: 'Clone', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: CLONE }).waitFor({ timeout: 30_000 });
  await page.getByText(`Cloned ${SRC2} as ${CLONE}`).waitFor();
  await app.screenshot('transfer-cloned');
  const show = JSON.parse(await cli('instance', 'show', CLONE, 'cache', '--json'));
  const ports = JSON.stringify(show);
  assert.doesNotMatch(ports, new RegExp(`127\\.0\\.0\\.1:${port}:6379`), 'the clone kept the source port');
  assert.match(ports, /127\.0\.0\.1:\d+:6379/);
  assert.match(await cli('plan', CLONE).catch((e) => String(e)), /\+ ports: \["127\.0\.0\.1:\d+:6379"\]/);
});
