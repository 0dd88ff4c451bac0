import type { ReactNode, Ref } from 'react';
import { AlertIcon, InfoIcon } from './icons';

/** A tinted panel for warnings (port clashes, a refusal) or notes inside a page or dialog. */
export function Callout({
  tone = 'warning',
  title,
  children,
  testId,
  role,
  ref,
  tabIndex,
}: {
  tone?: 'warning' | 'error' | 'info';
  title: ReactNode;
  children?: ReactNode;
  testId?: string;
  role?: 'alert' | 'status';
  /** With tabIndex -1: a refusal that focus moves to (ConfirmDialog). */
  ref?: Ref<HTMLDivElement>;
  tabIndex?: number;
}) {
  const Icon = tone === 'info' ? InfoIcon : AlertIcon;
  return (
    <div className={`callout callout--${tone}`} data-testid={testId} role={role} ref={ref} tabIndex={tabIndex}>
      <Icon className="callout__icon" aria-hidden="true" />
      <div className="callout__body">
        <p className="callout__title">{title}</p>
        {children}
      </div>
    </div>
  );
}

/** A list of problems (summary + detail) inside a callout. */
export function ProblemList({ problems }: { problems: { summary: string; detail?: string }[] }) {
  return (
    <ul className="problem-list">
      {problems.map((problem, index) => (
        <li key={`${problem.summary}-${index}`}>
          <span className="problem-list__summary">{problem.summary}</span>
          {problem.detail && <span className="problem-list__detail">{problem.detail}</span>}
        </li>
      ))}
    </ul>
  );
}
