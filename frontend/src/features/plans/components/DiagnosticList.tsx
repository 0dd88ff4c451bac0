import { instanceHref } from '@/app/routes';
import type { PlanDiagnostic } from '@/lib/types';

/**
 * A plan's diagnostics of one severity, each with what it is about: the instance (a link to
 * its page, where the field can be edited) and the field path, then the summary and the
 * detail that says what to do.
 */
export function DiagnosticList({ stack, diagnostics }: { stack: string; diagnostics: PlanDiagnostic[] }) {
  return (
    <ul className="problem-list">
      {diagnostics.map((diagnostic, index) => (
        <li
          key={`${diagnostic.instance}-${diagnostic.path}-${diagnostic.summary}-${index}`}
          data-testid="plan-diagnostic"
          data-severity={diagnostic.severity}
          data-instance={diagnostic.instance || undefined}
          data-path={diagnostic.path || undefined}
        >
          {diagnostic.instance && (
            <span className="problem-list__detail" data-testid="plan-diagnostic-subject">
              <a href={instanceHref(stack, diagnostic.instance)}>{diagnostic.instance}</a>
              {diagnostic.path && (
                <>
                  {' · '}
                  <code>{diagnostic.path}</code>
                </>
              )}
            </span>
          )}
          <span className="problem-list__summary">{diagnostic.summary}</span>
          {diagnostic.detail && <span className="problem-list__detail">{diagnostic.detail}</span>}
        </li>
      ))}
    </ul>
  );
}
