// Update a stack from a changed devarch.yml, and clone a stack with a project root, in the
// window against the real backend (issue 13 item 7: what `devarch import FILE --update
// STACK` and `devarch stack clone SRC NEW --root DIR` do). A browser has no native file
// dialogs: the update dialog asks for the file's path and the clone dialog takes a typed
// root, which is what the desktop window's Open and folder dialogs hand to the same
// bindings (Transfer.PreviewUpdate/Update, Transfer.Clone). Every stack is named h1u-*.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { baseURL, launchApp, token, waitForStatus } from '../lib/app.mjs';
import { openIPC } from '../lib/ipc.mjs';
import { answerFileDialog, appDisplay, binding, dismissDialogs } from '../lib/native.mjs';
import { cli } from '../lib/showcase.mjs';

const VIEWPORT = { width: 1024, height: 700 };

/** `devarch stack show NAME --json`. */
async function show(stack) {
  return JSON.parse(await cli('stack', 'show', stack, '--json'));
}

test('update a stack from a changed devarch.yml: a bad file is refused in place, the preview shows the diff, Update writes it, the same file changes nothing', { timeout: 300_000 }, async (t) => {
  const STACK = 'h1u-up';
  const NEXT = 'h1u-up-next';
  const clean = async () => {
    for (const s of [STACK, NEXT]) await cli('stack', 'delete', s, '--force', '--volumes').catch(() => {});
  };
  await clean();
  t.after(clean);
  const dir = await mkdtemp(path.join(tmpdir(), 'h1u-update-'));
  t.after(() => rm(dir, { recursive: true, force: true }));

  // The stack as it is: one redis. The teammate's file: cache gets an override, queue is
  // added (made as a scratch stack, exported, renamed in the file, and the scratch deleted).
  await cli('stack', 'create', STACK);
  await cli('instance', 'add', STACK, 'cache', '--template', 'redis');
  await cli('stack', 'create', NEXT);
  await cli('instance', 'add', NEXT, 'cache', '--template', 'redis');
  await cli('instance', 'set', NEXT, 'cache', 'environment.APP_ENV=dev');
  await cli('instance', 'add', NEXT, 'queue', '--template', 'redis');
  const file = path.join(dir, 'devarch.yml');
  await cli('export', NEXT, '-o', file);
  const doc = (await readFile(file, 'utf8')).replace(`name: ${NEXT}`, `name: ${STACK}`);
  assert.match(doc, new RegExp(`name: ${STACK}\\n`));
  await writeFile(file, doc);
  await cli('stack', 'delete', NEXT, '--force');
  const bad = path.join(dir, 'bad.yml');
  await writeFile(bad, `${doc}bogus: 1\n`);
  const before = await show(STACK);

  const app = await launchApp({ path: `/#/stacks/${STACK}`, viewport: VIEWPORT });
  t.after(() => app.close());
  const { page } = app;
  await waitForStatus(page, 'database', 'ok');
  await page.getByRole('heading', { level: 1, name: STACK }).waitFor();
  await app.screenshot('transfer-update-stack-page');

  await page.getByRole('button', { name: 'Update from file…' }).click();
  const dialog = page.getByRole('dialog', { name: `Update ${STACK} from a devarch.yml` });
  await dialog.waitFor();
  await dialog.getByTestId('update-empty').waitFor();
  const fileField = dialog.getByRole('textbox', { name: 'File' });

  // A file with an unknown key: the refusal in place, with its line and column; nothing written.
  await fileField.fill(bad);
  await dialog.getByTestId('update-submit').click();
  const refusal = dialog.getByTestId('update-error');
  await refusal.waitFor({ timeout: 30_000 });
  const refusalText = await refusal.innerText();
  assert.match(refusalText, /unknown key "bogus"/);
  assert.match(refusalText, /line \d+, column \d+/);
  assert.equal(await dialog.getByTestId('update-preview').count(), 0, 'no preview for a refused file');
  assert.equal((await dialog.getByTestId('update-submit').innerText()).trim(), 'Preview');
  await app.screenshot('transfer-update-refused');

  // The changed file: the diff of the definition, nothing written yet.
  await fileField.fill(file);
  await dialog.getByTestId('update-submit').click();
  const preview = dialog.getByRole('region', { name: 'Update preview' });
  await preview.waitFor({ timeout: 30_000 });
  assert.equal(await dialog.getByTestId('update-error').count(), 0, 'the refusal is gone');
  const text = await preview.innerText();
  assert.match(text, new RegExp(`2 changes to stack ${STACK}`));
  const rows = preview.getByTestId('update-change');
  assert.equal(await rows.count(), 2);
  assert.match(await rows.nth(0).innerText(), /Change instance\s+cache[\s\S]*overrides\.environment\.APP_ENV: \(not set\) -> "dev"/);
  assert.match(await rows.nth(1).innerText(), /Add instance\s+queue[\s\S]*template redis/);
  assert.equal((await dialog.getByTestId('update-submit').innerText()).trim(), 'Update stack');
  await app.screenshot('transfer-update-preview');
  await page.emulateMedia({ colorScheme: 'dark' });
  await app.screenshot('transfer-update-preview-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  const previewed = await show(STACK);
  assert.equal(previewed.revision, before.revision, 'the preview wrote nothing');
  assert.deepEqual(
    previewed.instances.map((i) => i.name),
    ['cache'],
  );

  // Update: one transaction, one revision; the dialog says so and focus is on Plan.
  await dialog.getByTestId('update-submit').click();
  const done = dialog.getByTestId('update-done');
  await done.waitFor({ timeout: 30_000 });
  assert.match(await done.innerText(), new RegExp(`2 changes written \\(revision ${before.revision + 1}\\)`));
  const plan = dialog.getByTestId('update-plan');
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'update-plan');
  assert.equal(await plan.getAttribute('href'), `#/stacks/${STACK}/plan`);
  await app.screenshot('transfer-update-done');
  const after = await show(STACK);
  assert.equal(after.revision, before.revision + 1);
  assert.deepEqual(
    after.instances.map((i) => i.name),
    ['cache', 'queue'],
  );
  // The page behind shows the new definition.
  await dialog.getByRole('button', { name: 'Close' }).first().click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByTestId('instance-row-queue').waitFor();
  assert.equal((await page.getByTestId('stack-revision').innerText()).trim(), String(before.revision + 1));
  assert.equal(
    await page.evaluate(() => document.activeElement?.textContent?.trim()),
    'Update from file…',
    'focus returns to the button that opened the dialog',
  );

  // The same file again: nothing changes, in the dark theme.
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.getByRole('button', { name: 'Update from file…' }).click();
  await dialog.waitFor();
  await dialog.getByRole('textbox', { name: 'File' }).fill(file);
  await dialog.getByTestId('update-submit').click();
  await dialog.getByTestId('update-nothing').waitFor({ timeout: 30_000 });
  assert.match(await dialog.getByTestId('update-nothing').innerText(), /Nothing changes/);
  assert.equal((await dialog.getByTestId('update-submit').innerText()).trim(), 'Close');
  await app.screenshot('transfer-update-nothing-dark');
  await dialog.getByTestId('update-submit').click();
  await dialog.waitFor({ state: 'detached' });
  assert.equal((await show(STACK)).revision, before.revision + 1, 'an unchanged file wrote nothing');

  // Plan from the stack page shows what the update means for the containers.
  await page.emulateMedia({ colorScheme: 'light' });
  assert.deepEqual(
    app.problems.filter((p) => !/HTTP 40\d/.test(p)),
    [],
  );
});

test('clone with a project root: a relative root is refused at its field, a folder is taken and shown on the new stack', { timeout: 240_000 }, async (t) => {
  const SRC = 'h1u-clsrc';
  const CLONE = 'h1u-clone';
  const clean = async () => {
    for (const s of [SRC, CLONE]) await cli('stack', 'delete', s, '--force', '--volumes').catch(() => {});
  };
  await clean();
  t.after(clean);
  const base = await mkdtemp(path.join(tmpdir(), 'h1u-clone-'));
  t.after(() => rm(base, { recursive: true, force: true }));
  const root = path.join(base, 'shop-worktree');
  await mkdir(root);
  await cli('stack', 'create', SRC);
  await cli('instance', 'add', SRC, 'cache', '--template', 'redis');

  const app = await launchApp({ path: `/#/stacks/${SRC}`, viewport: VIEWPORT });
  t.after(() => app.close());
  const { page } = app;
  await waitForStatus(page, 'database', 'ok');
  await page.getByRole('heading', { level: 1, name: SRC }).waitFor();

  await page.getByTestId('clone-button').click();
  const dialog = page.getByRole('dialog', { name: `Clone ${SRC}` });
  await dialog.waitFor();
  await dialog.getByRole('textbox', { name: 'New stack name' }).fill(CLONE);
  const rootField = dialog.getByRole('textbox', { name: 'Project root' });
  await dialog.getByRole('button', { name: 'Choose folder…' }).waitFor();

  // A relative path: refused at the Project root field (the CLI's rule), nothing created.
  await rootField.fill('shop-worktree');
  await dialog.getByRole('button', { name: 'Clone', exact: true }).click();
  await page.waitForFunction(() => document.querySelector('[data-field="clone-root"]')?.getAttribute('aria-invalid') === 'true');
  const fieldError = dialog.locator('.field--invalid [data-testid="field-error"]');
  assert.match(await fieldError.innerText(), /project root "shop-worktree" is not an absolute path/);
  await app.screenshot('transfer-clone-root-refused');
  assert.doesNotMatch(await cli('stack', 'list'), new RegExp(CLONE));

  // A folder: the clone is made there and its page shows the root.
  await rootField.fill(root);
  assert.equal(await rootField.getAttribute('aria-invalid'), null, 'editing clears the refusal');
  await app.screenshot('transfer-clone-root');
  await dialog.getByRole('button', { name: 'Clone', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: CLONE }).waitFor({ timeout: 30_000 });
  const shown = page.getByTestId('stack-root');
  await shown.waitFor();
  assert.match(await shown.innerText(), new RegExp(`Project root\\s+${root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  await page.getByText(`Cloned ${SRC} as ${CLONE}`).waitFor();
  await app.screenshot('transfer-cloned-root');
  await page.emulateMedia({ colorScheme: 'dark' });
  await app.screenshot('transfer-cloned-root-dark');
  assert.equal((await show(CLONE)).root, root);
  // The source keeps DevArch's own folder: no root in its header.
  await page.evaluate((s) => (window.location.hash = `#/stacks/${s}`), SRC);
  await page.getByRole('heading', { level: 1, name: SRC }).waitFor();
  assert.equal(await page.getByTestId('stack-root').count(), 0);
});

test('the native GTK Open dialog hands its path to Update from file', { timeout: 180_000 }, async (t) => {
  const STACK = 'h1u-native';
  const clean = async () => {
    for (const s of [STACK]) await cli('stack', 'delete', s, '--force', '--volumes').catch(() => {});
  };
  await clean();
  t.after(clean);
  await cli('stack', 'create', STACK);
  await cli('instance', 'add', STACK, 'cache', '--template', 'redis');
  const dir = await mkdtemp(path.join(tmpdir(), 'h1u-native-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'devarch.yml');
  await cli('export', STACK, '-o', file);
  const display = await appDisplay();
  const updateTitle = `Update stack ${STACK} from a devarch.yml`;
  t.after(() => dismissDialogs(display, [updateTitle]));

  const origin = new URL(baseURL).origin;
  const ipc = await openIPC(new URL('/wails/ipc', baseURL).toString(), { origin, cookie: `devarch_dev_token=${token}` });
  assert.equal(ipc.status, 101, `the IPC WebSocket: ${ipc.body ?? ''}`);
  t.after(() => ipc.socket.destroy());

  // Update from file: the Open dialog names the stack; its location field takes the path.
  const chosen = binding(ipc.socket, 'bindings.Transfer.ChooseUpdateFile', [STACK], 60_000);
  await answerFileDialog(display, updateTitle, file, { location: true });
  assert.equal(await chosen, file, 'the Open dialog returns the chosen file');
  const pv = await binding(ipc.socket, 'bindings.Transfer.PreviewUpdate', [file, STACK]);
  assert.equal(pv.stack, STACK);
  assert.deepEqual(pv.changes, [], 'the stack matches its own export');
});
