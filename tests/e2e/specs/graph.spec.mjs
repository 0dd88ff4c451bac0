// The graph view (issue 12, item 5) on the real backend: a wired stack of local busybox
// templates shows as a graph; an ambiguous need is resolved by choosing a provider on the
// graph; a wire is created by dragging a need to a provider and removed with Delete; a
// `docker stop` of a provider turns its node stopped without a reload, re-rendering that node
// only. A second test measures a 100-instance stack's graph against the instances table.
//
// Setup goes through the binary's CLI (and, for the 100 instances, the window's own bindings);
// what is checked is what the window shows and what `devarch wire list` then says.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { launchApp, screenshotDir, waitForStatus } from '../lib/app.mjs';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const IMAGE = 'devarch-test/busybox:1';
const STACK = 'grwired';
const BIG = 'grbig';

const TEMPLATES = {
  'gr-db': `name: gr-db
category: database
description: mysql-like provider with a healthcheck
service:
  image: ${IMAGE}
  command: [sh, -c, "mkdir -p /www && echo db > /www/index.html && exec httpd -f -p 3306 -h /www"]
  init: true
  stop_grace_period: 1s
  environment: {DB_PASSWORD: s3cret}
  healthcheck:
    test: [CMD, wget, -q, -O, /dev/null, "http://127.0.0.1:3306/"]
    interval: 1s
    retries: 30
provides:
  - contract: grdb
    values: {host: "\${host}", port: "3306", password: "\${env.DB_PASSWORD}"}
`,
  'gr-cache': `name: gr-cache
category: cache
description: redis-like provider
service:
  image: ${IMAGE}
  command: [sleep, "3600"]
  init: true
  stop_grace_period: 1s
provides:
  - contract: grkv
    values: {host: "\${host}", port: "6379"}
`,
  'gr-app': `name: gr-app
category: runtime
description: consumes grdb (required) and grkv (optional)
service:
  image: ${IMAGE}
  command: [sleep, "3600"]
  init: true
  stop_grace_period: 1s
consumes:
  - contract: grdb
    required: true
    env: {DB_HOST: host, DB_PORT: port, DB_PASSWORD: password}
  - contract: grkv
    env: {KV_HOST: host}
`,
};

async function docker(...args) {
  const { stdout } = await run('docker', args, { timeout: 60_000 });
  return stdout.trim();
}

async function ensureImage() {
  try {
    await docker('image', 'inspect', '--format', '{{.Id}}', IMAGE);
  } catch {
    await run('go', ['test', './backend/runtime/runtimetest/', '-run', '^TestBusyboxImage$', '-count=1'], { cwd: ROOT, timeout: 300_000 });
  }
}

async function cleanEngine() {
  const project = `devarch-${STACK}`;
  await run('docker', ['compose', '-p', project, 'down', '-t', '0', '--remove-orphans', '--volumes'], { timeout: 60_000 }).catch(() => {});
  const left = await docker('ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`).catch(() => '');
  if (left) await run('docker', ['rm', '-f', ...left.split('\n')]).catch(() => {});
}

async function cli(...args) {
  const bin = process.env.DEVARCH_E2E_BIN;
  assert.ok(bin, 'DEVARCH_E2E_BIN is set by run.sh');
  const { stdout } = await run(bin, args, { timeout: 180_000 });
  return stdout;
}

async function importTemplates() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grgraph-'));
  try {
    for (const [name, yaml] of Object.entries(TEMPLATES)) {
      const file = path.join(dir, `${name}.yaml`);
      fs.writeFileSync(file, yaml);
      await cli('template', 'import', '--replace', file).catch(() => cli('template', 'import', file));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function wireList(stack) {
  return JSON.parse(await cli('wire', 'list', stack, '--json'));
}

function wireOf(list, consumer, contract) {
  return list.wires.find((w) => w.consumer === consumer && w.contract === contract);
}

/** Polls fn until it returns true (no fixed sleeps), failing with the last value. */
async function eventually(what, fn, timeout = 30_000) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last === true) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what}: not true within ${timeout} ms (last: ${JSON.stringify(last)})`);
}

/** A screenshot of the graph alone (legend and canvas), for docs/images. */
async function shootGraph(page, name) {
  fs.mkdirSync(screenshotDir, { recursive: true });
  const legend = page.getByTestId('graph-legend');
  await legend.evaluate((e) => e.scrollIntoView({ block: 'start' }));
  const l = await legend.boundingBox();
  const c = await page.getByTestId('graph-canvas').boundingBox();
  assert.ok(l && c, 'the legend and the canvas are on screen');
  await page.screenshot({
    path: path.join(screenshotDir, `${name}.png`),
    animations: 'disabled',
    clip: { x: c.x - 4, y: l.y - 4, width: c.width + 8, height: c.y + c.height - l.y + 8 },
  });
}

async function openGraph(page, stack) {
  await page.goto(new URL(`#/stacks/${stack}`, page.url()).toString());
  await page.getByRole('heading', { level: 1, name: stack }).waitFor();
  await page.getByRole('tab', { name: 'Graph' }).click();
  await page.getByTestId('graph-canvas').waitFor();
}

/** Drags with the mouse from one element's centre to another's, in steps (React Flow follows pointer moves). */
async function drag(page, from, to) {
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  assert.ok(a && b, 'both ends of the drag are on screen');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 8 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 8 });
  await page.mouse.up();
}

test('the graph shows the wired stack live and edits its wires', { timeout: 600_000 }, async (t) => {
  await ensureImage();
  await cleanEngine();
  t.after(cleanEngine);
  await importTemplates();
  await cli('stack', 'create', STACK);
  for (const [name, template] of [['db', 'gr-db'], ['cache', 'gr-cache'], ['app', 'gr-app']]) {
    await cli('instance', 'add', STACK, name, '--template', template);
  }
  await cli('apply', STACK, '--yes');
  // After the apply: a second provider (app stays pinned to db) and a new, ambiguous consumer.
  await cli('instance', 'add', STACK, 'db2', '--template', 'gr-db');
  await cli('instance', 'add', STACK, 'app2', '--template', 'gr-app');

  const app = await launchApp({ path: `/#/stacks/${STACK}` });
  t.after(() => app.close());
  const { page } = app;
  await waitForStatus(page, 'database', 'ok');
  await openGraph(page, STACK);
  const canvas = page.getByTestId('graph-canvas');
  const node = (name) => canvas.getByTestId(`graph-node-${name}`);

  // ---- The wired stack: every instance a node with its live state; pinned wires dashed ----
  for (const name of ['db', 'db2', 'cache', 'app', 'app2']) await node(name).waitFor();
  await page.locator('[data-testid="graph-node-db"][data-state="running"]').waitFor({ timeout: 30_000 });
  assert.match(await node('db').getByTestId('graph-node-state').innerText(), /Healthy|Running/);
  assert.equal(await node('db2').getAttribute('data-state'), 'not created');
  await eventually('two pinned wires drawn', async () => (await canvas.locator('.react-flow__edge.graph-edge--pinned').count()) === 2);
  assert.equal(await canvas.locator('[data-testid="graph-need-app-grdb"]').getAttribute('data-status'), 'wired');
  // The ambiguous need: dotted choice edges to both providers, and its fix in the problems.
  assert.equal(await canvas.locator('.react-flow__edge.graph-edge--ambiguous').count(), 2);
  assert.equal(await canvas.locator('[data-testid="graph-need-app2-grdb"]').getAttribute('data-status'), 'ambiguous');
  assert.match(await page.getByTestId('graph-problems').innerText(), /app2: grdb is ambiguous: choose db or db2[\s\S]*devarch wire set grwired app2 grdb db/);
  assert.match(await page.getByTestId('graph-warnings').innerText(), /db2 also provides grdb; app stays wired to db/);
  // The same wires as a table, for the keyboard.
  assert.equal(await page.getByTestId('wire-row-app2-grdb').getAttribute('data-status'), 'ambiguous');
  await shootGraph(page, 'graph-ambiguous-light');

  // ---- Choose a provider on the graph: an explicit wire, the problem gone ----
  await node('app2').getByRole('combobox', { name: 'Provider of grdb for app2' }).selectOption('db2');
  await canvas.locator('.react-flow__edge.graph-edge--explicit').first().waitFor();
  await eventually('app2 wired to db2', async () => wireOf(await wireList(STACK), 'app2', 'grdb')?.provider === 'db2');
  assert.equal(wireOf(await wireList(STACK), 'app2', 'grdb').kind, 'explicit');
  await page.getByTestId('graph-problems').waitFor({ state: 'detached' });
  assert.equal(await canvas.locator('.react-flow__edge.graph-edge--ambiguous').count(), 0);

  // ---- Drag app's grdb need onto db2: an explicit wire replaces the pinned one ----
  const handle = node('app').locator('[data-testid="graph-need-app-grdb"] .react-flow__handle');
  const target = node('db2').locator('.react-flow__handle.target');
  await drag(page, handle, target);
  await eventually('app wired to db2 by the drag', async () => {
    const w = wireOf(await wireList(STACK), 'app', 'grdb');
    return w?.provider === 'db2' && w?.kind === 'explicit' ? true : w;
  });
  await eventually('two explicit wires drawn', async () => (await canvas.locator('.react-flow__edge.graph-edge--explicit').count()) === 2);

  // ---- Select that wire and press Delete: unset, app falls back to its pinned db ----
  const edge = canvas.locator('.react-flow__edge.graph-edge--explicit[aria-label^="app needs grdb from db2"]');
  await edge.click();
  await canvas.locator('.react-flow__edge.graph-edge--explicit.selected').waitFor();
  await page.keyboard.press('Delete');
  await eventually('app back on its pinned db', async () => {
    const w = wireOf(await wireList(STACK), 'app', 'grdb');
    return w?.provider === 'db' && w?.kind === 'pinned' ? true : w;
  });
  await eventually('one explicit wire drawn', async () => (await canvas.locator('.react-flow__edge.graph-edge--explicit').count()) === 1);
  await shootGraph(page, 'graph-light');

  // ---- docker stop of a provider: its node turns stopped, without a reload, alone ----
  const positions = async () =>
    page.evaluate(() =>
      Object.fromEntries([...document.querySelectorAll('.react-flow__node')].map((n) => [n.getAttribute('data-id'), n.style.transform])),
    );
  const renders = async () =>
    page.evaluate(() =>
      Object.fromEntries(
        [...document.querySelectorAll('[data-testid^="graph-node-"][data-renders]')].map((n) => [n.getAttribute('data-testid'), Number(n.getAttribute('data-renders'))]),
      ),
    );
  const placedBefore = await positions();
  const rendersBefore = await renders();
  await page.evaluate(() => {
    window.__grNoReload = true;
  });
  await docker('stop', '-t', '1', `devarch-${STACK}-db`);
  await page.locator('[data-testid="graph-node-db"][data-state="exited"]').waitFor({ timeout: 30_000 });
  assert.match(await node('db').getByTestId('graph-node-state').innerText(), /Stopped/);
  assert.equal(await page.evaluate(() => window.__grNoReload), true, 'the page was not reloaded');
  assert.deepEqual(await positions(), placedBefore, 'a status change moved nodes');
  const rendersAfter = await renders();
  assert.ok(rendersAfter['graph-node-db'] > rendersBefore['graph-node-db'], 'the stopped node re-rendered');
  for (const name of ['db2', 'cache', 'app', 'app2']) {
    assert.equal(rendersAfter[`graph-node-${name}`], rendersBefore[`graph-node-${name}`], `${name} re-rendered on db's status event`);
  }
  console.log(`graph: renders per node around the docker stop: before ${JSON.stringify(rendersBefore)} after ${JSON.stringify(rendersAfter)}`);

  // ---- Double-click opens the instance; its page shows its needs with the same controls ----
  await node('app').dblclick();
  await page.getByRole('heading', { level: 1, name: 'app' }).waitFor();
  const needs = page.getByTestId('instance-needs');
  await needs.getByTestId('wire-row-app-grdb').waitFor();
  assert.ok(await needs.getByRole('combobox', { name: 'Provider of grdb for app' }).isVisible());
  await needs.evaluate((e) => e.scrollIntoView({ block: 'nearest' }));
  await app.screenshot('graph-instance-needs');

  // ---- Dark ----
  await page.emulateMedia({ colorScheme: 'dark' });
  await openGraph(page, STACK);
  await node('app').waitFor();
  await page.getByTestId('wires-table').waitFor();
  await shootGraph(page, 'graph-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  assert.deepEqual(app.problems, []);
});

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

test('a 100-instance graph lays out and renders in under 300 ms', { timeout: 600_000 }, async (t) => {
  await importTemplates();
  const app = await launchApp({ path: '/#/stacks' });
  t.after(() => app.close());
  const { page } = app;
  await waitForStatus(page, 'database', 'ok');
  // 20 providers and 80 consumers, each wired explicitly to one provider: 100 nodes, 80 wires.
  await page.evaluate(async (stack) => {
    const b = window.go.bindings;
    await b.Stacks.Create(stack, 'graph benchmark');
    for (let i = 0; i < 20; i++) await b.Instances.Add(stack, `db${String(i).padStart(2, '0')}`, 'gr-db');
    for (let i = 0; i < 80; i++) {
      const name = `app${String(i).padStart(2, '0')}`;
      await b.Instances.Add(stack, name, 'gr-app');
      await b.Wires.Set(stack, name, 'grdb', `db${String(i % 20).padStart(2, '0')}`);
    }
  }, BIG);
  t.after(() => cli('stack', 'delete', BIG).catch(() => {}));

  await page.goto(new URL(`#/stacks/${BIG}`, page.url()).toString());
  await page.getByTestId('instances-table').waitFor();

  /** Clicks a tab and resolves when the view shows count elements, painted (one more frame). */
  const time = (tab, selector, count) =>
    page.evaluate(
      async ({ tab, selector, count }) => {
        const button = [...document.querySelectorAll('[role="tab"]')].find((x) => x.textContent.trim() === tab);
        const t0 = performance.now();
        button.click();
        await new Promise((resolve) => {
          const check = () => {
            const shown = [...document.querySelectorAll(selector)].filter((n) => getComputedStyle(n).visibility !== 'hidden');
            if (shown.length >= count) resolve();
            else requestAnimationFrame(check);
          };
          check();
        });
        await new Promise((r) => requestAnimationFrame(() => r()));
        return performance.now() - t0;
      },
      { tab, selector, count },
    );
  const graphSel = '.react-flow__node';
  const tableSel = '[data-testid^="instance-row-"]';
  // Warm-up: fetch the graph once (the runs below render from the query cache, like a user
  // switching tabs), and let the engine answer.
  await time('Graph', graphSel, 100);
  await page.locator('.react-flow__edge').nth(79).waitFor();
  await time('Instances', tableSel, 100);
  const graphRuns = [];
  const tableRuns = [];
  for (let i = 0; i < 9; i++) {
    graphRuns.push(await time('Graph', graphSel, 100));
    tableRuns.push(await time('Instances', tableSel, 100));
  }
  const g = median(graphRuns);
  const r = median(tableRuns);
  console.log(
    `graph benchmark (100 instances, 80 wires): graph median ${g.toFixed(1)} ms [${graphRuns.map((x) => x.toFixed(0)).join(', ')}], ` +
      `instances table median ${r.toFixed(1)} ms [${tableRuns.map((x) => x.toFixed(0)).join(', ')}], ratio ${(g / r).toFixed(2)}`,
  );
  await page.getByRole('tab', { name: 'Graph' }).click();
  await page.locator(graphSel).nth(99).waitFor();
  await app.screenshot('graph-100');
  // The budget is 300 ms. A machine busy enough to slow the reference (the instances table,
  // measured alternately in the same page) past 100 ms is judged by the ratio instead, which
  // the quiet runs put at 2.1-2.5 (docs/benchmarks.md).
  assert.ok(g < 300 || (r > 100 && g / r < 3.5),
    `a 100-instance graph took ${g.toFixed(1)} ms (median of 9) to lay out and render, ${(g / r).toFixed(2)}x the instances table; the budget is 300 ms`);
  assert.deepEqual(app.problems, []);
});
