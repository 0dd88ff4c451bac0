import { useEffect, useRef, useState } from 'react';

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

/**
 * The instance editor with focus on one field (#/stacks/S/instances/I?field=ports): where a
 * plan's fix sends the user. The query is not part of the location (locationFromHash drops it).
 */
export function instanceFieldHref(stack: string, instance: string, path: string): string {
  return `${instanceHref(stack, instance)}?field=${encodeURIComponent(path)}`;
}

/** The field a location asks to focus (instanceFieldHref), or "". */
export function fieldFromHash(hash: string): string {
  const query = hash.split('?')[1] ?? '';
  return new URLSearchParams(query).get('field') ?? '';
}

/* ---------- Leaving a page with unsaved edits ---------- */

/**
 * A page holding unsaved edits. While one is registered, leaving the location (a link, the
 * sidebar, Back, navigate()) does not happen at once: onBlock gets the way to carry on, so
 * the page can ask "Discard unsaved changes?" in a dialog of its own.
 */
export interface NavigationBlocker {
  onBlock: (proceed: () => void) => void;
}

const blockers = new Set<NavigationBlocker>();
/** The hash the app shows; a blocked Back is undone by putting it back. */
let shownHash = typeof window === 'undefined' ? '' : window.location.hash;
/** The hash of a navigation that may go through (confirmed, or nothing to lose). */
let allowed: string | null = null;

function blocker(): NavigationBlocker | undefined {
  return [...blockers].at(-1);
}

function sameLocation(a: string, b: string): boolean {
  return locationKey(locationFromHash(a)) === locationKey(locationFromHash(b));
}

function go(href: string): void {
  allowed = href;
  window.location.hash = href;
}

/** A plain click on an in-app link that leaves the location, while a page blocks leaving. */
function onLinkClick(event: MouseEvent): void {
  const active = blocker();
  if (!active || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = (event.target as Element | null)?.closest?.('a[href]');
  if (!(link instanceof HTMLAnchorElement) || link.target === '_blank') return;
  const href = link.getAttribute('href') ?? '';
  if (!href.startsWith('#') || href === '#main' || sameLocation(href, window.location.hash)) return;
  event.preventDefault();
  active.onBlock(() => go(href));
}

function onBeforeUnload(event: BeforeUnloadEvent): void {
  if (blockers.size === 0) return;
  event.preventDefault();
}

/**
 * Registers a page that holds unsaved edits; returns the way to unregister. Link clicks are
 * caught before they change the hash; Back (which has changed it already) is undone with
 * pushState and then handed to onBlock like a click.
 */
export function blockNavigation(entry: NavigationBlocker): () => void {
  if (blockers.size === 0) {
    document.addEventListener('click', onLinkClick, true);
    window.addEventListener('beforeunload', onBeforeUnload);
  }
  blockers.add(entry);
  return () => {
    blockers.delete(entry);
    if (blockers.size === 0) {
      document.removeEventListener('click', onLinkClick, true);
      window.removeEventListener('beforeunload', onBeforeUnload);
    }
  };
}

/** While `active`, leaving the page calls onBlock instead (see blockNavigation). */
export function useNavigationBlocker(active: boolean, onBlock: (proceed: () => void) => void): void {
  const onBlockRef = useRef(onBlock);
  onBlockRef.current = onBlock;
  useEffect(() => {
    if (!active) return;
    return blockNavigation({ onBlock: (proceed) => onBlockRef.current(proceed) });
  }, [active]);
}

/**
 * Goes to a hash location (adds a history entry, so Back works). A page with unsaved edits
 * is asked first, unless `force` (the page itself is gone, e.g. its instance was removed).
 */
export function navigate(href: string, { force = false }: { force?: boolean } = {}): void {
  const active = blocker();
  if (active && !force && !sameLocation(href, window.location.hash)) {
    active.onBlock(() => go(href));
    return;
  }
  go(href);
}

/** A stable string for a location, to tell when the page changed. */
export function locationKey(location: AppLocation): string {
  return JSON.stringify(location);
}

export function useAppLocation(): AppLocation {
  const [location, setLocation] = useState<AppLocation>(() => locationFromHash(window.location.hash));
  useEffect(() => {
    shownHash = window.location.hash;
    const onChange = () => {
      const target = window.location.hash;
      const active = blocker();
      const confirmed = allowed !== null && sameLocation(target, allowed);
      allowed = null;
      if (active && !confirmed && !sameLocation(target, shownHash)) {
        // Back, Forward or a typed address: the hash changed already. Show the page with the
        // edits again (a new entry, so history still leads back) and ask.
        window.history.pushState(null, '', shownHash || '#/');
        active.onBlock(() => go(target));
        return;
      }
      shownHash = target;
      setLocation(locationFromHash(target));
    };
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return location;
}

export function useRoute(): Route {
  return useAppLocation().route;
}
