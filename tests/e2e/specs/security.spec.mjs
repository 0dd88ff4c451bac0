// The dev build's browser surface (review findings F6 and F17): its dev server serves every
// Go binding over the /wails/ipc WebSocket, so it answers only requests that carry the
// per-run token, and a WebSocket only from its own origin; and the page runs under a
// Content Security Policy that stops inline script, eval and remote origins.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { appURL, baseURL, launchApp, token, waitForStatus } from '../lib/app.mjs';
import { call, openIPC } from '../lib/ipc.mjs';

const run = promisify(execFile);
const origin = new URL(baseURL).origin;
const ipcURL = new URL('/wails/ipc', baseURL).toString();
const cookie = `devarch_dev_token=${token}`;

/** Stack names through the CLI, on the running app's data. */
async function stackNames() {
  const bin = process.env.DEVARCH_E2E_BIN;
  assert.ok(bin, 'DEVARCH_E2E_BIN is set by run.sh');
  const { stdout } = await run(bin, ['stack', 'list', '--json'], { timeout: 60_000 });
  return JSON.parse(stdout).map((s) => s.name);
}

test('the dev server refuses requests and IPC WebSockets without the per-run token', { timeout: 120_000 }, async () => {
  assert.ok(token.length >= 32, 'run.sh passes the token');

  // Plain requests: the page, its scripts.
  for (const path of ['/', '/wails/runtime.js', '/wails/ipc.js', `/?devarch_token=${'x'.repeat(43)}`]) {
    const res = await fetch(new URL(path, baseURL), { redirect: 'manual' });
    assert.equal(res.status, 403, `${path} without the token`);
    const body = await res.text();
    assert.match(body, /devarch_token/, 'the refusal says how to get in');
    assert.ok(!body.includes(token), 'the refusal never shows the token');
  }

  // The printed URL sets an HttpOnly, SameSite=Strict cookie and drops the token from the address.
  const first = await fetch(appURL('/'), { redirect: 'manual' });
  assert.equal(first.status, 303);
  assert.equal(first.headers.get('location'), '/');
  const setCookie = first.headers.get('set-cookie') ?? '';
  assert.match(setCookie, new RegExp(`^devarch_dev_token=${token};`));
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Strict/);
  assert.equal((await fetch(baseURL, { headers: { cookie } })).status, 200, 'the cookie lets the page load');

  // With the token and the page's own origin, a program calls bindings. It first waits
  // until the backend is ready (the CLI below must not race the app's first start).
  const ok = await openIPC(ipcURL, { origin, cookie });
  assert.equal(ok.status, 101, `the IPC WebSocket with the token: ${ok.body ?? ''}`);
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const health = await call(ok.socket, 'bindings.System.Health');
      assert.equal(health.error, null, JSON.stringify(health));
      if (health.result?.ready) break;
      assert.ok(Date.now() < deadline, `the backend is not ready: ${JSON.stringify(health.result)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }

    // The same client without the token, or from elsewhere: refused before any binding.
    // Each attempt that got through would create a stack, which must not exist afterwards.
    const port = new URL(baseURL).port;
    const refused = [
      ['no token', { origin }],
      ['a wrong token', { origin, cookie: `devarch_dev_token=${'A'.repeat(43)}` }],
      ['the token from a foreign origin', { origin: 'http://evil.example', cookie }],
      ['the token from another port of 127.0.0.1', { origin: 'http://127.0.0.1:1', cookie }],
      ['the token from a null origin', { origin: 'null', cookie }],
      ['the token without an origin', { cookie }],
      ['the token under a rebound host name', { origin: `http://evil.example:${port}`, host: `evil.example:${port}`, cookie }],
    ];
    for (const [what, headers] of refused) {
      const answer = await openIPC(ipcURL, headers);
      if (answer.socket) {
        const created = await call(answer.socket, 'bindings.Stacks.Create', ['e2e-forbidden', 'must not exist']).catch((e) => e);
        answer.socket.destroy();
        assert.fail(`a WebSocket with ${what} was accepted (status ${answer.status}); Stacks.Create answered ${JSON.stringify(created)}`);
      }
      assert.equal(answer.status, 403, `a WebSocket with ${what}`);
      assert.match(answer.body ?? '', /devarch_token/);
    }
    assert.ok(!(await stackNames()).includes('e2e-forbidden'));

    const created = await call(ok.socket, 'bindings.Stacks.Create', ['e2e-ipc-token', 'created over the IPC']);
    assert.equal(created.error, null, JSON.stringify(created));
    assert.ok((await stackNames()).includes('e2e-ipc-token'), 'the call with the token really ran');
    const deleted = await call(ok.socket, 'bindings.Stacks.Delete', ['e2e-ipc-token', false, false]);
    assert.equal(deleted.error, null, JSON.stringify(deleted));
  } finally {
    ok.socket.destroy();
  }
  assert.ok(!(await stackNames()).includes('e2e-ipc-token'));
});

test('a page of another origin cannot reach the bindings, even in a browser holding the token', { timeout: 120_000 }, async (t) => {
  const app = await launchApp();
  t.after(() => app.close());
  await waitForStatus(app.page, 'database', 'ok');

  // A page on another port of 127.0.0.1: same site as the app, so the browser sends it
  // the app's cookie along with its WebSocket; only the Origin tells them apart.
  const evilPage = `<!doctype html><title>elsewhere</title><script>
    window.outcome = new Promise((resolve) => {
      const ws = new WebSocket(${JSON.stringify(ipcURL.replace(/^http/, 'ws'))});
      ws.onopen = () => {
        ws.send('C' + JSON.stringify({ name: 'bindings.Stacks.Create', args: ['e2e-evil', 'from elsewhere'], callbackID: 'evil' }));
        ws.onmessage = (m) => resolve('answered: ' + m.data);
      };
      ws.onerror = () => resolve('error');
      ws.onclose = (e) => resolve('closed ' + e.code);
    });
  </script>`;
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(evilPage);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const evilURL = `http://127.0.0.1:${server.address().port}/`;

  const other = await app.context.newPage();
  /** @type {string[]} */
  const consoleLines = [];
  other.on('console', (m) => consoleLines.push(m.text()));
  await other.goto(evilURL);
  const outcome = await other.evaluate(() => window.outcome);
  assert.ok(!outcome.startsWith('answered'), `the foreign page's WebSocket was answered: ${outcome}`);
  assert.ok(
    consoleLines.some((l) => /WebSocket/.test(l) && /403/.test(l)),
    `the browser reports the server's 403 for the handshake; console: ${JSON.stringify(consoleLines)}`,
  );
  await other.close();
  assert.ok(!(await stackNames()).includes('e2e-evil'), 'no stack was created from elsewhere');

  // The app's own page still works in that browser.
  await app.page.getByRole('heading', { level: 1, name: 'Stacks' }).waitFor();
  assert.deepEqual(app.problems, [], 'no page errors, console errors, CSP violations or failed requests');
});

test('the page runs under a Content Security Policy that stops inline script, eval and remote origins', { timeout: 120_000 }, async (t) => {
  const app = await launchApp();
  t.after(() => app.close());
  const { page } = app;

  // The policy: a header on the document (with frame-ancestors), the same in a <meta>.
  assert.ok(app.response, 'the page has a response');
  const header = (await app.response.allHeaders())['content-security-policy'];
  const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.ok(meta, 'index.html carries the policy in a <meta>');
  assert.equal(header, `${meta}; frame-ancestors 'none'`, 'the header and the <meta> agree');
  const directives = Object.fromEntries(meta.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v.join(' ')]));
  assert.equal(directives['default-src'], "'self'");
  assert.equal(directives['script-src'], "'self'", 'no inline, eval or remote script');
  assert.equal(directives['object-src'], "'none'");
  assert.equal(directives['base-uri'], "'none'");
  assert.equal(directives['connect-src'], "'self'");

  // Vite's build writes no inline script.
  const distIndex = await readFile(fileURLToPath(new URL('../../../frontend/dist/index.html', import.meta.url)), 'utf8');
  const scripts = [...distIndex.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
  assert.ok(scripts.length > 0);
  for (const [whole, attrs, body] of scripts) {
    assert.match(attrs, /\bsrc=/, `a script without src in frontend/dist/index.html: ${whole}`);
    assert.equal(body.trim(), '', `an inline script body in frontend/dist/index.html: ${whole}`);
  }
  assert.match(distIndex, /http-equiv="Content-Security-Policy"/);

  // The whole app works under it: the IPC WebSocket (connect-src 'self'), CodeMirror's
  // injected styles, the stacks list. Any violation would be in app.problems.
  await waitForStatus(page, 'database', 'ok');
  await waitForStatus(page, 'engine', 'ok');
  await page.getByRole('heading', { level: 1, name: 'Stacks' }).waitFor();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Templates' }).click();
  await page.getByRole('heading', { level: 1, name: 'Templates' }).waitFor();
  assert.deepEqual(app.problems, [], 'the app runs without a CSP violation or any other error');

  // What an injection would try: each is blocked and reported.
  const outcome = await page.evaluate(async () => {
    const seen = [];
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective} ${e.blockedURI}`));
    const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

    const inline = document.createElement('script');
    inline.textContent = 'window.__inlineRan = true';
    document.head.append(inline);

    document.body.insertAdjacentHTML('beforeend', '<img alt="" src="data:," onerror="window.__handlerRan = true">');

    // Later, from a timer: code the test harness evaluates directly may use eval freely.
    const evalResult = await new Promise((resolve) =>
      setTimeout(() => {
        try {
          resolve(String(eval('1 + 1')));
        } catch (e) {
          resolve(e.name);
        }
      }, 0),
    );
    setTimeout('window.__stringTimerRan = true', 0);

    const remote = document.createElement('script');
    remote.src = 'https://example.com/x.js';
    document.head.append(remote);

    let fetchResult;
    try {
      await fetch('https://example.com/');
      fetchResult = 'fetched';
    } catch (e) {
      fetchResult = e.name;
    }
    await settle();
    return {
      inlineRan: window.__inlineRan === true,
      handlerRan: window.__handlerRan === true,
      stringTimerRan: window.__stringTimerRan === true,
      evalResult,
      fetchResult,
      seen,
    };
  });
  assert.equal(outcome.inlineRan, false, 'an inserted inline <script> does not run');
  assert.equal(outcome.handlerRan, false, 'an inline event handler does not run');
  assert.equal(outcome.evalResult, 'EvalError', 'eval is refused');
  assert.equal(outcome.stringTimerRan, false, 'a timer given a string does not run it');
  assert.equal(outcome.fetchResult, 'TypeError', 'a remote origin cannot be fetched');
  for (const want of [/^script-src-elem inline$/, /^script-src-attr inline$/, /^script-src eval$/, /^script-src-elem https:\/\/example\.com\/x\.js$/, /^connect-src https:\/\/example\.com\/$/]) {
    assert.ok(outcome.seen.some((s) => want.test(s)), `a violation matching ${want} is reported; seen: ${JSON.stringify(outcome.seen)}`);
  }
  // Everything collected after the app settled is one of these violations.
  const unexpected = app.problems.filter((p) => !/CSP violation|Content Security Policy|ERR_BLOCKED_BY_CSP|example\.com/.test(p));
  assert.deepEqual(unexpected, [], 'only the provoked violations were reported');
  await app.screenshot('csp');
});
