// Stacks, instances and overrides against the real backend: create a stack in the UI, add
// two instances from the built-in catalog, override a port and an environment variable on
// one of them, and follow the change into the effective config and the generated compose file.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { launchApp, waitForStatus } from '../lib/app.mjs';

const STACK = 'shop';

/** The text of a CodeMirror view inside the element with this test id. */
async function editorText(page, testId) {
  const content = page.getByTestId(testId).locator('.cm-content');
  await content.waitFor();
  return content.evaluate((element) =>
    // The whole document: CodeMirror renders only the lines in view.
    (element.cmTile?.root?.view ?? element.cmView?.view)?.state.doc.toString() ??
    [...element.querySelectorAll('.cm-line')].map((line) => line.textContent ?? '').join('\n'),
  );
}

/**
 * Waits until the editor with this test id shows text matching every pattern (CodeMirror
 * draws a view that was hidden on its next frame), and returns the text.
 */
async function editorShowing(page, testId, patterns, timeout = 20_000) {
  const sources = patterns.map((pattern) => [pattern.source, pattern.flags]);
  try {
    const shown = await page.waitForFunction(
      ({ testId, sources }) => {
        const el = document.querySelector(`[data-testid="${testId}"] .cm-content`);
        if (!el) return false;
        // The whole document: CodeMirror renders only the lines in view.
        const text = (el.cmTile?.root?.view ?? el.cmView?.view)?.state.doc.toString() ?? [...el.querySelectorAll('.cm-line')].map((line) => line.textContent ?? '').join('\n');
        return sources.every(([source, flags]) => new RegExp(source, flags).test(text)) ? text : false;
      },
      { testId, sources },
      { timeout },
    );
    return await shown.jsonValue();
  } catch {
    const text = await editorText(page, testId).catch(() => '');
    assert.fail(`${testId} never matched ${patterns.join(', ')}; it shows:\n${text}`);
  }
}

const composeShowing = (page, patterns) => editorShowing(page, 'compose-yaml', patterns);

async function addInstance(page, { template, name, search, category }) {
  const dialog = page.getByRole('dialog', { name: `Add an instance to ${STACK}` });
  await dialog.waitFor();
  await dialog.getByTestId(`template-option-${template}`).waitFor();
  if (category) await dialog.getByRole('group', { name: 'Category' }).getByRole('button', { name: new RegExp(`^${category}`) }).click();
  if (search) await dialog.getByRole('searchbox', { name: 'Search templates' }).fill(search);
  await dialog.getByTestId(`template-option-${template}`).click();
  const nameInput = dialog.getByRole('textbox', { name: 'Instance name' });
  assert.equal(await nameInput.inputValue(), template, 'the instance name is prefilled from the template');
  return { dialog, nameInput };
}

test('create a stack, add instances, override a port and a variable, see the compose file change', { timeout: 240_000 }, async (t) => {
  const app = await launchApp();
  t.after(() => app.close());
  const { page } = app;
  await waitForStatus(page, 'database', 'ok');

  // ---- New stack: the backend's verdict shows at the field ----
  await page.getByRole('heading', { level: 1, name: 'Stacks' }).waitFor();
  await page.getByRole('button', { name: 'New stack' }).first().click();
  const create = page.getByRole('dialog', { name: 'New stack' });
  await create.waitFor();
  const nameInput = create.getByRole('textbox', { name: 'Name' });
  assert.ok(await nameInput.evaluate((element) => element === document.activeElement), 'the name field has focus');
  await nameInput.fill('Shop');
  await create.getByText('Use lowercase letters only.', { exact: false }).waitFor();
  await create.getByRole('button', { name: 'Create stack' }).click();
  const nameError = create.getByTestId('field-error');
  await nameError.waitFor();
  assert.match(await nameError.innerText(), /not a valid name/);
  assert.equal(await nameInput.getAttribute('aria-invalid'), 'true');
  await app.screenshot('stack-create-error');

  await nameInput.fill(STACK);
  await create.getByRole('textbox', { name: 'Description' }).fill('Storefront: nginx in front, Redis for sessions');
  await app.screenshot('stack-create');
  await create.getByRole('button', { name: 'Create stack' }).click();

  // ---- The stack page, empty ----
  await page.getByRole('heading', { level: 1, name: STACK }).waitFor();
  await page.getByTestId('instances-empty').waitFor();
  await app.screenshot('stack-empty');

  // ---- Two instances from the catalog ----
  await page.getByRole('button', { name: 'Add your first instance' }).click();
  {
    const { dialog, nameInput: instanceName } = await addInstance(page, { template: 'redis', category: 'cache' });
    await instanceName.fill('cache');
    await app.screenshot('add-instance');
    await dialog.getByRole('button', { name: 'Add instance' }).click();
    await dialog.waitFor({ state: 'detached' });
  }
  await page.getByTestId('instance-row-cache').waitFor();

  await page.getByRole('button', { name: 'Add instance', exact: true }).click();
  {
    const { dialog, nameInput: instanceName } = await addInstance(page, { template: 'nginx', search: 'nginx' });
    await instanceName.fill('web');
    await dialog.getByRole('button', { name: 'Add instance' }).click();
    await dialog.waitFor({ state: 'detached' });
  }
  const webRow = page.getByTestId('instance-row-web');
  await webRow.waitFor();
  assert.match(await webRow.innerText(), /nginx:1\.27/);
  assert.match(await webRow.innerText(), /8080:80/);
  assert.equal(await webRow.getByTestId('override-count').count(), 0, 'a fresh instance overrides nothing');
  await app.screenshot('stack');

  // ---- Compose before the override ----
  await page.getByRole('link', { name: 'Compose preview' }).click();
  await page.getByRole('heading', { level: 1, name: 'Compose preview' }).waitFor();
  const before = await composeShowing(page, [/127\.0\.0\.1:8080:80/, /container_name: devarch-shop-web/]);
  assert.doesNotMatch(before, /8081/);
  assert.doesNotMatch(before, /APP_ENV/);
  assert.match(await page.getByTestId('compose-path').innerText(), /shop/);
  await app.screenshot('compose-before');

  // ---- Instance editor: override ports and APP_ENV ----
  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: STACK }).click();
  await page.getByRole('link', { name: 'web', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'web' }).waitFor();
  const effective = page.getByTestId('effective-config');
  await effective.waitFor();
  const originOf = (path) => effective.locator(`[data-testid="effective-row"][data-path="${path}"]`).getAttribute('data-origin');
  assert.equal(await originOf('ports'), 'template');
  assert.equal(await originOf('image'), 'template');

  const ports = page.getByTestId('field-ports');
  await ports.getByRole('textbox', { name: 'Port 1' }).fill('8081:80');
  await ports.getByRole('button', { name: 'Save ports' }).click();
  await page.locator('[data-testid="field-ports"][data-origin="override"]').waitFor();

  const env = page.getByTestId('field-environment');
  await env.getByRole('button', { name: 'Add variable' }).click();
  await env.getByRole('textbox', { name: 'New variable name' }).fill('APP_ENV');
  await env.getByRole('textbox', { name: 'New variable value' }).fill('local');
  await env.getByRole('button', { name: 'Add', exact: true }).click();
  await page.locator('[data-testid="field-environment.APP_ENV"][data-origin="override"]').waitFor();

  // The effective config marks both as override, everything else as the template's.
  await effective.locator('[data-testid="effective-row"][data-path="environment.APP_ENV"][data-origin="override"]').waitFor();
  assert.equal(await originOf('ports'), 'override');
  assert.match(await effective.locator('[data-path="ports"]').innerText(), /8081:80/);
  assert.match(await effective.locator('[data-path="environment.APP_ENV"]').innerText(), /local/);
  const rows = await effective.getByTestId('effective-row').evaluateAll((elements) =>
    elements.map((element) => [element.getAttribute('data-path'), element.getAttribute('data-origin')]),
  );
  const others = rows.filter(([path]) => path !== 'ports' && path !== 'environment.APP_ENV');
  assert.ok(others.length >= 2, `other effective fields are listed: ${JSON.stringify(rows)}`);
  for (const [path, origin] of others) {
    assert.ok(origin === 'template' || origin === 'default', `${path} comes from ${origin}, expected the template (or a default)`);
  }
  assert.ok(others.some(([, origin]) => origin === 'template'), 'other fields are marked template');
  assert.match(await page.getByTestId('instance-override-count').innerText(), /2 overrides/);
  await app.screenshot('instance-editor');

  // The YAML view of the delta holds exactly what was overridden.
  await page.getByRole('tab', { name: 'Overrides (YAML)' }).click();
  const overrides = await editorShowing(page, 'overrides-yaml', [/8081:80/, /APP_ENV: local/]);
  assert.doesNotMatch(overrides, /image/);
  await app.screenshot('instance-overrides');

  // ---- Compose after: the override reached the file ----
  await page.getByRole('link', { name: 'Compose preview' }).click();
  await page.getByRole('heading', { level: 1, name: 'Compose preview' }).waitFor();
  const after = await composeShowing(page, [/127\.0\.0\.1:8081:80/, /APP_ENV: local/]);
  assert.notEqual(after, before);
  assert.doesNotMatch(after, /127\.0\.0\.1:8080:80/);
  await app.screenshot('compose-after');

  // ---- The stack page shows the markers ----
  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: STACK }).click();
  const row = page.getByTestId('instance-row-web');
  await row.getByTestId('override-count').waitFor();
  assert.match(await row.getByTestId('override-count').innerText(), /2 fields/);
  assert.equal(await row.locator('[data-origin="override"]').count(), 1, 'ports carry an override badge, the image does not');
  await app.screenshot('stack-overridden');

  // ---- Templates page ----
  await page.getByRole('link', { name: 'Templates' }).click();
  await page.getByRole('heading', { level: 1, name: 'Templates' }).waitFor();
  const nginx = page.getByTestId('template-card-nginx');
  await nginx.waitFor();
  assert.match(await nginx.innerText(), /shop\/web/);
  await app.screenshot('templates');
  await page.getByRole('searchbox', { name: 'Search templates' }).fill('redis');
  await page.getByTestId('template-card-nginx').waitFor({ state: 'detached' });
  await page.getByTestId('template-card-redis').waitFor();
  await page.getByRole('searchbox', { name: 'Search templates' }).fill('');
  await page.getByRole('button', { name: 'View YAML of nginx' }).click();
  const yamlDialog = page.getByRole('dialog', { name: 'nginx' });
  await yamlDialog.waitFor();
  await editorShowing(page, 'template-yaml', [/image: nginx:1\.27/]);
  await app.screenshot('template-yaml');
  await yamlDialog.getByRole('button', { name: 'Close', exact: true }).first().click();
  await yamlDialog.waitFor({ state: 'detached' });

  assert.deepEqual(app.problems, [], 'no page errors, console errors or failed requests');
});

test('the instance editor and compose preview in dark mode', { timeout: 120_000 }, async (t) => {
  const app = await launchApp({ path: `/#/stacks/${STACK}/instances/web`, colorScheme: 'dark' });
  t.after(() => app.close());
  const { page } = app;
  await waitForStatus(page, 'database', 'ok');
  await page.getByTestId('effective-config').waitFor();
  await app.screenshot('instance-editor-dark');
  await page.getByRole('link', { name: 'Compose preview' }).click();
  await composeShowing(page, [/APP_ENV: local/]);
  await app.screenshot('compose-dark');
  await page.goto(new URL('/#/templates', process.env.DEVARCH_E2E_URL).toString());
  await page.getByTestId('template-card-nginx').waitFor();
  await app.screenshot('templates-dark');
  assert.deepEqual(app.problems, [], 'no page errors, console errors or failed requests');
});
