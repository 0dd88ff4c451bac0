import { useId, type ReactNode } from 'react';
import type { AppError } from '@/lib/errors';

export interface ControlProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: boolean;
}

interface FieldProps {
  label: ReactNode;
  /** Guidance under the control; its tone turns to a warning while `hintWarning` is set. */
  hint?: ReactNode;
  hintWarning?: boolean;
  /** The backend's problem for this field: its summary and detail show under the control. */
  error?: AppError | string;
  /** Extra content on the label's line, e.g. an origin badge. */
  adornment?: ReactNode;
  className?: string;
  children: (control: ControlProps) => ReactNode;
}

/** A labelled form control with its hint and, when the backend rejected it, its error. */
export function Field({ label, hint, hintWarning = false, error, adornment, className = '', children }: FieldProps) {
  const id = useId();
  const hintId = useId();
  const errorId = useId();
  const describedBy = [error ? errorId : undefined, hint ? hintId : undefined].filter(Boolean).join(' ') || undefined;
  const summary = typeof error === 'string' ? error : error?.summary;
  const detail = typeof error === 'string' ? undefined : error?.detail;
  return (
    <div className={`field ${error ? 'field--invalid' : ''} ${className}`.trim()}>
      <div className="field__label-row">
        <label className="field__label" htmlFor={id}>
          {label}
        </label>
        {adornment}
      </div>
      {children({ id, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined })}
      {error && (
        <div className="field__error" id={errorId} data-testid="field-error">
          <p className="field__error-summary">{summary}</p>
          {detail && <p className="field__error-detail">{detail}</p>}
        </div>
      )}
      {hint && (
        <p className={`field__hint ${hintWarning ? 'field__hint--warning' : ''}`.trim()} id={hintId}>
          {hint}
        </p>
      )}
    </div>
  );
}

/** An error that belongs to a group of controls (a list editor, a YAML editor). */
export function InlineError({ error, id, children }: { error: AppError | string; id?: string; children?: ReactNode }) {
  const summary = typeof error === 'string' ? error : error.summary;
  const detail = typeof error === 'string' ? undefined : error.detail;
  return (
    <div className="field__error" id={id} data-testid="field-error">
      <p className="field__error-summary">{summary}</p>
      {detail && <p className="field__error-detail">{detail}</p>}
      {children}
    </div>
  );
}
