import type { ReactNode } from 'react';
import { UndoIcon } from '@/components/icons';
import { OriginBadge } from '@/components/OriginBadge';
import type { Origin } from '@/lib/types';

interface FieldHeaderProps {
  /** The label element: a <label> or a <legend>-like heading. */
  label: ReactNode;
  path: string;
  origin?: Origin;
  onReset?: () => void;
  resetting?: boolean;
}

/**
 * A field's label line: its origin at a glance and, when the instance overrides it, the way
 * back to the template's value.
 */
export function FieldHeader({ label, path, origin, onReset, resetting = false }: FieldHeaderProps) {
  return (
    <div className="form-field__head">
      {label}
      {origin ? <OriginBadge origin={origin} /> : <span className="origin origin--unset">not set</span>}
      {origin === 'override' && onReset && (
        <button
          type="button"
          className="link-button form-field__reset"
          onClick={() => {
            if (!resetting) onReset();
          }}
          aria-disabled={resetting}
          aria-label={`Reset to template: ${path}`}
        >
          <UndoIcon aria-hidden="true" className={resetting ? 'spin' : undefined} />
          {resetting ? 'Resetting…' : 'Reset to template'}
        </button>
      )}
    </div>
  );
}
