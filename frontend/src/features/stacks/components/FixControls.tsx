import { instanceFieldHref } from '@/app/routes';
import { CopyButton } from '@/components/CopyButton';
import { PencilIcon } from '@/components/icons';
import type { StackProblem } from '@/lib/types';

/**
 * The fix of a problem about an instance's field: a link to the instance editor with focus
 * on that field ("Change the ports of web"). People using the window are not sent to a
 * terminal: the CLI command comes second (CliEquivalent).
 */
export function FieldFixLink({ stack, instance, path }: { stack: string; instance: string; path: string }) {
  return (
    <a className="button button--small" href={instanceFieldHref(stack, instance, path)}>
      <PencilIcon aria-hidden="true" />
      {fieldFixLabel(instance, path)}
    </a>
  );
}

/** "Change the ports of web"; "Change environment.MODE of web" for a field path. */
export function fieldFixLabel(instance: string, path: string): string {
  return /^[a-z_]+$/.test(path) ? `Change the ${path.replace(/_/g, ' ')} of ${instance}` : `Change ${path} of ${instance}`;
}

/** The CLI command that does the same as a fix's control: small, muted, copyable. */
export function CliEquivalent({ command, testId }: { command: string; testId?: string }) {
  return (
    <span className="problem-fix__cli">
      <span className="problem-fix__cli-label">CLI:</span>
      <code data-testid={testId}>{command}</code>
      <CopyButton text={command} label="Copy the command" iconOnly className="problem-fix__copy" />
    </span>
  );
}

/**
 * A stack's problems (its port clashes) in a callout: each with its summary and detail, and
 * when it names an instance of this stack, the link to that instance's field that fixes it.
 */
export function StackProblemList({ stack, problems }: { stack: string; problems: StackProblem[] }) {
  return (
    <ul className="problem-list">
      {problems.map((problem, index) => (
        <li key={`${problem.summary}-${index}`} data-testid="stack-problem" data-instance={problem.instance} data-field={problem.field}>
          <span className="problem-list__summary">{problem.summary}</span>
          {problem.detail && <span className="problem-list__detail">{problem.detail}</span>}
          {problem.fix && problem.instance && problem.field && (
            <span className="problem-fix">
              <FieldFixLink stack={stack} instance={problem.instance} path={problem.field} />
              {problem.fix.command && <CliEquivalent command={problem.fix.command} testId="stack-problem-cli" />}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}
