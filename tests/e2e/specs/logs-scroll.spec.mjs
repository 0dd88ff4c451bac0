// Long outputs stay smooth (issue 14, item 8): the stack log view holding 10,000 lines
// (some in ANSI colour, some long: 200 and 4,096 characters) scrolls top to bottom and back
// by wheel and by keys (PageDown, End, PageUp, Home) without jank, renders only the rows in
// view, keeps its horizontal extent while rows come and go, and its filter answers each
// keystroke quickly; measured in the same run as a reference, the same viewer holding 100
// lines.
//
// One test container (the local busybox image) prints nothing until told: `docker exec`
// drops a count in /tmp/more and it prints that many numbered lines (seq=00001 ...) at once.
// The view starts from the last 200 lines of each instance, so the lines are printed while
// it is open: 100 for the reference, then (the view reopened: its tail is those 100) 9,900
// more, 10,000 in all.
//
// Frame times are recorded inside the page with requestAnimationFrame (lib/frames.mjs)
// while the input goes through the browser. The bounds are for this machine's worst case (a
// shared 2-core runner, software rendering, other tests running): figures and reasons at
// BOUNDS. A figures line ("logs-scroll figures {...}") is printed and written to
// $DEVARCH_E2E_OUT/logs-scroll.json for docs/benchmarks.md.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { launchApp, outDir, waitForStatus } from '../lib/app.mjs';
import { cleanEngine, cli } from '../lib/showcase.mjs';
import { IMAGE, ensureImage, eventually } from '../lib/engine.mjs';
import { browserCpu, cpuSince, median, scrollThrough, startFrames, startInputLatency, stopFrames, takeInputLatency } from '../lib/frames.mjs';

const run = promisify(execFile);
const STACK = 'h4jscroll';
const INSTANCE = 'printer';
const CONTAINER = `devarch-${STACK}-${INSTANCE}`;

/**
 * The bounds a smooth view meets and a janky one fails, with room for a loaded 2-core
 * machine rendering in software (frame times there are 16.7 ms at best, 33 ms often).
 */
const BOUNDS = {
  /** Rows in the DOM at once with 10,000 lines: the view's height in rows plus overscan (46 at 1280x800), never the lines. */
  rows: 200,
  /**
   * 95th percentile of frame times while scrolling 10,000 lines, ms, or one frame (17 ms)
   * more than the 100-line reference of the same run when that is slower. Measured 16.8 (a
   * frame of 60 Hz; 100 lines: 17-33); with the blurred backdrop 133-200. Chromium 156
   * (Debian, 2026-12-01): 33.4-50 (100 lines: 33-50). 50 leaves room for a machine busy
   * with other tests.
   */
  p95: 50,
  /** Frames over 50 ms while scrolling 10,000 lines, as a share of all frames. */
  over50Share: 0.05,
  /**
   * Chromium's CPU time (all its processes: page, compositor, browser) per wheel notch or key
   * press while scrolling 10,000 lines, ms. CPU time does not grow while a loaded machine
   * makes the browser wait, so this holds where frame times are the machine's, not the page's.
   * Measured: 14-16 ms (100 lines: 5); with the blurred dialog backdrop 53-64 ms. Chromium 156
   * (Debian, 2026-12-01) costs about 2.5x as much for the same page: 37-48 ms (100 lines:
   * 10-14), the same code before and after the update. So the bound is this or
   * cpuPerInputRatio times the 100-line reference of the same run, whichever is higher: the
   * 10,000-line view may cost more per input than the 100-line one (more rows change per
   * input) but not much more (measured 2.1-4.0x in one run, the reference being noisy; 6x
   * with the blur, which with Chromium 156 does not even finish the scroll in 30 s).
   */
  cpuPerInput: 30,
  cpuPerInputRatio: 5.5,
  /** The median time from a keystroke in the filter to the next painted frame over 10,000 lines, ms (measured 8-15, typing at 80 ms a key). */
  filterMedian: 100,
  /** The slowest keystroke in the filter over 10,000 lines, ms (measured 38-64). */
  filterMax: 300,
};

// Prints COUNT lines each time /tmp/more holds COUNT: a timestamp, a level (plain, green,
// bold red or 256-colour orange), a sequence number, a request; every 7th line has a
// 200-character detail, every 97th a 4,096-character payload.
const template = `name: h4j-printer
category: runtime
description: prints numbered log lines when told to (e2e logs-scroll)
service:
  image: ${IMAGE}
  init: true
  stop_grace_period: 1s
  command:
    - sh
    - -c
    - |
      n=0
      while true; do
        if [ -f /tmp/more ]; then
          m=$(cat /tmp/more); rm -f /tmp/more
          awk -v s=$n -v m=$m 'BEGIN {
            pad = "0123456789abcdef"; for (k = 0; k < 8; k++) pad = pad pad
            for (i = s + 1; i <= s + m; i++) {
              lvl = "INFO "
              if (i % 5 == 0) lvl = "\\033[1;31mERROR\\033[0m"
              else if (i % 3 == 0) lvl = "\\033[32mINFO \\033[0m"
              else if (i % 11 == 0) lvl = "\\033[38;5;208mWARN \\033[0m"
              extra = ""
              if (i % 97 == 0) extra = " payload=" pad
              else if (i % 7 == 0) extra = " detail=" substr(pad, 1, 200)
              printf "2026-12-01T06:00:00.000Z %s seq=%05d GET /api/orders/%d status=200 took=%dms%s\\n", lvl, i, i * 7 % 1000, i % 250, extra
            }
            fflush()
          }'
          n=$((n + m))
        fi
        sleep 0.1
      done
`;

/** Tells the container to print count more lines (written aside, then renamed: never read half-written). */
async function printLines(count) {
  await run('docker', ['exec', CONTAINER, 'sh', '-c', `echo ${count} > /tmp/more.new && mv /tmp/more.new /tmp/more`]);
}

test('10,000 log lines scroll without jank, render only the rows in view, and filter quickly', { timeout: 600_000 }, async (t) => {
  await ensureImage();
  await cleanEngine(STACK);
  await cli('stack', 'delete', STACK, '--force', '--volumes').catch(() => {});
  t.after(async () => {
    await cli('stack', 'delete', STACK, '--force', '--volumes').catch(() => {});
    await cleanEngine(STACK);
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'h4j-'));
  const file = path.join(dir, 'h4j-printer.yaml');
  fs.writeFileSync(file, template);
  await cli('template', 'import', '--replace', file).catch(() => cli('template', 'import', file));
  fs.rmSync(dir, { recursive: true, force: true });
  await cli('stack', 'create', STACK);
  await cli('instance', 'add', STACK, INSTANCE, '--template', 'h4j-printer');
  // Other suites share the engine: a network created between plan and apply can take the
  // planned subnet, and apply then says to plan again (a new plan moves the stack).
  await cli('apply', STACK, '--yes').catch(() => cli('apply', STACK, '--yes'));

  const app = await launchApp({ path: `/#/stacks/${STACK}`, viewport: { width: 1280, height: 800 } });
  t.after(() => app.close());
  const { page } = app;
  await waitForStatus(page, 'database', 'ok');
  await page.getByRole('heading', { level: 1, name: STACK }).waitFor();

  const dialog = page.getByTestId('logs-dialog');
  const pane = dialog.getByTestId('logs-pane');
  const rowsSelector = '[data-testid="logs-pane"] .logs-panel__rows';
  const lines = async () => Number((await pane.getAttribute('data-rows')) ?? 0);
  const open = async () => {
    await page.getByTestId('stack-logs-button').click();
    await dialog.waitFor();
    await page.locator('[data-testid="logs-panel"][data-phase="live"]').waitFor();
  };
  const close = async () => {
    await dialog.getByRole('button', { name: 'Close', exact: true }).first().click();
    await dialog.waitFor({ state: 'detached' });
  };

  /**
   * The measurements of one view holding `want` lines once `count` more are printed: the
   * frames while they arrive, the frames while scrolling through, and the filter's latency
   * per keystroke (typing a sequence number that matches one line, then a level that
   * matches a fifth, each then cleared).
   */
  const measure = async (name, count, want) => {
    await startFrames(page, rowsSelector);
    const printed = Date.now();
    await printLines(count);
    await eventually(`${want} lines in the view`, async () => (await lines()) === want || (await lines()), 60_000);
    const arrival = (Date.now() - printed) / 1000;
    const ingest = await stopFrames(page);
    assert.equal(await dialog.getByTestId('logs-count').innerText(), `${want} lines`);

    await startFrames(page, rowsSelector);
    const cpu0 = browserCpu();
    const sent = await scrollThrough(page, pane, { step: 2000, presses: 40, timeout: 30_000 });
    const cpu = cpuSince(cpu0);
    const scroll = { ...(await stopFrames(page)), ...sent, cpu, cpuPerInput: Math.round((cpu.total / (sent.wheels + sent.keys)) * 10) / 10 };

    await startInputLatency(page, '[data-testid="logs-filter"]');
    const filter = dialog.getByRole('searchbox', { name: 'Filter' });
    await filter.focus();
    await page.keyboard.type('seq=00042', { delay: 80 });
    await eventually('the filter keeps the one line', async () => (await dialog.getByTestId('logs-count').innerText()) === `1 of ${want} lines` || (await dialog.getByTestId('logs-count').innerText()));
    assert.match(await pane.locator('.logs-line').first().innerText(), /seq=00042 GET/);
    await filter.fill('');
    await page.keyboard.type('error', { delay: 80 });
    await eventually('the filter keeps the errors', async () => (await dialog.getByTestId('logs-count').innerText()) === `${want / 5} of ${want} lines` || (await dialog.getByTestId('logs-count').innerText()));
    if (name === 'big') await app.screenshot('logs-scroll-10000-filtered');
    await filter.fill('');
    await eventually('the filter cleared', async () => (await dialog.getByTestId('logs-count').innerText()) === `${want} lines`);
    const keys = await takeInputLatency(page);
    const filterStats = { keys: keys.length, median: Math.round(median(keys)), max: Math.max(...keys) };
    return { lines: want, arrival, ingest, scroll, filter: filterStats };
  };

  // ---- The reference: the same viewer holding 100 lines ----
  await open();
  assert.equal(await lines(), 0, 'the container has printed nothing yet');
  const ref = await measure('ref', 100, 100);
  await close();

  // ---- 10,000 lines: the view reopened (its tail: the 100 lines), then 9,900 more ----
  await open();
  await eventually('the reference lines again', async () => (await lines()) === 100 || (await lines()));
  const big = await measure('big', 9_900, 10_000);

  // A look at it: the end of the 10,000 lines (following), and the middle.
  await pane.focus();
  await page.keyboard.press('End');
  await eventually('at the end', async () => pane.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 2));
  await app.screenshot('logs-scroll-10000-end');
  const middle = async () => {
    const at = await pane.evaluate((el) => {
      el.scrollTop = 5000 * 18;
      // A scroll to where the pane already is fires no event: one poll may set it while a
      // scroll of the view's own (the paused anchor) is pending, and the next finds nothing
      // to change (CI run 20 sat 30 s with the rows of an earlier position). The view reads
      // its position on every scroll event, so hand it one each time.
      el.dispatchEvent(new Event('scroll'));
      return { top: el.scrollTop, rows: [...el.querySelectorAll('.logs-line')].map((r) => r.textContent?.match(/seq=\d+/)?.[0]).filter(Boolean) };
    });
    return at.rows.includes('seq=05001') || at;
  };
  await eventually('the middle rendered', middle);
  await app.screenshot('logs-scroll-10000-middle');

  // Paused there, at the cap (10,000 lines kept): 50 more lines drop the oldest 50, and the
  // rows in view stay in view (the pane moves up by the 50 rows that went).
  assert.equal(await dialog.getByTestId('logs-panel').getAttribute('data-following'), 'false', 'scrolled to the middle: paused');
  const topRow = () =>
    pane.evaluate((el) => {
      const want = Math.floor(el.scrollTop / 18) * 18;
      const row = [...el.querySelectorAll('.logs-line')].find((r) => parseFloat(r.style.top) === want);
      return row?.textContent?.match(/seq=\d+/)?.[0] ?? null;
    });
  const inView = await topRow();
  assert.ok(inView, 'a row at the top of the pane');
  await printLines(50);
  await eventually('the oldest lines dropped', async () => /older dropped/.test((await dialog.getByTestId('logs-count').textContent()) ?? ''));
  await eventually(`${inView} still at the top`, async () => (await topRow()) === inView || (await topRow()));
  await close();

  const ratio = (a, b) => (b > 0 ? Math.round((a / b) * 100) / 100 : null);
  const figures = {
    ref,
    big,
    ratios: {
      scrollP50: ratio(big.scroll.p50, ref.scroll.p50),
      scrollP95: ratio(big.scroll.p95, ref.scroll.p95),
      cpuPerInput: ratio(big.scroll.cpuPerInput, ref.scroll.cpuPerInput),
      filterMedian: ratio(big.filter.median, ref.filter.median),
      rows: ratio(big.scroll.rowsMax, ref.scroll.rowsMax),
    },
  };
  console.log(`logs-scroll figures ${JSON.stringify(figures)}`);
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'logs-scroll.json'), `${JSON.stringify(figures, null, 2)}\n`);

  // ---- The bounds ----
  assert.ok(big.scroll.rowsMax > 0 && big.scroll.rowsMax < BOUNDS.rows, `10,000 lines: ${big.scroll.rowsMax} rows in the DOM at once (virtualised: < ${BOUNDS.rows})`);
  assert.ok(big.ingest.rowsMax < BOUNDS.rows, `10,000 lines arriving: ${big.ingest.rowsMax} rows in the DOM at once (< ${BOUNDS.rows})`);
  const p95Bound = Math.max(BOUNDS.p95, ref.scroll.p95 + 17);
  assert.ok(big.scroll.p95 <= p95Bound, `10,000 lines: p95 frame ${big.scroll.p95} ms while scrolling (<= ${p95Bound}; 100 lines: ${ref.scroll.p95})`);
  assert.ok(big.scroll.over50 <= BOUNDS.over50Share * big.scroll.frames, `10,000 lines: ${big.scroll.over50} of ${big.scroll.frames} frames over 50 ms while scrolling (<= ${BOUNDS.over50Share * 100}%)`);
  const cpuBound = Math.max(BOUNDS.cpuPerInput, Math.round(BOUNDS.cpuPerInputRatio * ref.scroll.cpuPerInput * 10) / 10);
  assert.ok(big.scroll.cpuPerInput <= cpuBound, `10,000 lines: ${big.scroll.cpuPerInput} ms of CPU per scroll input (<= ${cpuBound}: ${BOUNDS.cpuPerInput} or ${BOUNDS.cpuPerInputRatio}x the 100 lines' ${ref.scroll.cpuPerInput}): ${JSON.stringify(big.scroll.cpu)}`);
  assert.equal(big.scroll.scrollWidthsDistinct, 1, `10,000 lines: the pane's horizontal extent stays put while scrolling (scrollWidths seen: ${big.scroll.scrollWidths})`);
  assert.ok(big.filter.median <= BOUNDS.filterMedian, `10,000 lines: filter keystroke median ${big.filter.median} ms (<= ${BOUNDS.filterMedian})`);
  assert.ok(big.filter.max <= BOUNDS.filterMax, `10,000 lines: slowest filter keystroke ${big.filter.max} ms (<= ${BOUNDS.filterMax})`);
  assert.deepEqual(app.problems, [], 'no page errors, console errors or failed requests');
});
