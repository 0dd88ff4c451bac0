import type { ComponentType, SVGProps } from 'react';
import { BoxIcon, LogoMark, PulseIcon, StacksIcon } from '@/components/icons';
import { hrefFor, type Route } from './routes';

const NAV: { route: Route; label: string; icon: ComponentType<SVGProps<SVGSVGElement>> }[] = [
  { route: 'stacks', label: 'Stacks', icon: StacksIcon },
  { route: 'templates', label: 'Templates', icon: BoxIcon },
  { route: 'system', label: 'System', icon: PulseIcon },
];

export function Sidebar({ current }: { current: Route }) {
  return (
    <aside className="sidebar">
      <div className="sidebar__brand">
        <LogoMark aria-hidden="true" />
        <span className="sidebar__name">DevArch</span>
      </div>
      <nav aria-label="Main">
        <ul className="nav">
          {NAV.map(({ route, label, icon: Icon }) => (
            <li key={route}>
              <a
                className="nav__link"
                href={hrefFor(route)}
                aria-current={route === current ? 'page' : undefined}
              >
                <Icon aria-hidden="true" className="nav__icon" />
                {label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
    </aside>
  );
}
