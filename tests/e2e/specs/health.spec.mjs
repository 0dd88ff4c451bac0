// The app frame against the real backend: the status bar's health comes from the Go side
// (window.go.bindings.System.Health), the stacks list from a fresh embedded database.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { launchApp, waitForStatus } from '../lib/app.mjs';

test('status bar reports a healthy database and engine; a fresh install has no stacks', { timeout: 120_000 }, async (t) => {
  const app = await launchApp();
  t.after(() => app.close());
  const { page } = app;

  const bridge = await page.evaluate(() => typeof window.go?.bindings?.System?.Health);
  assert.equal(bridge, 'function', 'window.go.bindings.System.Health is served by the dev binary');

  await waitForStatus(page, 'database', 'ok');
  await waitForStatus(page, 'engine', 'ok');
  assert.equal(await page.getByRole('button', { name: /^Database\b.*\(ok\)$/ }).count(), 1);
  assert.equal(await page.getByRole('button', { name: /^Container engine\b.*\(ok\)$/ }).count(), 1);

  await page.getByRole('heading', { level: 1, name: 'Stacks' }).waitFor();
  const empty = page.getByTestId('stacks-empty');
  await empty.waitFor({ timeout: 30_000 });
  assert.match(await empty.innerText(), /No stacks yet/);
  assert.match(await empty.innerText(), /devarch stack create NAME/);
  await app.screenshot('health');

  // The System page shows the same checks in full, and the running build.
  await page.getByRole('link', { name: 'System' }).click();
  await page.getByRole('heading', { level: 1, name: 'System' }).waitFor();
  await page.getByTestId('version-info').waitFor();
  const facts = await page.getByTestId('version-info').innerText();
  assert.match(facts, /Version/);
  assert.match(await page.getByTestId('check-database').innerText(), /OK/);
  assert.match(await page.getByTestId('check-engine').innerText(), /OK/);
  await app.screenshot('system');

  assert.deepEqual(app.problems, [], 'no page errors, console errors or failed requests');
});
