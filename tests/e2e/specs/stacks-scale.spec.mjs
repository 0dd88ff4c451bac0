// The Stacks page at scale (issue 15, item 1: "the desktop's memory does not grow with stacks
// that are not on screen"). With 500 stacks the table renders only the rows in and around the
// viewport (spacer rows keep the scroll height), so:
// - the table body holds a bounded number of rows, and the table still tells assistive
//   technology its real size (aria-rowcount on the table, aria-rowindex on each row);
// - scrolling the content area to the bottom shows the last stack's link;
// - Tab from the first row's link walks every stack in order, far below the first screen
//   (the focused row's neighbours are always rendered, so focus never falls off the table);
// - the page's DOM node count with 500 stacks stays within 1.5x of the count with 50 (CDP
//   Performance.getMetrics after a forced garbage collection), and the JS heap is printed.
// - a stack mid-list applied from the CLI shows Running in its row without a reload (the
//   app's status events), and the header still counts every stack;
// - axe-core finds no serious or critical violation in the windowed table (spacer rows
//   included), at the top and mid-list.
// Screenshots: top and bottom of the list, light and dark; the live row; the focus far down.
//
// The stacks are created through the real backend over the dev server's IPC WebSocket (the
// bindings the window calls; one connection, one call after another), which is much faster
// than 500 CLI processes. Every name carries the tag "hw"; they are deleted at the end.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { baseURL, launchApp, token, waitForStatus } from '../lib/app.mjs';
import { ensureImage, IMAGE } from '../lib/engine.mjs';
import { call, openIPC } from '../lib/ipc.mjs';

const run = promisify(execFile);
const AXE_SOURCE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const TOTAL = 500;
const FEW = 50;
const name = (i) => `hw-scale-${String(i).padStart(3, '0')}`;
/** The stack applied mid-list, whose status changes live while the list is on screen. */
const LIVE = name(250);
const TEMPLATE = 'hw-idle';

async function cli(...args) {
  const bin = process.env.DEVARCH_E2E_BIN;
  assert.ok(bin, 'DEVARCH_E2E_BIN is set by run.sh');
  const { stdout } = await run(bin, args, { timeout: 120_000 });
  return stdout;
}

/** Removes the live stack's containers and network, whatever state the run left them in. */
async function cleanLive() {
  await cli('stack', 'delete', LIVE, '--force', '--volumes').catch(() => {});
  const project = `devarch-${LIVE}`;
  await run('docker', ['compose', '-p', project, 'down', '-t', '0', '--remove-orphans', '--volumes'], { timeout: 60_000 }).catch(() => {});
  const left = await run('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`])
    .then((r) => r.stdout.trim())
    .catch(() => '');
  if (left) await run('docker', ['rm', '-f', ...left.split('\n')]).catch(() => {});
}

/** axe-core (WCAG 2.1 A/AA) on the page: serious or critical violations, and any disallowed ARIA. */
async function audit(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    // @ts-ignore axe is the global its source defines.
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return result.violations
      .filter((/** @type {any} */ v) => v.impact === 'serious' || v.impact === 'critical' || v.id.startsWith('aria-allowed'))
      .map((/** @type {any} */ v) => `${v.id} (${v.impact}): ${v.help}: ${v.nodes.map((/** @type {any} */ n) => n.target.join(' ')).join(', ')}`);
  });
}

/** Nodes and JS heap of the page after a forced garbage collection (CDP). */
async function metrics(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics: all } = await cdp.send('Performance.getMetrics');
  const metric = (key) => all.find((m) => m.name === key)?.value ?? NaN;
  return { nodes: metric('Nodes'), heap: metric('JSHeapUsedSize') };
}
/** Every third stack has a description long enough for two lines, every fifth none: rows of different heights. */
const description = (i) =>
  i % 5 === 0
    ? ''
    : i % 3 === 0
      ? `Stack ${i}: a storefront with its orders database, a cache, a mail catcher and an object store, kept for the scale test of the stacks list.`
      : `Stack ${i}`;

/** @returns {Promise<import('node:net').Socket>} an IPC socket once the backend is ready. */
async function connect() {
  const origin = new URL(baseURL).origin;
  const answer = await openIPC(new URL('/wails/ipc', baseURL).toString(), { origin, cookie: `devarch_dev_token=${token}` });
  assert.equal(answer.status, 101, `the IPC WebSocket: ${answer.body ?? ''}`);
  const socket = /** @type {import('node:net').Socket} */ (answer.socket);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const health = await call(socket, 'bindings.System.Health');
    assert.equal(health.error, null, JSON.stringify(health));
    if (health.result?.ready) return socket;
    assert.ok(Date.now() < deadline, `the backend is not ready: ${JSON.stringify(health.result)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function invoke(socket, method, ...args) {
  const answer = await call(socket, `bindings.Stacks.${method}`, args, 60_000);
  assert.equal(answer.error, null, `Stacks.${method}(${args.map((a) => JSON.stringify(a)).join(', ')}): ${JSON.stringify(answer.error)}`);
  return answer.result;
}

/** Creates hw-scale-FROM .. hw-scale-(TO-1). */
async function createStacks(socket, from, to) {
  for (let i = from; i < to; i++) await invoke(socket, 'Create', name(i), description(i));
}

async function deleteOurs(socket) {
  const all = await invoke(socket, 'List');
  for (const s of all) if (s.name.startsWith('hw-scale-')) await invoke(socket, 'Delete', s.name, false, false);
}

/** Rows in the stacks table's body, and the table's own counts. */
function tableFacts() {
  const table = /** @type {HTMLTableElement} */ (document.querySelector('[data-testid="stacks-table"]'));
  const rows = [...table.tBodies[0].rows];
  return {
    bodyRows: rows.length,
    dataRows: rows.filter((r) => r.hasAttribute('aria-rowindex')).length,
    rowcount: table.getAttribute('aria-rowcount'),
  };
}

/**
 * Opens the Stacks page, waits for TOTAL stacks in its header, forces a garbage collection
 * and reads the page's metrics. A fresh browser each time, so nothing of a previous page counts.
 */
async function measurePage(expected) {
  const app = await launchApp({ viewport: { width: 1280, height: 800 } });
  try {
    await waitForStatus(app.page, 'database', 'ok');
    await app.page.getByText(`${expected} stacks on this machine`).waitFor({ timeout: 60_000 });
    await app.page.getByTestId('stacks-table').waitFor();
    const cdp = await app.context.newCDPSession(app.page);
    await cdp.send('Performance.enable');
    const { nodes, heap } = await metrics(cdp);
    const facts = await app.page.evaluate(tableFacts);
    const elements = await app.page.evaluate(() => document.getElementsByTagName('*').length);
    return { app, cdp, nodes, heap, elements, ...facts };
  } catch (error) {
    await app.screenshot('stacks-scale-failure').catch(() => {});
    await app.close();
    throw error;
  }
}

test('the stacks list stays flat at 500 stacks: bounded rows, the last stack reachable by scroll and by Tab, live status', { timeout: 900_000 }, async (t) => {
  const socket = await connect();
  // Cleanup in this order (node:test runs after-hooks in the order they were added): the
  // browser, the applied stack with its containers and template, then the other stacks.
  /** @type {(() => Promise<unknown>)[]} */
  const cleanups = [];
  t.after(async () => {
    for (const step of cleanups) await step().catch((e) => console.error(`cleanup: ${e}`));
    await deleteOurs(socket).catch((e) => console.error(`cleanup: ${e}`));
    socket.destroy();
  });
  // A previous run that was cut short.
  await cleanLive();
  await deleteOurs(socket);
  const others = (await invoke(socket, 'List')).length;

  // 50 stacks: the reference.
  let started = Date.now();
  await createStacks(socket, 0, FEW);
  console.log(`created ${FEW} stacks in ${Date.now() - started} ms`);
  const few = await measurePage(others + FEW);
  await few.app.close();

  // 500 stacks; one of them, mid-list, gets an idle instance to apply later.
  started = Date.now();
  await createStacks(socket, FEW, TOTAL);
  console.log(`created ${TOTAL - FEW} more stacks in ${Date.now() - started} ms`);
  await ensureImage();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hw-scale-'));
  cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  const templateFile = path.join(dir, `${TEMPLATE}.yaml`);
  fs.writeFileSync(
    templateFile,
    `name: ${TEMPLATE}
category: runtime
description: idle (stacks-scale e2e)
service:
  image: ${IMAGE}
  command: [sleep, "3600"]
  init: true
  stop_grace_period: 1s
`,
  );
  await cli('template', 'import', templateFile, '--replace');
  cleanups.push(async () => {
    await cleanLive();
    await cli('template', 'delete', TEMPLATE);
  });
  await cli('instance', 'add', LIVE, 'app', '--template', TEMPLATE);

  const many = await measurePage(others + TOTAL);
  const { app, cdp } = many;
  cleanups.unshift(() => app.close());
  const { page } = app;

  const report = (label, m) =>
    `${label}: Nodes ${m.nodes}, elements ${m.elements}, JSHeapUsedSize ${(m.heap / 1024 / 1024).toFixed(2)} MiB, body rows ${m.bodyRows} (${m.dataRows} stacks)`;
  console.log(report(`${others + FEW} stacks`, few));
  console.log(report(`${others + TOTAL} stacks`, many));
  console.log(`ratio 500/50: Nodes ${(many.nodes / few.nodes).toFixed(2)}, JSHeapUsedSize ${(many.heap / few.heap).toFixed(2)}`);

  // The table renders only a window of the list, and tells its real size.
  assert.ok(many.bodyRows < 80, `the table body holds ${many.bodyRows} rows with ${others + TOTAL} stacks (want < 80)`);
  assert.ok(many.nodes <= few.nodes * 1.5, `DOM nodes with ${TOTAL} stacks (${many.nodes}) within 1.5x of ${FEW} (${few.nodes})`);
  assert.equal(many.rowcount, String(others + TOTAL + 1), 'aria-rowcount counts every stack and the header row');
  assert.equal(few.rowcount, String(others + FEW + 1), 'aria-rowcount with every row rendered too');
  if (others + FEW <= 60) assert.equal(few.dataRows, others + FEW, 'up to 60 stacks every row is rendered');

  const table = page.getByRole('table', { name: 'Stacks' });
  const all = /** @type {{name: string}[]} */ (await invoke(socket, 'List')).map((s) => s.name);
  const firstRow = table.locator('tbody tr[aria-rowindex="2"]');
  await firstRow.getByRole('link').waitFor();
  assert.equal(await firstRow.getByRole('rowheader').getByRole('link').textContent(), all[0]);
  await app.screenshot('stacks-scale-top');
  // The columns stay put while the rows on screen change (they would follow the rendered
  // rows' content in an automatic table layout).
  const columnEdges = () =>
    table.evaluate((t) => [...t.querySelectorAll('thead th')].map((th) => Math.round(th.getBoundingClientRect().left)).join(','));
  const edgesAtTop = await columnEdges();

  // Scrolled to the bottom: the last stack is there, at its real row index.
  const toBottom = () =>
    page.waitForFunction(() => {
      const main = /** @type {HTMLElement} */ (document.querySelector('main'));
      main.scrollTo(0, main.scrollHeight);
      return main.scrollTop + main.clientHeight >= main.scrollHeight - 1;
    });
  await toBottom();
  const lastLink = table.getByRole('link', { name: all[all.length - 1], exact: true });
  await lastLink.waitFor({ state: 'visible', timeout: 10_000 });
  // The measured heights settle after the first paint at the bottom; stay there.
  await toBottom();
  const lastInView = await lastLink.evaluate((a) => {
    const r = a.getBoundingClientRect();
    const m = /** @type {HTMLElement} */ (document.querySelector('main')).getBoundingClientRect();
    return r.top >= m.top && r.bottom <= m.bottom;
  });
  assert.ok(lastInView, 'the last stack is on screen at the bottom of the list');
  assert.equal(
    await lastLink.evaluate((a) => a.closest('tr')?.getAttribute('aria-rowindex')),
    String(all.length + 1),
    'the last row says it is the last of the table',
  );
  assert.equal(await columnEdges(), edgesAtTop, 'the columns do not move when the list scrolls');
  const atBottom = await page.evaluate(tableFacts);
  assert.ok(atBottom.bodyRows < 80, `at the bottom the table body holds ${atBottom.bodyRows} rows`);
  const bottomMetrics = await metrics(cdp);
  console.log(`${others + TOTAL} stacks, scrolled to the bottom: Nodes ${bottomMetrics.nodes}, JSHeapUsedSize ${(bottomMetrics.heap / 1024 / 1024).toFixed(2)} MiB, body rows ${atBottom.bodyRows}`);
  assert.ok(bottomMetrics.nodes <= few.nodes * 1.5, `DOM nodes after scrolling to the bottom (${bottomMetrics.nodes}) within 1.5x of ${FEW} stacks (${few.nodes})`);
  await app.screenshot('stacks-scale-bottom');

  // Dark theme, bottom and top.
  await page.emulateMedia({ colorScheme: 'dark' });
  await app.screenshot('stacks-scale-bottom-dark');
  await page.evaluate(() => document.querySelector('main')?.scrollTo(0, 0));
  await firstRow.getByRole('link').waitFor({ state: 'visible' });
  await app.screenshot('stacks-scale-top-dark');
  // (axe is loaded only now: its source would count in the heap figures above.)
  assert.deepEqual(await audit(page), [], 'axe on the windowed list, at the top, dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // Live status mid-list: the stack applied from the CLI shows Running in its row, without
  // a reload (the page's own marker survives), through the app's status events.
  const liveIndex = all.indexOf(LIVE);
  await page.evaluate((fraction) => {
    const main = /** @type {HTMLElement} */ (document.querySelector('main'));
    main.scrollTo(0, main.scrollHeight * fraction);
  }, liveIndex / all.length);
  const liveLink = table.getByRole('link', { name: LIVE, exact: true });
  await liveLink.waitFor({ timeout: 10_000 });
  await liveLink.scrollIntoViewIfNeeded();
  const liveBadge = table.locator(`tr:has(a[title="${LIVE}"]) [data-status]`);
  assert.equal(await liveBadge.getAttribute('data-status'), 'new');
  await page.evaluate(() => Object.assign(window, { hwNoReload: true }));
  await cli('apply', LIVE, '--yes');
  await table.locator(`tr:has(a[title="${LIVE}"]) [data-status="running"]`).waitFor({ timeout: 60_000 });
  assert.equal(await page.evaluate(() => /** @type {any} */ (window).hwNoReload), true, 'the page was not reloaded');
  assert.equal(await liveLink.evaluate((a) => a.closest('tr')?.getAttribute('aria-rowindex')), String(liveIndex + 2));
  await page.getByText(`${others + TOTAL} stacks on this machine`).waitFor();
  await app.screenshot('stacks-scale-live');
  assert.deepEqual(await audit(page), [], 'axe on the windowed list, mid-list (spacers above and below)');
  await page.evaluate(() => document.querySelector('main')?.scrollTo(0, 0));
  await firstRow.getByRole('link').waitFor({ state: 'visible' });

  // Keyboard: from the first row's link, Tab walks the stacks one by one, far below the fold.
  const target = Math.min(300, all.length - 1);
  await firstRow.getByRole('link').focus();
  for (let i = 1; i <= target; i++) {
    await page.keyboard.press('Tab');
    if (i % 50 === 0 || i === target) {
      const focused = await page.evaluate(() => {
        const el = document.activeElement;
        const main = /** @type {HTMLElement} */ (document.querySelector('main')).getBoundingClientRect();
        const r = el?.getBoundingClientRect();
        return {
          text: el?.textContent ?? '',
          tag: el?.tagName ?? '',
          inTable: !!el?.closest('[data-testid="stacks-table"]'),
          onScreen: !!r && r.top >= main.top && r.bottom <= main.bottom,
        };
      });
      assert.ok(focused.inTable, `after ${i} Tabs focus left the table: <${focused.tag}> "${focused.text}"`);
      assert.equal(focused.text, all[i], `after ${i} Tabs from the first stack the focus is on the stack ${i} below it`);
      assert.ok(focused.onScreen, `the focused stack ${all[i]} is scrolled into view`);
    }
  }
  const whileFocused = await page.evaluate(tableFacts);
  assert.ok(whileFocused.bodyRows < 80, `with focus far down the table body holds ${whileFocused.bodyRows} rows`);
  await app.screenshot('stacks-scale-focus');
  // Shift+Tab goes back up one stack at a time.
  await page.keyboard.press('Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), all[target - 1]);
  // Enter opens the focused stack.
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: all[target - 1] }).waitFor();

  assert.deepEqual(app.problems, []);
});
