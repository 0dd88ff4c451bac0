// Accessible to everyone (issue 11, item 11): axe-core (WCAG 2.1 A and AA rules) on every
// page of the window, with a realistic stack, in light and dark, plus the add-instance
// catalog; any serious or critical violation fails, listed with its rule, the elements and
// axe's summary (for contrast: the colours and the ratio).
//
// axe's source (the npm package axe-core, a devDependency of tests/e2e) is evaluated in the
// page through the DevTools protocol, which the page's Content Security Policy does not
// govern; the app's own policy stays as strict as it is.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { launchApp, waitForStatus } from '../lib/app.mjs';
import { pages, setupShowcase, teardownShowcase, THEMES } from '../lib/showcase.mjs';

const STACK = 'ly-a11y-storefront-campaign';
const require = createRequire(import.meta.url);
const AXE_SOURCE = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
// Rules that fail at any impact: the structure review named them (axe calls a role that HTML
// does not allow on an element, such as group on a form, "minor").
const ALSO_FAIL = ['aria-allowed-role'];

/**
 * Waits until the styles of a theme just switched are applied (the heading has the body's
 * colour, which it inherits) before colours are measured; if that never happens, axe reports it.
 */
async function settled(page) {
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await page
    .waitForFunction(
      () => {
        const h1 = document.querySelector('h1');
        return !h1 || getComputedStyle(h1).color === getComputedStyle(document.body).color;
      },
      undefined,
      { timeout: 5000 },
    )
    .catch(() => {});
}

/**
 * Runs axe on the page as it is; returns one line per serious or critical violation.
 *
 * @param {import('playwright-core').Page} page
 * @param {string} label
 */
async function audit(page, label) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async (tags) => {
    // @ts-ignore axe is the global the source defines.
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map((/** @type {any} */ v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((/** @type {any} */ n) => ({
        target: n.target.join(' '),
        summary: `${(n.failureSummary || '').replace(/\s+/g, ' ').slice(0, 240)} [${(n.html || '').slice(0, 120)}]`,
      })),
    }));
  }, TAGS);
  const lines = [];
  for (const v of violations) {
    if (v.impact !== 'serious' && v.impact !== 'critical' && !ALSO_FAIL.includes(v.id)) continue;
    for (const node of v.nodes) lines.push(`${label}: ${v.id} (${v.impact}, ${v.help}) at ${node.target}: ${node.summary}`);
  }
  return lines;
}

test('axe-core finds no serious or critical WCAG 2.1 A/AA violation on any page, light and dark', { timeout: 900_000 }, async (t) => {
  const { template } = await setupShowcase(STACK);
  t.after(() => teardownShowcase(STACK, template));

  const app = await launchApp({ path: `/#/stacks/${STACK}`, viewport: { width: 1280, height: 800 } });
  t.after(() => app.close());
  const { page } = app;
  await waitForStatus(page, 'database', 'ok');
  await waitForStatus(page, 'engine', 'ok');

  const found = [];
  for (const theme of THEMES) {
    await page.emulateMedia({ colorScheme: theme });
    await page.waitForFunction((dark) => matchMedia('(prefers-color-scheme: dark)').matches === dark, theme === 'dark');
    // Seen twice: the status bar kept the other theme's text colour in the first audit after
    // a live switch (settling two frames did not help). A fresh load in the theme audits what
    // a user who starts DevArch in it sees.
    await page.reload();
    await waitForStatus(page, 'database', 'ok');
    await waitForStatus(page, 'engine', 'ok');
    for (const { name, open } of pages(STACK)) {
      await open(page);
      await settled(page);
      found.push(...(await audit(page, `${name} ${theme}`)));
    }
    // The instance editor's other view and the add-instance catalog.
    await pages(STACK).find((p) => p.name === 'instance').open(page);
    await page.getByRole('tab', { name: /YAML/ }).click();
    await page.locator('.cm-content').first().waitFor();
    found.push(...(await audit(page, `instance-yaml ${theme}`)));
    await pages(STACK).find((p) => p.name === 'stack').open(page);
    await page.getByRole('button', { name: 'Add instance' }).first().click();
    const dialog = page.getByTestId('add-instance-dialog');
    await dialog.getByTestId('template-option-postgres').click();
    found.push(...(await audit(page, `add-instance ${theme}`)));
    await app.screenshot(`a11y-add-instance-${theme}`);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  }
  assert.deepEqual(found, [], `axe found ${found.length} serious or critical violation(s):\n${found.join('\n')}`);
  assert.deepEqual(app.problems, []);
});
