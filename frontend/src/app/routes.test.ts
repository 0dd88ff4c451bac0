import { describe, expect, it } from 'vitest';
import { composeHref, fieldFromHash, instanceFieldHref, instanceHref, locationFromHash, planHref, routeFromHash, stackHref } from './routes';

describe('routes', () => {
  it('reads the sections', () => {
    expect(locationFromHash('')).toEqual({ route: 'stacks', page: 'list' });
    expect(locationFromHash('#/templates')).toEqual({ route: 'templates', page: 'list' });
    expect(locationFromHash('#/system')).toEqual({ route: 'system', page: 'list' });
    expect(routeFromHash('#/nowhere')).toBe('stacks');
  });

  it('reads stack, compose and instance pages and round-trips their hrefs', () => {
    expect(locationFromHash(stackHref('shop'))).toEqual({ route: 'stacks', page: 'stack', stack: 'shop' });
    expect(locationFromHash(composeHref('shop'))).toEqual({ route: 'stacks', page: 'compose', stack: 'shop' });
    expect(locationFromHash(planHref('shop'))).toEqual({ route: 'stacks', page: 'plan', stack: 'shop' });
    expect(planHref('shop')).toBe('#/stacks/shop/plan');
    expect(locationFromHash(instanceHref('shop', 'web'))).toEqual({
      route: 'stacks',
      page: 'instance',
      stack: 'shop',
      instance: 'web',
    });
    expect(instanceHref('shop', 'web')).toBe('#/stacks/shop/instances/web');
  });

  it('falls back to the list for unknown sub-pages', () => {
    expect(locationFromHash('#/stacks/shop/bogus')).toEqual({ route: 'stacks', page: 'list' });
    expect(locationFromHash('#/stacks/shop/instances')).toEqual({ route: 'stacks', page: 'list' });
  });
});

describe('navigation blocking', () => {
  it('hands a navigation to the blocker, and lets it through when confirmed or forced', async () => {
    const { blockNavigation, navigate } = await import('./routes');
    window.location.hash = '#/stacks/shop/instances/web';
    const asked: (() => void)[] = [];
    const unblock = blockNavigation({ onBlock: (proceed) => asked.push(proceed) });
    navigate('#/templates');
    expect(asked).toHaveLength(1);
    expect(window.location.hash).toBe('#/stacks/shop/instances/web');
    navigate('#/stacks/shop/instances/web');
    expect(asked).toHaveLength(1); // the same page is no navigation
    asked[0]();
    expect(window.location.hash).toBe('#/templates');
    navigate('#/system', { force: true });
    expect(asked).toHaveLength(1);
    expect(window.location.hash).toBe('#/system');
    unblock();
    navigate('#/stacks');
    expect(window.location.hash).toBe('#/stacks');
  });

  it('catches a plain click on an in-app link, not a modified one', async () => {
    const { blockNavigation } = await import('./routes');
    window.location.hash = '#/stacks/shop/instances/web';
    const asked: (() => void)[] = [];
    const unblock = blockNavigation({ onBlock: (proceed) => asked.push(proceed) });
    const link = document.createElement('a');
    link.href = '#/templates';
    document.body.append(link);
    const plain = new MouseEvent('click', { bubbles: true, cancelable: true, button: 0 });
    link.dispatchEvent(plain);
    expect(plain.defaultPrevented).toBe(true);
    expect(asked).toHaveLength(1);
    const withCtrl = new MouseEvent('click', { bubbles: true, cancelable: true, button: 0, ctrlKey: true });
    link.dispatchEvent(withCtrl);
    expect(asked).toHaveLength(1);
    unblock();
    const after = new MouseEvent('click', { bubbles: true, cancelable: true, button: 0 });
    link.addEventListener('click', (event) => event.preventDefault(), { once: true }); // keep jsdom from navigating
    link.dispatchEvent(after);
    expect(asked).toHaveLength(1);
    link.remove();
  });

  it('links to one field of the instance editor without changing the location', () => {
    const href = instanceFieldHref('shop', 'web', 'environment.DB_PASSWORD');
    expect(href).toBe('#/stacks/shop/instances/web?field=environment.DB_PASSWORD');
    expect(locationFromHash(href)).toEqual(locationFromHash(instanceHref('shop', 'web')));
    expect(fieldFromHash(href)).toBe('environment.DB_PASSWORD');
    expect(fieldFromHash(instanceHref('shop', 'web'))).toBe('');
  });
});
