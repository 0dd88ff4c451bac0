// Helpers for the end-to-end specs: launch Debian's Chromium through playwright-core (no
// browser download), open the DevArch page served by the dev binary, collect page and
// console errors (Content Security Policy violations included), and write screenshots.
// run.sh provides the environment.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const baseURL = process.env.DEVARCH_E2E_URL ?? '';
/** The dev server's per-run token (run.sh makes it; the app refuses requests without it). */
export const token = process.env.DEVARCH_E2E_TOKEN ?? '';
export const outDir = process.env.DEVARCH_E2E_OUT ?? path.resolve('build/e2e');
export const screenshotDir = process.env.DEVARCH_E2E_SCREENSHOTS ?? path.join(outDir, 'screenshots');
export const chromiumPath = process.env.DEVARCH_E2E_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/**
 * The URL that lets a browser in: the page with ?devarch_token=, which answers with the
 * session cookie and a redirect to the same page without the token.
 *
 * @param {string} [pagePath]
 */
export function appURL(pagePath = '/') {
  if (!baseURL) throw new Error('DEVARCH_E2E_URL is not set: run the specs through tests/e2e/run.sh');
  if (!token) throw new Error('DEVARCH_E2E_TOKEN is not set: run the specs through tests/e2e/run.sh');
  const url = new URL(pagePath, baseURL);
  url.searchParams.set('devarch_token', token);
  return url.toString();
}

/**
 * Opens the app in a fresh Chromium profile.
 *
 * @param {{
 *   path?: string,
 *   viewport?: { width: number, height: number },
 *   colorScheme?: 'light' | 'dark',
 *   initScript?: Parameters<import('playwright-core').BrowserContext['addInitScript']>[0],
 * }} [options]  initScript runs in the page before the app's own scripts.
 * @returns {Promise<{
 *   page: import('playwright-core').Page,
 *   context: import('playwright-core').BrowserContext,
 *   response: import('playwright-core').Response | null,
 *   problems: string[],
 *   screenshot: (name: string, options?: import('playwright-core').PageScreenshotOptions) => Promise<string>,
 *   close: () => Promise<void>,
 * }>}
 *   `problems` collects uncaught page errors, console errors, failed requests and Content
 *   Security Policy violations, each as one line; a spec asserts it is empty at the end.
 *   `response` is the page's own (after the token redirect).
 */
export async function launchApp(options = {}) {
  const firstURL = appURL(options.path ?? '/');
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'devarch-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: options.viewport ?? { width: 1280, height: 800 },
    colorScheme: options.colorScheme ?? 'light',
    reducedMotion: 'reduce',
  });
  // Chromium logs a blocked resource as a console error too; this also catches what it
  // reports only as an event (and names the directive).
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  if (options.initScript) await context.addInitScript(options.initScript);
  const page = context.pages()[0] ?? (await context.newPage());

  /** @type {string[]} */
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.stack ?? error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') {
      const where = message.location();
      problems.push(`console error: ${message.text()}${where.url ? ` (${where.url}:${where.lineNumber})` : ''}`);
    }
  });
  page.on('requestfailed', (request) => {
    problems.push(`request failed: ${request.method()} ${request.url()} ${request.failure()?.errorText ?? ''}`.trim());
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });

  const response = await page.goto(firstURL, { waitUntil: 'load' });

  return {
    page,
    context,
    response,
    problems,
    screenshot: (name, screenshotOptions) => screenshot(page, name, screenshotOptions),
    async close() {
      await context.close().catch(() => {});
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Writes a PNG to $OUT/screenshots/NAME.png and returns its path.
 *
 * @param {import('playwright-core').Page} page
 * @param {string} name
 * @param {import('playwright-core').PageScreenshotOptions} [options]
 */
export async function screenshot(page, name, options = {}) {
  await mkdir(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name.replace(/[^a-z0-9._-]+/gi, '-')}.png`);
  await page.screenshot({ path: file, animations: 'disabled', ...options });
  return file;
}

/**
 * Waits until a status-bar item (data-testid="status-KEY") reports the given state, and
 * fails with what it does say (its label and tooltip hold the summary and the fix).
 *
 * @param {import('playwright-core').Page} page
 * @param {'database' | 'engine'} key
 * @param {string} status
 * @param {number} [timeout]
 */
export async function waitForStatus(page, key, status, timeout = 60_000) {
  const item = page.getByTestId(`status-${key}`);
  try {
    await page.locator(`[data-testid="status-${key}"][data-status="${status}"]`).waitFor({ timeout });
  } catch (error) {
    const label = await item.getAttribute('aria-label').catch(() => null);
    const title = await item.getAttribute('title').catch(() => null);
    await screenshot(page, `failure-status-${key}`).catch(() => {});
    throw new Error(
      `status bar item "${key}" did not become "${status}" within ${timeout} ms; it says ${JSON.stringify(label)}` +
        (title ? ` — ${title}` : ''),
      { cause: error },
    );
  }
  return item;
}
