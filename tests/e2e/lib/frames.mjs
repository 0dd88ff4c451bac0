// Frame-time measurement inside the page, for specs that check a view stays smooth: a
// requestAnimationFrame loop records the time between frames (a frame that took 50 ms is a
// visible stutter; 16.7 ms is a 60 Hz display's budget) while the spec drives real input
// (wheel and keys through the browser's input pipeline, not scrollTop writes).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/** Clock ticks per second of /proc's CPU times. */
const TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/**
 * Starts recording frames in the page. rowsSelector names the element whose children are
 * the rendered rows of a virtualised list: its child count (and the element count under
 * it) is sampled every frame, so the report says how much DOM the list held at most, and
 * so is its parent's (the scroller's) scrollWidth: the distinct widths seen.
 *
 * @param {import('playwright-core').Page} page
 * @param {string} rowsSelector
 */
export async function startFrames(page, rowsSelector) {
  await page.evaluate((selector) => {
    const state = { deltas: [], rowsMax: 0, elementsMax: 0, widths: new Set(), running: true, started: performance.now() };
    /** @type {any} */ (window).__frames = state;
    let last = performance.now();
    const tick = (now) => {
      if (!state.running) return;
      state.deltas.push(now - last);
      last = now;
      const rows = document.querySelector(selector);
      if (rows) {
        state.rowsMax = Math.max(state.rowsMax, rows.childElementCount);
        state.elementsMax = Math.max(state.elementsMax, rows.getElementsByTagName('*').length);
        if (rows.parentElement) state.widths.add(rows.parentElement.scrollWidth);
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame((now) => {
      last = now;
      requestAnimationFrame(tick);
    });
  }, rowsSelector);
}

/**
 * Stops recording and summarises: frames, p50/p95/max frame time (ms), frames over 50 ms,
 * the most rows and elements seen at once, and how long it ran.
 *
 * @param {import('playwright-core').Page} page
 * @returns {Promise<{ frames: number, p50: number, p95: number, max: number, over50: number, rowsMax: number, elementsMax: number, scrollWidths: (number|string)[], seconds: number }>}
 */
export async function stopFrames(page) {
  const s = await page.evaluate(() => {
    const state = /** @type {any} */ (window).__frames;
    state.running = false;
    return { deltas: state.deltas, rowsMax: state.rowsMax, elementsMax: state.elementsMax, widths: [...state.widths].sort((a, b) => a - b), seconds: (performance.now() - state.started) / 1000 };
  });
  const sorted = [...s.deltas].sort((a, b) => a - b);
  const at = (q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : 0);
  const round = (v) => Math.round(v * 10) / 10;
  return {
    frames: sorted.length,
    p50: round(at(0.5)),
    p95: round(at(0.95)),
    max: round(sorted[sorted.length - 1] ?? 0),
    over50: sorted.filter((d) => d > 50).length,
    rowsMax: s.rowsMax,
    elementsMax: s.elementsMax,
    scrollWidthsDistinct: s.widths.length,
    scrollWidths: s.widths.length > 4 ? [...s.widths.slice(0, 2), '...', ...s.widths.slice(-2)] : s.widths,
    seconds: round(s.seconds),
  };
}

/** The median of numbers. */
export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * Records, for each input event on the element matching selector, the time from its key
 * (the keydown's timeStamp: when the browser took the key) to just after the next frame was painted
 * (a task queued from the next requestAnimationFrame runs after that frame's paint). The
 * page's own input handlers (React's) run in between, so this is what a typist waits for.
 *
 * @param {import('playwright-core').Page} page
 * @param {string} selector
 */
export async function startInputLatency(page, selector) {
  await page.evaluate((sel) => {
    const state = { latencies: [], pending: 0 };
    /** @type {any} */ (window).__inputLatency = state;
    // A keydown's timeStamp is when the browser got the key (queueing behind a busy page
    // counts); an input without one (a paste, fill) counts from the input itself.
    let keydown;
    document.addEventListener(
      'keydown',
      (e) => {
        if (e.target instanceof Element && e.target.matches(sel)) keydown = e.timeStamp;
      },
      true,
    );
    document.addEventListener(
      'input',
      (e) => {
        if (!(e.target instanceof Element) || !e.target.matches(sel)) return;
        const t0 = keydown ?? e.timeStamp;
        keydown = undefined;
        state.pending++;
        requestAnimationFrame(() =>
          setTimeout(() => {
            state.latencies.push(performance.now() - t0);
            state.pending--;
          }, 0),
        );
      },
      true,
    );
  }, selector);
}

/**
 * The input latencies recorded since startInputLatency (or the last call), once none is
 * pending, in ms.
 *
 * @param {import('playwright-core').Page} page
 * @returns {Promise<number[]>}
 */
export async function takeInputLatency(page) {
  await page.waitForFunction(() => /** @type {any} */ (window).__inputLatency.pending === 0);
  return page.evaluate(() => {
    const state = /** @type {any} */ (window).__inputLatency;
    const out = state.latencies.map((v) => Math.round(v * 10) / 10);
    state.latencies = [];
    return out;
  });
}

/**
 * Scrolls a scrollable element from top to bottom and back with the mouse wheel (step px a
 * notch, as many notches as its height needs), then with the keyboard (Home, `presses`
 * PageDown, End, `presses` PageUp, Home), each leg waiting until the end it goes to is
 * reached. Input goes through the browser (the wheel over the element, keys with it focused).
 *
 * @param {import('playwright-core').Page} page
 * @param {import('playwright-core').Locator} scroller
 * @param {{ step?: number, presses?: number, timeout?: number }} [options]
 * @returns {Promise<{ wheels: number, keys: number }>} the input events sent
 */
export async function scrollThrough(page, scroller, { step = 800, presses = 40, timeout = 20_000 } = {}) {
  const geometry = () => scroller.evaluate((el) => ({ top: el.scrollTop, max: el.scrollHeight - el.clientHeight }));
  const reach = async (what, end) => {
    const until = Date.now() + timeout;
    for (;;) {
      const g = await geometry();
      if (end === 'bottom' ? g.top >= g.max - 1 : g.top <= 0) return;
      if (Date.now() > until) throw new Error(`scrolling did not reach the ${end} (${what}) within ${timeout} ms: ${JSON.stringify(g)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  let wheels = 0;
  let keys = 0;
  const box = await scroller.boundingBox();
  if (!box) throw new Error('the scroller is not visible');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (const [dir, end] of [[1, 'bottom'], [-1, 'top']]) {
    const notches = Math.ceil((await geometry()).max / step) + 2;
    for (let i = 0; i < notches; i++, wheels++) await page.mouse.wheel(0, dir * step);
    await reach('wheel', end);
  }
  await scroller.focus();
  for (const [key, count, jump, end] of [['PageDown', presses, 'End', 'bottom'], ['PageUp', presses, 'Home', 'top']]) {
    for (let i = 0; i < count; i++, keys++) await page.keyboard.press(key);
    await page.keyboard.press(jump);
    keys++;
    await reach(`${key} then ${jump}`, end);
  }
  return { wheels, keys };
}

/**
 * CPU time (ms, user + system) used so far by the processes under this test process (the
 * browser a spec launched: its browser, renderer and GPU/compositor processes), by Chromium
 * process type. Unlike frame times, CPU time does not grow while a loaded machine leaves the
 * browser waiting, so it tells the page's own cost apart from the machine's load. Linux
 * (/proc) only, like the suite.
 *
 * @returns {Record<string, number>}
 */
export function browserCpu() {
  const children = new Map();
  const stat = (pid) => {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2).split(' ');
  };
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const ppid = Number(stat(d)[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(d));
    } catch {
      // The process ended meanwhile.
    }
  }
  const out = {};
  const queue = [process.pid];
  while (queue.length) {
    for (const pid of children.get(queue.pop()) ?? []) {
      queue.push(pid);
      try {
        const f = stat(pid);
        const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        if (!cmd.includes('chrom')) continue;
        const type = cmd.match(/--type=([a-z-]+)/)?.[1] ?? 'browser';
        out[type] = (out[type] ?? 0) + ((Number(f[11]) + Number(f[12])) * 1000) / TICKS;
      } catch {
        // The process ended meanwhile.
      }
    }
  }
  return out;
}

/** The CPU time used between two browserCpu() readings, by process type and in all. */
export function cpuSince(before, after = browserCpu()) {
  const by = {};
  let total = 0;
  for (const [k, v] of Object.entries(after)) {
    const d = Math.round(v - (before[k] ?? 0));
    if (d > 0) by[k] = d;
    total += d;
  }
  return { total, ...by };
}
