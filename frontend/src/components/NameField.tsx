import type { ReactNode } from 'react';
import type { AppError } from '@/lib/errors';
import { Field } from './Field';

export interface NameFieldProps {
  label?: string;
  value: string;
  onChange: (value: string) => void;
  /** The naming rule for the value typed so far (lib/names), or what else to say; hidden while error is shown. */
  hint: { text: ReactNode; warning: boolean };
  /** The backend's refusal of the name. */
  error?: AppError;
  placeholder?: string;
  /** data-field, for the focus moves after a refusal and for tests. */
  fieldId?: string;
  /** The dialog's first focus (default: yes). */
  autoFocus?: boolean;
  className?: string;
  /** The id of a datalist of suggestions for the value. */
  list?: string;
}

/**
 * The one name field (a stack, an instance, a secret, a rename or clone): monospace, no
 * autocomplete or spell check, the rule as a live hint, the backend's refusal in its place.
 */
export function NameField({ label = 'Name', value, onChange, hint, error, placeholder, fieldId, autoFocus = true, className, list }: NameFieldProps) {
  return (
    <Field label={label} hint={error ? undefined : hint.text} hintWarning={hint.warning} error={error} className={className}>
      {(control) => (
        <input
          {...control}
          className="input mono"
          data-field={fieldId}
          data-autofocus={autoFocus || undefined}
          value={value}
          autoComplete="off"
          spellCheck={false}
          placeholder={placeholder}
          list={list}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </Field>
  );
}
