// A realistic stack for the layout and accessibility specs: a long stack name, a two-sentence
// description, five instances with long names from the built-in catalog (long image names such
// as minio/minio:RELEASE.2025-04-22T22-12-26Z), a secret set and one used, and a history with a
// failed apply whose output is a long line (the reason a user looks for).
//
// Setup goes through the binary's CLI on the app's own data home. Only the local test image
// devarch-test/busybox:1 runs (no registry is reachable); the catalog instances are never
// applied. Every page of the window is listed in PAGES with the locator that says it loaded.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const IMAGE = 'devarch-test/busybox:1';

/** The DevArch CLI on the running app's data (same DEVARCH_HOME as the window). */
export async function cli(...args) {
  const bin = process.env.DEVARCH_E2E_BIN;
  assert.ok(bin, 'DEVARCH_E2E_BIN is set by run.sh');
  const { stdout } = await run(bin, args, { timeout: 120_000 });
  return stdout;
}

/** Runs the binary's CLI with stdin (secret values are never arguments). */
function cliIn(stdin, ...args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.env.DEVARCH_E2E_BIN, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')}: exit ${code}: ${err}`))));
    child.stdin.end(stdin);
  });
}

/** The test image, built by the Go test helper (a static busybox imported as a root fs) when missing. */
async function ensureImage() {
  try {
    await run('docker', ['image', 'inspect', '--format', '{{.Id}}', IMAGE]);
    return;
  } catch {
    // Build it below.
  }
  await run('go', ['test', './backend/runtime/runtimetest/', '-run', '^TestBusyboxImage$', '-count=1'], { cwd: ROOT, timeout: 300_000 });
}

/** A free TCP port on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Removes what the stack left in the engine, by its compose project. */
export async function cleanEngine(stack) {
  const project = `devarch-${stack}`;
  await run('docker', ['compose', '-p', project, 'down', '-t', '0', '--remove-orphans', '--volumes'], { timeout: 60_000 }).catch(() => {});
  const left = await run('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`])
    .then((r) => r.stdout.trim())
    .catch(() => '');
  if (left) await run('docker', ['rm', '-f', ...left.split('\n')]).catch(() => {});
}

export const INSTANCES = {
  'orders-postgres-primary': 'postgres',
  'product-images-minio': 'minio',
  'session-cache-redis': 'redis',
  'transactional-mailpit': 'mailpit',
};
export const WORKER = 'checkout-worker';

/**
 * Creates the showcase stack `stack` (its name should be long: 25+ characters) and returns what
 * the pages need. The worker's template (TEMPLATE-worker) fails at start with a long message,
 * so the history has a failed apply with output.
 */
export async function setupShowcase(stack) {
  await ensureImage();
  await cleanEngine(stack);
  const template = `${stack.slice(0, 20).replace(/-+$/, "")}-worker`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devarch-showcase-'));
  try {
    const file = path.join(dir, `${template}.yaml`);
    fs.writeFileSync(
      file,
      `name: ${template}
category: runtime
description: The checkout worker of the storefront; it talks to the payment gateway and fails at start when the gateway is unreachable.
service:
  image: ${IMAGE}
  command: [sh, -c, "echo 'payment gateway handshake failed: connection refused by upstream https://payments.internal.example.test:8443/v2/checkout/sessions (retry budget exhausted after 5 attempts)' >&2; exit 3"]
  init: true
`,
    );
    await cli('template', 'import', file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  await cli(
    'stack',
    'create',
    stack,
    '--description',
    'Everything the autumn storefront campaign needs locally: the orders database, product images, sessions and outgoing mail. ' +
      'Keep it running while you work on checkout; the payment worker needs the gateway sandbox to be reachable.',
  );
  await cli('instance', 'add', stack, WORKER, '--template', template);
  // A failed apply for the history (the worker exits 3 with a long reason).
  await cli('apply', stack, '--yes').then(
    () => assert.fail('the worker is meant to fail its apply'),
    () => {},
  );
  // Stopped, so its restart loop does not stream container events at the pages (an event
  // that reaches a page before the Wails runtime has loaded is a page error in dev builds).
  await cli('stop', stack);
  for (const [name, tmpl] of Object.entries(INSTANCES)) await cli('instance', 'add', stack, name, '--template', tmpl);
  await cliIn('orders-db-Passw0rd-for-layout', 'secret', 'set', stack, 'orders_db_password');
  await cli('instance', 'set', stack, 'orders-postgres-primary', 'environment.POSTGRES_PASSWORD=${secret:orders_db_password}');
  await cli('instance', 'set', stack, 'product-images-minio', 'environment.MINIO_BROWSER_REDIRECT_URL=http://product-images.storefront-autumn-campaign.localhost:9001/console');
  return { template };
}

/** Deletes the showcase stack and its template, and whatever it left in the engine. */
export async function teardownShowcase(stack, template) {
  await cleanEngine(stack);
  await cli('stack', 'delete', stack, '--force', '--volumes').catch(() => {});
  await cli('template', 'delete', template).catch(() => {});
  await cleanEngine(stack);
}

/**
 * Every page of the window, in the order a user meets them. `open` brings the page up from
 * anywhere and waits until its content (not a skeleton) is on screen.
 *
 * @param {string} stack
 * @returns {{ name: string, open: (page: import('playwright-core').Page) => Promise<void> }[]}
 */
export function pages(stack) {
  const go = async (page, hash) => {
    await page.goto(new URL(hash, page.url()).toString());
  };
  const h1 = (page, name) => page.getByRole('heading', { level: 1, name, exact: true }).waitFor();
  const stackTab = async (page, tab, ready) => {
    await go(page, `#/stacks/${stack}`);
    await h1(page, stack);
    await page.getByRole('tab', { name: tab }).click();
    await page.getByTestId(ready).waitFor();
  };
  return [
    {
      name: 'stacks',
      open: async (page) => {
        await go(page, '#/stacks');
        await h1(page, 'Stacks');
        await page.getByTestId('stacks-table').waitFor();
      },
    },
    {
      name: 'stack',
      open: async (page) => {
        await go(page, `#/stacks/${stack}`);
        await h1(page, stack);
        await page.getByTestId('instances-table').waitFor();
        await page.locator(`[data-testid="instance-row-${WORKER}"] [data-testid="instance-state"]`).waitFor();
      },
    },
    { name: 'secrets', open: (page) => stackTab(page, 'Secrets', 'secrets-table') },
    { name: 'history', open: (page) => stackTab(page, 'History', 'history-table') },
    {
      name: 'instance',
      open: async (page) => {
        await go(page, `#/stacks/${stack}/instances/orders-postgres-primary`);
        await h1(page, 'orders-postgres-primary');
        await page.getByTestId('instance-override-count').waitFor();
      },
    },
    {
      name: 'plan',
      open: async (page) => {
        await go(page, `#/stacks/${stack}/plan`);
        await h1(page, 'Plan');
        await page.locator('[data-testid="plan-diff"], [data-testid="plan-empty"], [data-testid="plan-errors"]').first().waitFor({ timeout: 60_000 });
      },
    },
    {
      name: 'compose',
      open: async (page) => {
        await go(page, `#/stacks/${stack}/compose`);
        await page.getByTestId('compose-yaml').waitFor({ timeout: 30_000 });
      },
    },
    {
      name: 'templates',
      open: async (page) => {
        await go(page, '#/templates');
        await h1(page, 'Templates');
        await page.getByTestId('template-card-postgres').waitFor();
      },
    },
    {
      name: 'system',
      open: async (page) => {
        await go(page, '#/system');
        await h1(page, 'System');
        await page.getByTestId('version-info').waitFor();
      },
    },
  ];
}

export const SIZES = [
  { width: 1024, height: 700 },
  { width: 1920, height: 1080 },
];
export const THEMES = /** @type {const} */ (['light', 'dark']);
