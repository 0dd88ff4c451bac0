import { useId, useState } from 'react';
import { InlineError } from '@/components/Field';
import { fieldError } from '@/lib/errors';
import type { EffectiveField } from '@/lib/types';
import { useSetField } from '../api/setField';
import { useUnsetField } from '../api/unsetField';
import { useDraftFlag } from '../drafts';
import { valueText } from '../fields';
import { FieldHeader } from './FieldHeader';

interface ScalarFieldEditorProps {
  stack: string;
  instance: string;
  path: string;
  label: string;
  field: EffectiveField | undefined;
  placeholder?: string;
  hint?: string;
}

/** One scalar field (image, user, ...): edit, save as an override, or reset to the template. */
export function ScalarFieldEditor({ stack, instance, path, label, field, placeholder, hint }: ScalarFieldEditorProps) {
  const id = useId();
  const errorId = useId();
  const hintId = useId();
  const current = valueText(field?.value);
  const [draft, setDraft] = useState<string | null>(null);
  const value = draft ?? current;
  const dirty = draft !== null && draft !== current;
  const save = useSetField([path]);
  const reset = useUnsetField([path]);
  const error = fieldError(save.error, path) ?? fieldError(reset.error, path);
  useDraftFlag(label, dirty);

  return (
    <form
      className={`form-field ${error ? 'form-field--invalid' : ''}`}
      data-testid={`field-${path}`}
      data-origin={field?.origin ?? 'unset'}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (!dirty || save.isPending) return;
        save.mutate({ stack, name: instance, path, value }, { onSuccess: () => setDraft(null) });
      }}
    >
      <FieldHeader
        label={
          <label className="form-field__label" htmlFor={id}>
            {label}
          </label>
        }
        path={path}
        origin={field?.origin}
        resetting={reset.isPending}
        onReset={() =>
          reset.mutate(
            { stack, name: instance, path },
            {
              onSuccess: () => {
                setDraft(null);
                // The reset button is gone now: carry on at the field.
                document.getElementById(id)?.focus();
              },
            },
          )
        }
      />
      <div className="form-field__row">
        <input
          id={id}
          className="input mono"
          value={value}
          placeholder={placeholder}
          autoComplete="off"
          spellCheck={false}
          aria-invalid={error ? true : undefined}
          aria-describedby={[error ? errorId : '', hint ? hintId : ''].filter(Boolean).join(' ') || undefined}
          onChange={(event) => {
            setDraft(event.target.value);
            if (save.error) save.reset();
          }}
        />
        {dirty && (
          <>
            <button type="submit" className="button button--primary" aria-disabled={save.isPending}>
              {save.isPending ? 'Saving…' : 'Save'}
            </button>
            <button type="button" className="button" onClick={() => setDraft(null)}>
              Cancel
            </button>
          </>
        )}
      </div>
      {error && <InlineError error={error} id={errorId} />}
      {hint && (
        <p className="form-field__hint" id={hintId}>
          {hint}
        </p>
      )}
    </form>
  );
}
