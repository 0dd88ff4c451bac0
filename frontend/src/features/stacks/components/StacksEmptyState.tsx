import { StacksIcon } from '@/components/icons';

export const CREATE_STACK_COMMAND = 'devarch stack create NAME';

export function StacksEmptyState() {
  return (
    <div className="state" data-testid="stacks-empty">
      <div className="state__icon">
        <StacksIcon width={28} height={28} aria-hidden="true" />
      </div>
      <h2 className="state__title">No stacks yet</h2>
      <p className="state__text">
        A stack is a set of services that run together as one isolated compose project. Create one from a terminal:
      </p>
      <pre className="command" aria-label="Command to create a stack">
        <span className="command__prompt" aria-hidden="true">
          $
        </span>
        <code>{CREATE_STACK_COMMAND}</code>
      </pre>
      <p className="state__hint">It appears here as soon as it exists.</p>
    </div>
  );
}
