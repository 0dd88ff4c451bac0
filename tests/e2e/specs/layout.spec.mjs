// The window fits the screen (issue 10, items 10 and 13): on every page, at 1024x700 and
// 1920x1080, light and dark, with realistic long names,
// - the document never scrolls: it is exactly the viewport (no width or height beyond it), and
//   neither scrolling past the end of the content area nor focusing any element moves it;
// - the content area does not scroll sideways, and no table scrolls sideways either;
// - a header's action buttons (and the stack's Plan/Start/Stop) are on screen, next to or under
//   a title that keeps at least half of the header's width;
// - text cut short with an ellipsis has its full text on hover (title) and shows it whole when
//   its row has keyboard focus; no value in a table wraps letter by letter;
// and the page heading, focused after navigation, has no ring that makes it look editable; the
// add-instance catalog does not scroll sideways, and a search that hides the selected template
// stops Enter from adding it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { launchApp, waitForStatus } from '../lib/app.mjs';
import { cleanEngine, cli, pages, setupShowcase, SIZES, teardownShowcase, THEMES } from '../lib/showcase.mjs';

const STACK = 'ly-storefront-autumn-campaign';

/** Everything the page can show about its own geometry, measured in the page. */
function measure() {
  const doc = /** @type {HTMLElement} */ (document.scrollingElement);
  const main = /** @type {HTMLElement} */ (document.querySelector('main'));
  const problems = [];
  const describe = (el) => {
    const id = el.getAttribute('data-testid') || el.getAttribute('aria-label') || el.id || '';
    const text = (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 50);
    return `<${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''}${id ? ` "${id}"` : ''}> "${text}"`;
  };
  if (doc.scrollWidth > doc.clientWidth) problems.push(`the document is ${doc.scrollWidth} px wide in a ${doc.clientWidth} px window`);
  if (doc.scrollHeight > doc.clientHeight) problems.push(`the document is ${doc.scrollHeight} px high in a ${doc.clientHeight} px window`);
  if (main.scrollWidth > main.clientWidth + 1) problems.push(`the content area scrolls sideways (${main.scrollWidth} > ${main.clientWidth} px)`);

  // Tables fit.
  for (const wrap of main.querySelectorAll('.table-wrap')) {
    if (wrap.scrollWidth > wrap.clientWidth + 1) problems.push(`a table scrolls sideways (${wrap.scrollWidth} > ${wrap.clientWidth} px): ${describe(wrap.querySelector('table') ?? wrap)}`);
  }
  // Lines of text an element takes: the distinct line boxes of its own text (not of buttons
  // or visually hidden labels inside it).
  const lines = (el) => {
    const tops = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim() || node.parentElement.closest('button, .visually-hidden')) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) if (r.width > 0) tops.push(r.top);
    }
    tops.sort((a, b) => a - b);
    return tops.filter((top, i) => i === 0 || top - tops[i - 1] > 4).length;
  };
  // No value in a table wraps letter by letter (a column squeezed to a few characters), nor
  // runs over more than two lines.
  for (const el of main.querySelectorAll('table code:not(details[open] code), table .table__link, table .table__sub')) {
    const n = lines(el);
    if ((n > 1 && el.getBoundingClientRect().width < 96) || n > 2) problems.push(`a table value wraps over ${n} lines in ${Math.round(el.getBoundingClientRect().width)} px: ${describe(el)}`);
  }
  // The header's actions and the stack's operations are on screen; the title and description
  // are not squeezed into a narrow column beside the actions (the title wrapping, the
  // description running over many lines).
  const header = main.querySelector('.page-header');
  const text = header?.querySelector('.page-header__text');
  if (header && text) {
    const hw = header.getBoundingClientRect().width;
    const tw = text.getBoundingClientRect().width;
    const title = text.querySelector('h1');
    const description = text.querySelector('.page-header__description');
    const titleLines = title ? lines(title) : 0;
    const descriptionLines = description ? lines(description) : 0;
    if (tw < hw * 0.5 && (titleLines > 1 || descriptionLines > 3)) {
      problems.push(`the title is squeezed into ${Math.round(tw)} of ${Math.round(hw)} px (title ${titleLines} lines, description ${descriptionLines})`);
    }
  }
  const controls = main.querySelectorAll('.page-header__actions :is(a, button), [role="group"][aria-label^="Operations on"] :is(a, button)');
  for (const el of controls) {
    const r = el.getBoundingClientRect();
    if (r.width === 0) continue;
    if (r.bottom > window.innerHeight || r.right > window.innerWidth || r.top < 0) {
      problems.push(`a header action is off screen (${Math.round(r.left)},${Math.round(r.top)}-${Math.round(r.right)},${Math.round(r.bottom)}): ${describe(el)}`);
    }
  }
  // Text cut with an ellipsis or clamped to some lines: the full text on hover (title), and a
  // focusable element in its row that shows it whole.
  const focusable = 'a[href], button, input, select, textarea, summary, [tabindex="0"]';
  const truncated = [];
  for (const el of main.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    const cutWide = style.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1;
    const cutHigh = style.webkitLineClamp !== 'none' && style.webkitLineClamp !== '' && el.scrollHeight > el.clientHeight + 1;
    if (!cutWide && !cutHigh) continue;
    const full = (el.textContent || '').trim();
    if (!full) continue;
    const titled = el.closest('[title]');
    if (!titled || !titled.getAttribute('title').includes(full)) problems.push(`cut text without its full text in a title: ${describe(el)}`);
    const scope = el.closest('tr') ?? el.parentElement;
    const target = el.matches(focusable) ? el : (el.closest(focusable) ?? scope.querySelector(focusable));
    if (!target) problems.push(`cut text that no keyboard focus reveals: ${describe(el)}`);
    else {
      // One target can reveal several cut values (a row's link): it keeps its first probe id.
      if (!target.hasAttribute('data-layout-probe')) target.setAttribute('data-layout-probe', String(truncated.length));
      el.setAttribute('data-layout-cut', String(truncated.length));
      truncated.push({ what: describe(el), probe: target.getAttribute('data-layout-probe') });
    }
  }
  return { problems, truncated, doc: [doc.scrollWidth, doc.scrollHeight, doc.clientWidth, doc.clientHeight] };
}

/** Focuses every visible focusable element in turn; returns those that moved the window. */
function focusEverything() {
  const moved = [];
  const els = [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')];
  for (const el of els) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    el.focus({ preventScroll: false });
    if (window.scrollX !== 0 || window.scrollY !== 0) {
      moved.push(`focusing <${el.tagName.toLowerCase()}> "${(el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 40)}" scrolled the window to ${window.scrollX},${window.scrollY}`);
      window.scrollTo(0, 0);
    }
  }
  /** @type {HTMLElement | null} */ (document.activeElement)?.blur();
  return moved;
}

async function checkPage(page, label) {
  const problems = [];
  // Scroll the content area to its end with the wheel, and then some: the window must stay put.
  await page.evaluate(() => document.querySelector('main')?.scrollTo(0, 0));
  const { width, height } = page.viewportSize();
  await page.mouse.move(width / 2, height / 2);
  for (let i = 0; i < 4; i++) await page.mouse.wheel(0, 4000);
  await page.waitForFunction(() => true);
  const afterWheel = await page.evaluate(() => [window.scrollX, window.scrollY]);
  if (afterWheel[0] !== 0 || afterWheel[1] !== 0) problems.push(`the wheel scrolled the window to ${afterWheel}`);
  await page.evaluate(() => window.scrollTo(0, 100_000));
  const afterScroll = await page.evaluate(() => [window.scrollX, window.scrollY]);
  if (afterScroll[0] !== 0 || afterScroll[1] !== 0) problems.push(`window.scrollTo moved the window to ${afterScroll}`);
  await page.evaluate(() => window.scrollTo(0, 0));
  problems.push(...(await page.evaluate(focusEverything)));
  await page.evaluate(() => {
    window.scrollTo(0, 0);
    document.querySelector('main')?.scrollTo(0, 0);
  });

  const measured = await page.evaluate(measure);
  problems.push(...measured.problems);
  // Focusing the cut text's row shows it whole.
  for (let i = 0; i < measured.truncated.length; i++) {
    const { what, probe } = measured.truncated[i];
    await page.locator(`[data-layout-probe="${probe}"]`).first().focus();
    const whole = await page.locator(`[data-layout-cut="${i}"]`).evaluate((el) => el.scrollWidth <= el.clientWidth + 1 && el.scrollHeight <= el.clientHeight + 1);
    if (!whole) problems.push(`keyboard focus on its row does not show the cut text whole: ${what}`);
  }
  await page.evaluate(() => {
    /** @type {HTMLElement | null} */ (document.activeElement)?.blur();
    for (const el of document.querySelectorAll('[data-layout-probe], [data-layout-cut]')) {
      el.removeAttribute('data-layout-probe');
      el.removeAttribute('data-layout-cut');
    }
  });
  return problems.map((p) => `${label}: ${p}`);
}

test('every page fits the window at 1024x700 and 1920x1080, light and dark', { timeout: 900_000 }, async (t) => {
  const { template } = await setupShowcase(STACK);
  t.after(() => teardownShowcase(STACK, template));

  const app = await launchApp({ path: `/#/stacks/${STACK}`, viewport: SIZES[0] });
  t.after(() => app.close());
  const { page } = app;
  await waitForStatus(page, 'database', 'ok');
  await waitForStatus(page, 'engine', 'ok');

  const all = [];
  for (const size of SIZES) {
    await page.setViewportSize(size);
    for (const theme of THEMES) {
      await page.emulateMedia({ colorScheme: theme });
      for (const { name, open } of pages(STACK)) {
        await open(page);
        await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
        const label = `${name} ${size.width}x${size.height} ${theme}`;
        await app.screenshot(`layout-${name}-${size.width}-${theme}`);
        all.push(...(await checkPage(page, label)));
        if (name === 'stack') {
          // A row with keyboard focus shows its cut values whole.
          await page.getByTestId('instance-row-product-images-minio').getByRole('link', { name: 'product-images-minio', exact: true }).focus();
          await app.screenshot(`layout-stack-row-focus-${size.width}-${theme}`);
          await page.evaluate(() => /** @type {HTMLElement | null} */ (document.activeElement)?.blur());
        }
      }
    }
  }
  assert.deepEqual(all, [], `layout problems:\n${all.join('\n')}`);
  assert.deepEqual(app.problems, []);
});

test('the page heading takes focus after navigation without looking editable', { timeout: 120_000 }, async (t) => {
  const app = await launchApp({ path: '/#/stacks', viewport: SIZES[0] });
  t.after(() => app.close());
  const { page } = app;
  await page.getByRole('heading', { level: 1, name: 'Stacks' }).waitFor();
  // Keyboard navigation: Tab to the sidebar's Templates link, Enter.
  const link = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Templates' });
  await link.focus();
  await page.keyboard.press('Enter');
  const h1 = page.getByRole('heading', { level: 1, name: 'Templates' });
  await h1.waitFor();
  await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
  const ring = await h1.evaluate((el) => {
    const s = getComputedStyle(el);
    return { outline: s.outlineStyle === 'none' ? 'none' : `${s.outlineStyle} ${s.outlineWidth}`, shadow: s.boxShadow };
  });
  await app.screenshot('layout-heading-focus');
  assert.deepEqual(ring, { outline: 'none', shadow: 'none' }, 'the focused page title has no editable-looking ring');
  assert.deepEqual(app.problems, []);
});

test('the add-instance catalog fits, and a search that hides the selection stops Enter from adding it', { timeout: 300_000 }, async (t) => {
  const stack = 'ly-catalog';
  await cleanEngine(stack);
  await cli('stack', 'delete', stack, '--force').catch(() => {});
  await cli('stack', 'create', stack);
  t.after(() => cli('stack', 'delete', stack, '--force').catch(() => {}));

  const app = await launchApp({ path: `/#/stacks/${stack}`, viewport: SIZES[0] });
  t.after(() => app.close());
  const { page } = app;
  await waitForStatus(page, 'database', 'ok');
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.getByRole('heading', { level: 1, name: stack }).waitFor();
    await page.getByRole('button', { name: 'Add instance' }).first().click();
    const dialog = page.getByTestId('add-instance-dialog');
    await dialog.getByTestId('template-option-mailpit').waitFor();
    const scroll = await dialog.locator('.catalog-scroll').evaluate((el) => [el.scrollWidth, el.clientWidth]);
    assert.ok(scroll[0] <= scroll[1], `the catalog scrolls sideways at ${size.width} px: ${scroll[0]} > ${scroll[1]}`);
    await app.screenshot(`layout-catalog-${size.width}`);

    // Pick mailpit, then search for something else: mailpit is hidden.
    await dialog.getByTestId('template-option-mailpit').click();
    const search = dialog.getByRole('searchbox', { name: 'Search templates' });
    await search.fill('nginx');
    await dialog.getByTestId('template-option-mailpit').waitFor({ state: 'detached' });
    await search.press('Enter');
    await dialog.getByText(/mailpit is hidden by the search/).first().waitFor();
    await dialog.getByRole('textbox', { name: 'Instance name' }).press('Enter');
    await app.screenshot(`layout-catalog-hidden-selection-${size.width}`);
    assert.equal(await dialog.isVisible(), true, 'the dialog stays open');
    assert.equal(await page.getByTestId('instance-row-mailpit').count(), 0, 'no hidden template was added');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  }
  const shown = JSON.parse(await cli('stack', 'show', stack, '--json'));
  assert.equal((shown.instances ?? []).length, 0, 'the stack has no instance');
  assert.deepEqual(app.problems, []);
});
