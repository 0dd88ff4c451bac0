// The log view (issue 14, item 8) on the real backend: a stack of two instances that print
// lines periodically (one in ANSI colour) -> the stack page's Logs opens one stream for the
// whole stack; lines of both instances appear live, each tagged with its instance, the
// colour rendered (no escape shown) -> pause: new lines arrive but the view stays put;
// resume returns to the end -> the text filter and the instance filter narrow the lines ->
// closing the view ends its compose logs process (checked in the process table). Screenshots
// in light and dark at 1024x700. Only the local test image is used.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { launchApp, waitForStatus } from '../lib/app.mjs';
import { cleanEngine, cli } from '../lib/showcase.mjs';
import { IMAGE, ensureImage, eventually, logProcesses as logProcessesOf } from '../lib/engine.mjs';

const STACK = 'lgvlogs';

// Two templates: "front" prints a bold green word (an ANSI escape), "back" plain text.
const templates = {
  'lgv-green': `name: lgv-green
category: runtime
description: prints a coloured line every 0.3 s
service:
  image: ${IMAGE}
  command: [sh, -c, "while true; do printf '\\\\033[1;32mlgv-green\\\\033[0m tick\\\\n'; sleep 0.3; done"]
  init: true
  stop_grace_period: 1s
`,
  'lgv-plain': `name: lgv-plain
category: runtime
description: prints a plain line every 0.3 s
service:
  image: ${IMAGE}
  command: [sh, -c, "while true; do echo lgv-plain tock; sleep 0.3; done"]
  init: true
  stop_grace_period: 1s
`,
};

test('the stack log view streams both instances live, pauses, filters, and ends its stream on close', { timeout: 600_000 }, async (t) => {
  await ensureImage();
  await cleanEngine(STACK);
  t.after(() => cleanEngine(STACK));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lgv-'));
  for (const [name, body] of Object.entries(templates)) {
    const file = path.join(dir, `${name}.yaml`);
    fs.writeFileSync(file, body);
    await cli('template', 'import', '--replace', file).catch(() => cli('template', 'import', file));
  }
  fs.rmSync(dir, { recursive: true, force: true });
  await cli('stack', 'create', STACK);
  await cli('instance', 'add', STACK, 'front', '--template', 'lgv-green');
  await cli('instance', 'add', STACK, 'back', '--template', 'lgv-plain');
  await cli('apply', STACK, '--yes');

  const app = await launchApp({ path: `/#/stacks/${STACK}`, viewport: { width: 1024, height: 700 } });
  t.after(() => app.close());
  const { page } = app;
  await waitForStatus(page, 'database', 'ok');
  await page.getByRole('heading', { level: 1, name: STACK }).waitFor();

  // ---- The stack's Logs: one stream, lines of both instances, tagged, colour rendered ----
  await page.getByTestId('stack-logs-button').click();
  const dialog = page.getByTestId('logs-dialog');
  await dialog.waitFor();
  assert.match(await dialog.getByRole('heading').first().innerText(), new RegExp(`Logs of stack ${STACK}`));
  const panel = dialog.getByTestId('logs-panel');
  const pane = dialog.getByTestId('logs-pane');
  const rowsIn = () =>
    pane.evaluate((el) =>
      [...el.querySelectorAll('.logs-line')].map((r) => ({ instance: r.getAttribute('data-instance'), tag: r.querySelector('.logs-line__tag')?.textContent ?? '', text: r.textContent ?? '' })),
    );
  await eventually('lines of both instances in the view', async () => {
    const rows = await rowsIn();
    return (rows.some((r) => r.instance === 'front' && r.text.includes('lgv-green tick')) && rows.some((r) => r.instance === 'back' && r.text.includes('lgv-plain tock'))) || rows.slice(-4);
  });
  for (const r of await rowsIn()) {
    if (r.instance) assert.equal(r.tag, r.instance, `a line is tagged with its instance: ${JSON.stringify(r)}`);
    assert.ok(!r.text.includes('\x1b') && !r.text.includes('[1;32m') && !r.text.includes(' | '), `no escape or compose prefix shown: ${JSON.stringify(r)}`);
  }
  const green = pane.locator('.logs-line[data-instance="front"] .ansi-bold.ansi-fg-c2').first();
  assert.equal(await green.innerText(), 'lgv-green');
  const [tagFront, tagBack] = await Promise.all(
    ['front', 'back'].map((n) => pane.locator(`.logs-line[data-instance="${n}"] .logs-line__tag`).first().evaluate((el) => getComputedStyle(el).color)),
  );
  assert.notEqual(tagFront, tagBack, 'the two instances have different tag colours');
  const procs = logProcessesOf(STACK);
  assert.ok(procs.length > 0, 'a compose logs process runs while the view is open');
  for (const p of procs) assert.match(p, /--tail 200$/, `one stream for the whole project, not per instance: ${procs}`);
  assert.equal(await panel.getAttribute('data-following'), 'true');

  // Enough lines to scroll, then following keeps the end in view.
  await eventually('more lines than the view shows', async () => Number(await pane.getAttribute('data-rows')) > 80 || (await pane.getAttribute('data-rows')));
  const geometry = () => pane.evaluate((el) => ({ top: el.scrollTop, fromEnd: el.scrollHeight - el.scrollTop - el.clientHeight, rows: Number(el.dataset.rows) }));
  await eventually('the view at the end while following', async () => (await geometry()).fromEnd < 8 || (await geometry()));
  await app.screenshot('logs-stack-light');

  // ---- Pause: new lines arrive (the count grows) but the view does not move ----
  await dialog.getByRole('button', { name: 'Pause follow' }).click();
  assert.equal(await panel.getAttribute('data-following'), 'false');
  const paused = await geometry();
  const firstRowPaused = await pane.evaluate((el) => {
    const top = el.getBoundingClientRect().top;
    return [...el.querySelectorAll('.logs-line')].find((r) => r.getBoundingClientRect().bottom > top + 1)?.textContent;
  });
  await eventually('new lines while paused', async () => (await geometry()).rows >= paused.rows + 6 || (await geometry()));
  const after = await geometry();
  assert.equal(after.top, paused.top, 'paused: the view stays where it was');
  assert.ok(after.fromEnd > 6 * 17, `paused: the new lines are below the view (${after.fromEnd}px below)`);
  const firstRowAfter = await pane.evaluate((el) => {
    const top = el.getBoundingClientRect().top;
    return [...el.querySelectorAll('.logs-line')].find((r) => r.getBoundingClientRect().bottom > top + 1)?.textContent;
  });
  assert.equal(firstRowAfter, firstRowPaused, 'paused: the same line is at the top');
  assert.match(await panel.getByRole('status').innerText(), /Paused/);

  // ---- Resume: back to the end, following again ----
  await dialog.getByRole('button', { name: 'Resume follow' }).click();
  assert.equal(await panel.getAttribute('data-following'), 'true');
  await eventually('the end in view after resume', async () => (await geometry()).fromEnd < 8 || (await geometry()));

  // ---- The text filter: only matching lines, "N of M lines" ----
  const filter = dialog.getByRole('searchbox', { name: 'Filter' });
  await filter.focus();
  await page.keyboard.type('GREEN TICK');
  await eventually('the filter applied', async () => /^\d+ of \d+ lines/.test(await dialog.getByTestId('logs-count').innerText()) || (await dialog.getByTestId('logs-count').innerText()));
  const [shown, total] = (await dialog.getByTestId('logs-count').innerText()).match(/\d+/g).map(Number);
  assert.ok(shown > 0 && shown < total, `the filter narrows: ${shown} of ${total}`);
  const filtered = await rowsIn();
  assert.ok(filtered.length > 0 && filtered.every((r) => r.instance === 'front' && r.text.includes('lgv-green tick')), `only matching lines: ${JSON.stringify(filtered.slice(0, 3))}`);
  await app.screenshot('logs-stack-filtered-light');
  await filter.fill('');

  // ---- The instance filter: hide front, only back's lines remain ----
  const instances = dialog.getByRole('group', { name: 'Instances' });
  await instances.getByRole('checkbox', { name: 'front' }).uncheck();
  await eventually('only back lines', async () => {
    const rows = await rowsIn();
    return (rows.length > 0 && rows.every((r) => r.instance === 'back')) || rows.slice(0, 3);
  });
  await eventually('back lines keep arriving', async () => (await rowsIn()).every((r) => r.instance === 'back'));
  await instances.getByRole('checkbox', { name: 'front' }).check();
  await eventually('both instances again', async () => (await rowsIn()).some((r) => r.instance === 'front'));

  // ---- Dark theme ----
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForFunction(() => matchMedia('(prefers-color-scheme: dark)').matches);
  await dialog.getByRole('button', { name: 'Pause follow' }).click();
  await app.screenshot('logs-stack-dark');
  await dialog.getByRole('button', { name: 'Resume follow' }).click();

  // ---- Closing the view ends its stream: no compose logs process is left ----
  await dialog.getByRole('button', { name: 'Close', exact: true }).first().click();
  await dialog.waitFor({ state: 'detached' });
  await eventually('no compose logs process after the view closed', async () => logProcessesOf(STACK).length === 0 || logProcessesOf(STACK));

  assert.deepEqual(app.problems, [], 'no page errors, console errors or failed requests');
});
