import { describe, expect, it } from 'vitest';
import { composeHref, instanceHref, locationFromHash, planHref, routeFromHash, stackHref } from './routes';

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
