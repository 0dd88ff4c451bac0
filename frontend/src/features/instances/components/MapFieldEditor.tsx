import { useId, useState } from 'react';
import { focusWhenReady } from '@/components/Dialog';
import { InlineError } from '@/components/Field';
import { PlusIcon, UndoIcon } from '@/components/icons';
import { OriginBadge } from '@/components/OriginBadge';
import { fieldError } from '@/lib/errors';
import type { EffectiveField } from '@/lib/types';
import { useSetField } from '../api/setField';
import { useUnsetField } from '../api/unsetField';
import { useDraftFlag } from '../drafts';
import { mapEntries, type MapEntry } from '../fields';

interface MapFieldEditorProps {
  stack: string;
  instance: string;
  /** "environment", "labels" */
  map: string;
  label: string;
  /** Names one key: "variable". */
  keyLabel: string;
  fields: EffectiveField[];
  hint?: string;
}

/**
 * A keyed map (environment) as key/value rows. Each key is its own field path
 * ("environment.APP_ENV"): overriding one key leaves the others on the template's values.
 */
export function MapFieldEditor({ stack, instance, map, label, keyLabel, fields, hint }: MapFieldEditorProps) {
  const labelId = useId();
  const hintId = useId();
  const entries = mapEntries(fields, map);
  return (
    <div
      className="form-field"
      data-testid={`field-${map}`}
      role="group"
      aria-labelledby={labelId}
      aria-describedby={hint ? hintId : undefined}
    >
      <div className="form-field__head">
        <span className="form-field__label" id={labelId}>
          {label}
        </span>
        <span className="form-field__count">
          {entries.length} {entries.length === 1 ? keyLabel : `${keyLabel}s`}
        </span>
      </div>
      {entries.length > 0 ? (
        <ul className="map-editor">
          {entries.map((entry) => (
            <MapEntryRow key={entry.key} stack={stack} instance={instance} map={map} entry={entry} />
          ))}
        </ul>
      ) : (
        <p className="form-field__empty">No {keyLabel}s.</p>
      )}
      <AddMapEntry stack={stack} instance={instance} map={map} keyLabel={keyLabel} taken={entries.map((e) => e.key)} />
      {hint && (
        <p className="form-field__hint" id={hintId}>
          {hint}
        </p>
      )}
    </div>
  );
}

function MapEntryRow({ stack, instance, map, entry }: { stack: string; instance: string; map: string; entry: MapEntry }) {
  const path = `${map}.${entry.key}`;
  const id = useId();
  const errorId = useId();
  const [draft, setDraft] = useState<string | null>(null);
  const value = draft ?? entry.value;
  const dirty = draft !== null && draft !== entry.value;
  const save = useSetField([path]);
  const reset = useUnsetField([path]);
  const error = fieldError(save.error, path) ?? fieldError(reset.error, path);
  useDraftFlag(path, dirty);

  /**
   * After a reset the reset button is gone (and the row too when the template has no such
   * key): focus goes to the row's value, or else the next variable, or else "Add". Started
   * at the click, because the row (and with it this mutation's callbacks) may be gone when
   * the answer comes; it gives up when the user has moved focus on meanwhile.
   */
  const focusAfterReset = (button: HTMLElement) => {
    const group = button.closest<HTMLElement>(`[data-testid="field-${CSS.escape(map)}"]`);
    focusWhenReady(
      () => {
        const active = document.activeElement;
        if (active && active !== document.body && active !== button) return active as HTMLElement;
        if (!group?.isConnected) return null;
        const row = group.querySelector<HTMLElement>(`[data-testid="field-${CSS.escape(path)}"]`);
        if (row && row.dataset.origin === 'override') return null; // not answered yet
        if (row) return row.querySelector<HTMLInputElement>('input');
        const rows = [...group.querySelectorAll<HTMLElement>('.map-editor__item')];
        const next = rows.find((item) => (item.dataset.key ?? '') > entry.key) ?? rows.at(-1);
        return next?.querySelector<HTMLInputElement>('input') ?? group.querySelector<HTMLElement>('.form-field__actions button');
      },
      undefined,
      15_000,
    );
  };

  return (
    <li className="map-editor__item" data-testid={`field-${path}`} data-origin={entry.origin} data-key={entry.key}>
      <form
        className="map-editor__row"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (!dirty || save.isPending) return;
          save.mutate({ stack, name: instance, path, value }, { onSuccess: () => setDraft(null) });
        }}
      >
        <label className="map-editor__key mono" htmlFor={id} title={entry.key}>
          {entry.key}
        </label>
        <input
          id={id}
          className="input mono"
          value={value}
          autoComplete="off"
          spellCheck={false}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          onChange={(event) => {
            setDraft(event.target.value);
            if (save.error) save.reset();
          }}
        />
        <span className="map-editor__side">
          {dirty ? (
            <>
              <button type="submit" className="button button--primary button--small" aria-disabled={save.isPending}>
                {save.isPending ? 'Saving…' : 'Save'}
              </button>
              <button type="button" className="button button--small" onClick={() => setDraft(null)}>
                Cancel
              </button>
            </>
          ) : (
            <>
              <OriginBadge origin={entry.origin} />
              {entry.origin === 'override' && (
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Reset to template: ${path}`}
                  title="Reset to template"
                  aria-disabled={reset.isPending}
                  onClick={(event) => {
                    if (reset.isPending) return;
                    focusAfterReset(event.currentTarget);
                    reset.mutate({ stack, name: instance, path });
                  }}
                >
                  <UndoIcon aria-hidden="true" className={reset.isPending ? 'spin' : undefined} />
                </button>
              )}
            </>
          )}
        </span>
      </form>
      {error && <InlineError error={error} id={errorId} />}
    </li>
  );
}

function AddMapEntry({ stack, instance, map, keyLabel, taken }: { stack: string; instance: string; map: string; keyLabel: string; taken: string[] }) {
  const [open, setOpen] = useState(false);
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const keyId = useId();
  const valueId = useId();
  const errorId = useId();
  // Errors about this map that no existing row shows (the key being added, or the map itself).
  const save = useSetField([map]);
  const error = fieldError(save.error, map);
  const duplicate = taken.includes(key.trim());
  useDraftFlag(`New ${keyLabel}`, open && (key.trim() !== '' || value !== ''));

  if (!open) {
    return (
      <div className="form-field__actions">
        <button type="button" className="link-button" onClick={() => setOpen(true)}>
          <PlusIcon aria-hidden="true" />
          Add {keyLabel}
        </button>
      </div>
    );
  }

  return (
    <form
      className="map-editor__add"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const name = key.trim();
        if (!name || save.isPending) return;
        save.mutate(
          { stack, name: instance, path: `${map}.${name}`, value },
          {
            onSuccess: () => {
              setKey('');
              setValue('');
              setOpen(false);
            },
          },
        );
      }}
    >
      <div className="map-editor__row">
        <label htmlFor={keyId} className="visually-hidden">
          New {keyLabel} name
        </label>
        <input
          id={keyId}
          className="input mono"
          placeholder="NAME"
          value={key}
          autoFocus
          autoComplete="off"
          spellCheck={false}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          onChange={(event) => {
            setKey(event.target.value);
            if (save.error) save.reset();
          }}
        />
        <label htmlFor={valueId} className="visually-hidden">
          New {keyLabel} value
        </label>
        <input
          id={valueId}
          className="input mono"
          placeholder="value"
          value={value}
          autoComplete="off"
          spellCheck={false}
          onChange={(event) => {
            setValue(event.target.value);
            if (save.error) save.reset();
          }}
        />
        <span className="map-editor__side">
          <button type="submit" className="button button--primary button--small" aria-disabled={!key.trim() || save.isPending}>
            {save.isPending ? 'Adding…' : duplicate ? 'Set' : 'Add'}
          </button>
          <button
            type="button"
            className="button button--small"
            onClick={() => {
              setOpen(false);
              setKey('');
              setValue('');
              save.reset();
            }}
          >
            Cancel
          </button>
        </span>
      </div>
      {error && <InlineError error={error} id={errorId} />}
    </form>
  );
}
