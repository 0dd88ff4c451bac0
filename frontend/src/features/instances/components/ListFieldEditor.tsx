import { useId, useRef, useState } from 'react';
import { Callout } from '@/components/Callout';
import { InlineError } from '@/components/Field';
import { PlusIcon, TrashIcon } from '@/components/icons';
import { fieldError } from '@/lib/errors';
import type { EffectiveField } from '@/lib/types';
import { useSetField } from '../api/setField';
import { useUnsetField } from '../api/unsetField';
import { splitOffer } from '../argv';
import { useDraftFlag } from '../drafts';
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
  /**
   * The rows are an argv (command, entrypoint): a row holding a whole command line, such as
   * `/bin/httpd -f -p 80 -h /`, is shown as the one argument it is, with the offer to split
   * it shell-style (quotes respected); saving such a row asks first.
   */
  commandLine?: boolean;
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
  commandLine = false,
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
  const addRef = useRef<HTMLButtonElement>(null);
  const askRef = useRef<HTMLDivElement>(null);
  const [askSplit, setAskSplit] = useState(false);
  useDraftFlag(label, dirty);
  // Arguments known to hold their spaces on purpose (saved ones, the parts of a split) are
  // not offered for splitting again: only what the user typed in this draft is.
  const [kept, setKept] = useState<string[]>([]);
  const deliberate = new Set([...current, ...kept]);
  const offers = items.map((item) => (commandLine && !deliberate.has(item.trim()) ? splitOffer(item.trim()) : null));
  const splittable = offers.some(Boolean);

  const update = (next: string[]) => {
    setDraft(next);
    setAskSplit(false);
    if (save.error) save.reset();
  };

  /** Focuses a row's input; with no rows left, the add button (focus never falls to the page). */
  const focusRow = (index: number) => {
    requestAnimationFrame(() => (listRef.current?.querySelectorAll<HTMLInputElement>('input')[index] ?? addRef.current)?.focus());
  };

  /** Every row that is a command line, as its arguments. */
  const splitAll = (rows: string[]) => rows.flatMap((item, index) => offers[index] ?? [item]);

  const saveList = (rows: string[]) => {
    const values = rows.map((item) => item.trim()).filter(Boolean);
    save.mutate(
      { stack, name: instance, path, value: JSON.stringify(values) },
      {
        onSuccess: () => {
          setDraft(null);
          setAskSplit(false);
        },
      },
    );
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
        if (splittable && !askSplit) {
          setAskSplit(true);
          requestAnimationFrame(() => askRef.current?.focus());
          return;
        }
        saveList(items);
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
        onReset={() =>
          reset.mutate(
            { stack, name: instance, path },
            {
              onSuccess: () => {
                setDraft(null);
                // The reset button is gone now: carry on at the list.
                focusRow(0);
              },
            },
          )
        }
      />
      {items.length === 0 && <p className="form-field__empty">{field ? 'Empty list.' : (emptyText ?? 'Not set.')}</p>}
      {items.length > 0 && (
        <ul className="list-editor" ref={listRef}>
          {items.map((item, index) => (
            <li key={index} className="list-editor__item">
              <div className="list-editor__row">
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
              </div>
              {offers[index] && (
                <SplitOffer
                  args={offers[index]}
                  label={`${itemLabel} ${index + 1}`}
                  onSplit={() => {
                    setKept([...kept, ...offers[index]!]);
                    update([...items.slice(0, index), ...offers[index]!, ...items.slice(index + 1)]);
                    focusRow(index);
                  }}
                />
              )}
            </li>
          ))}
        </ul>
      )}
      <div className="form-field__actions">
        <button
          type="button"
          className="link-button"
          ref={addRef}
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
      {askSplit && splittable && (
        <div ref={askRef} tabIndex={-1} data-testid="argv-split-question">
          <Callout title={`Save ${label.toLowerCase()} with spaces inside an argument?`} role="alert">
            <p className="callout__text">
              Each row is one argument, passed to the program without a shell. A row holding a whole command line
              stays one argument, and the container then looks for a program named after the whole line.
            </p>
            <div className="panel-actions">
              <button
                type="button"
                className="button button--primary"
                onClick={() => {
                  setKept([...kept, ...splitAll(items)]);
                  saveList(splitAll(items));
                }}
              >
                Split and save ({splitAll(items).filter((item) => item.trim()).length} arguments)
              </button>
              <button type="button" className="button" onClick={() => saveList(items)}>
                Save as typed
              </button>
            </div>
          </Callout>
        </div>
      )}
      {error && <InlineError error={error} id={errorId} />}
      {hint && (
        <p className="form-field__hint" id={hintId}>
          {hint}
        </p>
      )}
    </form>
  );
}

/** Under a row that holds a command line: what it is now, and the arguments a split gives. */
function SplitOffer({ args, label, onSplit }: { args: string[]; label: string; onSplit: () => void }) {
  return (
    <div className="form-field__hint argv-split" data-testid="argv-split-offer" role="status">
      <span className="argv-split__args">
        {label} is one argument with spaces. Split shell-style into {args.length}:{' '}
        {args.map((arg, index) => (
          <code key={index} className="tag mono">
            {arg === '' ? "''" : arg}
          </code>
        ))}
      </span>
      <button type="button" className="link-button" onClick={onSplit} aria-label={`Split ${label.toLowerCase()} into ${args.length} arguments`}>
        Split into {args.length} arguments
      </button>
    </div>
  );
}
