import { PlusIcon, StacksIcon } from '@/components/icons';

export const CREATE_STACK_COMMAND = 'devarch stack create NAME';

export function StacksEmptyState({ onCreate }: { onCreate: () => void }) {
  return (
    <div className="state" data-testid="stacks-empty">
      <div className="state__icon">
        <StacksIcon width={28} height={28} aria-hidden="true" />
      </div>
      <h2 className="state__title">No stacks yet</h2>
      <p className="state__text">
        A stack is a set of services that run together as one isolated compose project.
      </p>
      <button type="button" className="button button--primary" onClick={onCreate}>
        <PlusIcon aria-hidden="true" />
        New stack
      </button>
      <div className="state__secondary">
        <p className="state__hint">Or from a terminal:</p>
        <pre className="command command--small" aria-label="Command to create a stack">
          <span className="command__prompt" aria-hidden="true">
            $
          </span>
          <code>{CREATE_STACK_COMMAND}</code>
        </pre>
      </div>
    </div>
  );
}
