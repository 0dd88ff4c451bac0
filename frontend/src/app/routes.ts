import { useEffect, useState } from 'react';

/**
 * Navigation is by location hash (#/stacks/shop), which the webview keeps. The sidebar's
 * sections are the routes; a location is a route plus the page inside it:
 *
 *   #/stacks                          the stacks list
 *   #/stacks/NAME                     one stack
 *   #/stacks/NAME/compose             its generated compose file
 *   #/stacks/NAME/plan                its plan (what apply would change), and applying it
 *   #/stacks/NAME/instances/INSTANCE  the instance editor
 *   #/templates                       the template catalog
 *   #/system                          health and version
 */
export const ROUTES = ['stacks', 'templates', 'system'] as const;
export type Route = (typeof ROUTES)[number];
export const DEFAULT_ROUTE: Route = 'stacks';

export type AppLocation =
  | { route: 'stacks'; page: 'list' }
  | { route: 'stacks'; page: 'stack'; stack: string }
  | { route: 'stacks'; page: 'compose'; stack: string }
  | { route: 'stacks'; page: 'plan'; stack: string }
  | { route: 'stacks'; page: 'instance'; stack: string; instance: string }
  | { route: 'templates'; page: 'list' }
  | { route: 'system'; page: 'list' };

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function locationFromHash(hash: string): AppLocation {
  const path = hash.replace(/^#\/?/, '').split('?')[0];
  const [name, ...rest] = path.split('/').filter(Boolean).map(decode);
  if (name === 'stacks' && rest.length > 0) {
    const [stack, sub, instance] = rest;
    if (sub === 'compose' && rest.length === 2) return { route: 'stacks', page: 'compose', stack };
    if (sub === 'plan' && rest.length === 2) return { route: 'stacks', page: 'plan', stack };
    if (sub === 'instances' && instance && rest.length === 3) return { route: 'stacks', page: 'instance', stack, instance };
    if (rest.length === 1) return { route: 'stacks', page: 'stack', stack };
    return { route: 'stacks', page: 'list' };
  }
  if (name === 'templates') return { route: 'templates', page: 'list' };
  if (name === 'system') return { route: 'system', page: 'list' };
  return { route: DEFAULT_ROUTE, page: 'list' };
}

export function routeFromHash(hash: string): Route {
  return locationFromHash(hash).route;
}

export function hrefFor(route: Route): string {
  return `#/${route}`;
}

export function stackHref(stack: string): string {
  return `#/stacks/${encodeURIComponent(stack)}`;
}

export function composeHref(stack: string): string {
  return `${stackHref(stack)}/compose`;
}

export function planHref(stack: string): string {
  return `${stackHref(stack)}/plan`;
}

export function instanceHref(stack: string, instance: string): string {
  return `${stackHref(stack)}/instances/${encodeURIComponent(instance)}`;
}

/** Goes to a hash location (adds a history entry, so Back works). */
export function navigate(href: string): void {
  window.location.hash = href;
}

/** A stable string for a location, to tell when the page changed. */
export function locationKey(location: AppLocation): string {
  return JSON.stringify(location);
}

export function useAppLocation(): AppLocation {
  const [location, setLocation] = useState<AppLocation>(() => locationFromHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setLocation(locationFromHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return location;
}

export function useRoute(): Route {
  return useAppLocation().route;
}
