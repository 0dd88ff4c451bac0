import { useId, useRef, useState } from 'react';
import { InlineError } from '@/components/Field';
import { PlusIcon, TrashIcon } from '@/components/icons';
import { fieldError } from '@/lib/errors';
import type { EffectiveField } from '@/lib/types';
import { useSetField } from '../api/setField';
import { useUnsetField } from '../api/unsetField';
import { listItems } from '../fields';
import { FieldHeader } from './FieldHeader';

interface ListFieldEditorProps {
  stack: string;
  instance: string;
  /** "ports", "command" */
  path: string;
  label: string;
  /** Names one row: "Port" gives "Port 1", "Port 2". */
  itemLabel: string;
  addLabel: string;
  placeholder?: string;
  field: EffectiveField | undefined;
  hint?: string;
  /** Shown when the list is empty and unset. */
  emptyText?: string;
}

/**
 * A list field (ports, command) as rows. Saving overrides the whole list (DOMAIN.md: a list
 * override replaces the template's list); an emptied list is saved as [] ("overridden to
 * empty"), which is not the same as resetting to the template.
 */
export function ListFieldEditor({
  stack,
  instance,
  path,
  label,
  itemLabel,
  addLabel,
  placeholder,
  field,
  hint,
  emptyText,
}: ListFieldEditorProps) {
  const labelId = useId();
  const errorId = useId();
  const hintId = useId();
  const current = listItems(field);
  const [draft, setDraft] = useState<string[] | null>(null);
  const items = draft ?? current;
  const cleaned = items.map((item) => item.trim()).filter(Boolean);
  const dirty = draft !== null && JSON.stringify(cleaned) !== JSON.stringify(current);
  const save = useSetField([path]);
  const reset = useUnsetField([path]);
  const error = fieldError(save.error, path) ?? fieldError(reset.error, path);
  const listRef = useRef<HTMLUListElement>(null);

  const update = (next: string[]) => {
    setDraft(next);
    if (save.error) save.reset();
  };

  const focusRow = (index: number) => {
    requestAnimationFrame(() => listRef.current?.querySelectorAll<HTMLInputElement>('input')[index]?.focus());
  };

  return (
    <form
      className={`form-field ${error ? 'form-field--invalid' : ''}`}
      data-testid={`field-${path}`}
      data-origin={field?.origin ?? 'unset'}
      aria-labelledby={labelId}
      aria-describedby={[error ? errorId : '', hint ? hintId : ''].filter(Boolean).join(' ') || undefined}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (!dirty || save.isPending) return;
        save.mutate({ stack, name: instance, path, value: JSON.stringify(cleaned) }, { onSuccess: () => setDraft(null) });
      }}
    >
      <FieldHeader
        label={
          <span className="form-field__label" id={labelId}>
            {label}
          </span>
        }
        path={path}
        origin={field?.origin}
        resetting={reset.isPending}
        onReset={() => reset.mutate({ stack, name: instance, path }, { onSuccess: () => setDraft(null) })}
      />
      {items.length === 0 && <p className="form-field__empty">{field ? 'Empty list.' : (emptyText ?? 'Not set.')}</p>}
      {items.length > 0 && (
        <ul className="list-editor" ref={listRef}>
          {items.map((item, index) => (
            <li key={index} className="list-editor__row">
              <input
                className="input mono"
                value={item}
                placeholder={placeholder}
                aria-label={`${itemLabel} ${index + 1}`}
                aria-invalid={error ? true : undefined}
                autoComplete="off"
                spellCheck={false}
                onChange={(event) => update(items.map((old, i) => (i === index ? event.target.value : old)))}
              />
              <button
                type="button"
                className="icon-button"
                aria-label={`Remove ${itemLabel.toLowerCase()} ${index + 1}`}
                title="Remove"
                onClick={() => {
                  update(items.filter((_, i) => i !== index));
                  focusRow(Math.max(0, index - 1));
                }}
              >
                <TrashIcon aria-hidden="true" />
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="form-field__actions">
        <button
          type="button"
          className="link-button"
          onClick={() => {
            update([...items, '']);
            focusRow(items.length);
          }}
        >
          <PlusIcon aria-hidden="true" />
          {addLabel}
        </button>
        {dirty && (
          <span className="form-field__save">
            <button type="button" className="button" onClick={() => setDraft(null)}>
              Cancel
            </button>
            <button type="submit" className="button button--primary" aria-disabled={save.isPending}>
              {save.isPending ? 'Saving…' : `Save ${label.toLowerCase()}`}
            </button>
          </span>
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
