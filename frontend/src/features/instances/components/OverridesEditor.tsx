import { useId, useRef, useState } from 'react';
import { YamlEditor, type YamlEditorHandle } from '@/components/YamlEditor';
import { YamlError, yamlErrorPosition } from '@/components/YamlError';
import { fieldError } from '@/lib/errors';
import type { InstanceDetail } from '@/lib/types';
import { useSetOverrides } from '../api/setOverrides';

/**
 * The instance's stored delta as YAML. Save replaces the whole delta; a syntax error points
 * at its line and column, a field error names its path.
 */
export function OverridesEditor({ detail }: { detail: InstanceDetail }) {
  const [draft, setDraft] = useState<string | null>(null);
  const text = draft ?? detail.overrides;
  const dirty = draft !== null && draft !== detail.overrides;
  const save = useSetOverrides();
  const editor = useRef<YamlEditorHandle>(null);
  const errorId = useId();
  const hintId = useId();
  const error = save.error && (save.error.kind === 'invalid' || fieldError(save.error, '*')) ? save.error : undefined;
  const position = yamlErrorPosition(error, text);

  return (
    <form
      className="overrides-editor"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (!dirty || save.isPending) return;
        save.mutate({ stack: detail.stack, name: detail.name, yaml: text }, { onSuccess: () => setDraft(null) });
      }}
    >
      <p className="panel-intro" id={hintId}>
        Only what differs from template <strong>{detail.template}</strong>. Saving replaces the whole delta.{' '}
        <code>null</code> removes a template value (for an environment key, the variable). Esc then Tab leaves the
        editor.
      </p>
      <YamlEditor
        value={text}
        onChange={(value) => {
          setDraft(value);
          if (save.error) save.reset();
        }}
        label={`Overrides of ${detail.name} (YAML)`}
        describedBy={[error ? errorId : '', hintId].filter(Boolean).join(' ')}
        invalid={Boolean(error)}
        errorLine={position?.line}
        minHeight="220px"
        maxHeight="460px"
        ref={editor}
        testId="overrides-yaml"
      />
      {error && <YamlError error={error} text={text} id={errorId} editor={editor} />}
      <div className="panel-actions">
        <span className="muted">{dirty ? 'Unsaved changes' : 'Saved'}</span>
        <button type="button" className="button" onClick={() => setDraft(null)} aria-disabled={!dirty || save.isPending}>
          Revert
        </button>
        <button type="submit" className="button button--primary" aria-disabled={!dirty || save.isPending}>
          {save.isPending ? 'Saving…' : 'Save overrides'}
        </button>
      </div>
    </form>
  );
}
