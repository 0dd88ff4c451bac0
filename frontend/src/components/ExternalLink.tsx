import type { ReactNode } from 'react';
import { openExternal } from '@/lib/browser';
import { ExternalLinkIcon } from './icons';

/**
 * A link to an address outside the app (a service's port URL): a real anchor (keyboard,
 * copy link address, middle click in a browser), opened in the system's browser by the
 * Wails runtime in the desktop window.
 */
export function ExternalLink({ href, children, label, className = '', testId }: { href: string; children: ReactNode; label?: string; className?: string; testId?: string }) {
  return (
    <a
      className={`external-link ${className}`.trim()}
      href={href}
      target="_blank"
      rel="noreferrer noopener"
      aria-label={label}
      title={label ?? href}
      data-testid={testId}
      onClick={(event) => {
        if (openExternal(href)) event.preventDefault();
      }}
    >
      {children}
      <ExternalLinkIcon aria-hidden="true" />
    </a>
  );
}
