import type { ReactNode } from 'react';
import { ChevronRightIcon } from './icons';

export interface Crumb {
  label: string;
  href: string;
}

interface PageHeaderProps {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  /** The pages above this one, outermost first. */
  breadcrumbs?: Crumb[];
  /** A line of facts under the description (status, revision, ...). */
  meta?: ReactNode;
}

/** The heading of a page. Its h1 takes focus after navigation (see app/App.tsx). */
export function PageHeader({ title, description, actions, breadcrumbs, meta }: PageHeaderProps) {
  return (
    <header className="page-header">
      <div className="page-header__text">
        {breadcrumbs && breadcrumbs.length > 0 && (
          <nav className="breadcrumbs" aria-label="Breadcrumb">
            <ol>
              {breadcrumbs.map((crumb) => (
                <li key={crumb.href}>
                  <a href={crumb.href}>{crumb.label}</a>
                  <ChevronRightIcon aria-hidden="true" className="breadcrumbs__sep" />
                </li>
              ))}
            </ol>
          </nav>
        )}
        <h1 className="page-header__title" tabIndex={-1}>
          {title}
        </h1>
        {description && <p className="page-header__description">{description}</p>}
        {meta && <div className="page-header__meta">{meta}</div>}
      </div>
      {actions && <div className="page-header__actions">{actions}</div>}
    </header>
  );
}
