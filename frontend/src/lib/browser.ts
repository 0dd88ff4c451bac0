/**
 * Opening a web address outside the app. In the desktop window a plain link with
 * target=_blank goes nowhere (the webview opens no second window), so the address goes to
 * the Wails runtime, which hands it to the system's browser. Only http and https addresses
 * leave the app: a port URL is always one, and nothing else should be opened from a link.
 */
import { BrowserOpenURL } from '../../wailsjs/runtime/runtime';

type RuntimeWindow = Window & { runtime?: { BrowserOpenURL?: (url: string) => void } };

/** Whether url is an http(s) address (the only kind openExternal opens). */
export function isWebURL(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Opens url in the system's browser through the Wails runtime. Returns false when there is
 * no runtime in the page (a plain browser: the link's own target=_blank opens it) or the
 * address is not http(s).
 */
export function openExternal(url: string): boolean {
  if (!isWebURL(url)) return false;
  if (typeof (window as RuntimeWindow).runtime?.BrowserOpenURL !== 'function') return false;
  BrowserOpenURL(url);
  return true;
}
