import { useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { Callout } from '@/components/Callout';
import { YamlEditor, type YamlEditorHandle } from '@/components/YamlEditor';
import { YamlError, yamlErrorPosition } from '@/components/YamlError';
import { fieldError } from '@/lib/errors';
import type { InstanceDetail } from '@/lib/types';
import { instanceQueryOptions } from '../api/getInstance';
import { useSetOverrides } from '../api/setOverrides';
import { useDraftFlag } from '../drafts';
import { changedOverrides, describeChange } from '../fields';

/**
 * The instance's stored delta as YAML. Save replaces the whole delta; a syntax error points
 * at its line and column, a field error names its path.
 *
 * The YAML draft is a copy of the delta taken when the user started typing (its `base`).
 * When the stored delta moves on meanwhile (a field saved in the form, the CLI), saving the
 * draft would silently put the old values back; so a stale draft is refused, naming each
 * field that changed, until the user discards it or chooses to overwrite. Save re-reads the
 * instance first, so a change made outside this window is caught too.
 */
export function OverridesEditor({ detail }: { detail: InstanceDetail }) {
  const [draft, setDraft] = useState<string | null>(null);
  // What the draft was started from; replaced when the user chooses to overwrite.
  const [base, setBase] = useState<InstanceDetail | null>(null);
  const [checking, setChecking] = useState(false);
  // A draft typed back to what it started from is no draft: the editor shows what is stored.
  const dirty = draft !== null && base !== null && draft !== base.overrides;
  const text = dirty ? draft : detail.overrides;
  const stale = dirty && base.overrides !== detail.overrides;
  const changes = stale && base ? changedOverrides(base.fields, detail.fields) : [];
  const save = useSetOverrides();
  const queryClient = useQueryClient();
  const editor = useRef<YamlEditorHandle>(null);
  const staleRef = useRef<HTMLDivElement>(null);
  const errorId = useId();
  const hintId = useId();
  const staleId = useId();
  const error = save.error && (save.error.kind === 'invalid' || fieldError(save.error, '*')) ? save.error : undefined;
  const position = yamlErrorPosition(error, text);
  useDraftFlag('Overrides (YAML)', dirty);

  const discard = () => {
    setDraft(null);
    setBase(null);
    if (save.error) save.reset();
  };

  const submit = async () => {
    if (!dirty || save.isPending || checking) return;
    if (stale) {
      staleRef.current?.focus();
      return;
    }
    // Read the stored delta again: it may have changed outside this window.
    setChecking(true);
    let fresh: InstanceDetail;
    try {
      fresh = await queryClient.fetchQuery({ ...instanceQueryOptions(detail.stack, detail.name), staleTime: 0 });
    } catch {
      fresh = detail;
    } finally {
      setChecking(false);
    }
    if (fresh.overrides !== base.overrides) {
      requestAnimationFrame(() => staleRef.current?.focus());
      return;
    }
    save.mutate({ stack: detail.stack, name: detail.name, yaml: draft }, { onSuccess: discard });
  };

  return (
    <form
      className="overrides-editor"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <p className="panel-intro" id={hintId}>
        Only what differs from template <strong>{detail.template}</strong>. Saving replaces the whole delta.{' '}
        <code>null</code> removes a template value (for an environment key, the variable). Esc leaves the editor,
        Shift+Tab goes back.
      </p>
      <YamlEditor
        value={text}
        onChange={(value) => {
          if (!dirty) setBase(detail);
          setDraft(value);
          if (save.error) save.reset();
        }}
        label={`Overrides of ${detail.name} (YAML)`}
        describedBy={[error ? errorId : '', stale ? staleId : '', hintId].filter(Boolean).join(' ')}
        invalid={Boolean(error)}
        errorLine={position?.line}
        minHeight="220px"
        maxHeight="460px"
        ref={editor}
        testId="overrides-yaml"
      />
      {error && <YamlError error={error} text={text} id={errorId} editor={editor} />}
      {stale && (
        <div ref={staleRef} tabIndex={-1} id={staleId} className="overrides-editor__stale" data-testid="overrides-stale">
          <Callout title="The overrides changed since you started editing this YAML" role="alert">
            {changes.length > 0 ? (
              <ul className="problem-list">
                {changes.map((change) => (
                  <li key={change.path}>
                    <span className="problem-list__summary mono">{describeChange(change)}</span>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="callout__text">They were saved from somewhere else (the form, or the devarch command).</p>
            )}
            <p className="callout__text">
              Saving your YAML now would undo {changes.length === 1 ? 'that change' : 'those changes'}, so it is not saved.
              Discard your YAML to see the saved overrides, or overwrite them on purpose.
            </p>
            <div className="panel-actions">
              <button type="button" className="button" onClick={discard}>
                Discard my YAML
              </button>
              <button
                type="button"
                className="button button--danger-quiet"
                onClick={() => {
                  setBase(detail);
                  requestAnimationFrame(() => editor.current?.goTo(1));
                }}
              >
                Keep my YAML (overwrite on save)
              </button>
            </div>
          </Callout>
        </div>
      )}
      <div className="panel-actions">
        <span className="muted" data-testid="overrides-state">
          {stale ? 'Out of date' : dirty ? 'Unsaved changes' : 'Saved'}
        </span>
        <button type="button" className="button" onClick={discard} aria-disabled={!dirty || save.isPending}>
          Revert
        </button>
        <button type="submit" className="button button--primary" aria-disabled={!dirty || save.isPending || checking}>
          {save.isPending || checking ? 'Saving…' : 'Save overrides'}
        </button>
      </div>
    </form>
  );
}
