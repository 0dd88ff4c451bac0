import { useId, useRef, useState } from 'react';
import { Dialog, DialogCancel } from '@/components/Dialog';
import { ErrorState } from '@/components/ErrorState';
import { Spinner } from '@/components/Spinner';
import { useToastStore } from '@/components/toast';
import { YamlEditor, type YamlEditorHandle } from '@/components/YamlEditor';
import { YamlError, yamlErrorPosition } from '@/components/YamlError';
import { useTemplate } from '../api/getTemplate';
import { useSaveTemplate } from '../api/saveTemplate';
import { NEW_TEMPLATE_YAML } from '../skeleton';

export type TemplateYamlMode = { kind: 'view'; name: string } | { kind: 'edit'; name: string } | { kind: 'new' };

interface TemplateYamlDialogProps {
  mode: TemplateYamlMode;
  onClose: () => void;
  /** Offered on a read-only (built-in) template. */
  onClone?: (name: string) => void;
}

/**
 * A template's YAML: read-only for built-ins, editable for custom ones and new templates.
 * Errors show under the editor with their line, column and path.
 */
export function TemplateYamlDialog({ mode, onClose, onClone }: TemplateYamlDialogProps) {
  const name = mode.kind === 'new' ? '' : mode.name;
  const template = useTemplate(name, mode.kind !== 'new');
  const save = useSaveTemplate();
  const toasts = useToastStore();
  const [draft, setDraft] = useState<string | null>(null);
  const editor = useRef<YamlEditorHandle>(null);
  const errorId = useId();
  const readOnly = mode.kind === 'view';
  const loaded = mode.kind === 'new' ? NEW_TEMPLATE_YAML : template.data?.yaml;
  const text = draft ?? loaded ?? '';
  const dirty = !readOnly && draft !== null && draft !== loaded;
  // Errors about the document show under the editor; anything else is a toast.
  const error = save.error && (save.error.kind === 'invalid' || save.error.kind === 'conflict' || save.error.field) ? save.error : undefined;
  const position = yamlErrorPosition(error, text);

  const submit = () => {
    if (readOnly || save.isPending || loaded === undefined) return;
    save.mutate(
      { yaml: text, replace: mode.kind === 'edit' },
      {
        onSuccess: (saved) => {
          toasts.show({
            tone: 'success',
            title: mode.kind === 'new' ? `Template ${saved.name} created` : `Template ${saved.name} saved`,
            timeout: 4000,
          });
          onClose();
        },
      },
    );
  };

  const title = mode.kind === 'new' ? 'New template' : mode.kind === 'edit' ? `Edit ${name}` : name;
  const description =
    mode.kind === 'new'
      ? 'Write the template as YAML. It is checked when you save.'
      : mode.kind === 'edit'
        ? 'Instances that do not override a field follow your changes.'
        : 'A built-in template is read-only. Clone it to make your own version.';

  let body;
  if (loaded !== undefined) {
    body = (
      <>
        <YamlEditor
          value={text}
          readOnly={readOnly}
          onChange={(value) => {
            setDraft(value);
            if (save.error) save.reset();
          }}
          label={readOnly ? `Template ${name} (YAML, read-only)` : `Template ${name || 'definition'} (YAML)`}
          describedBy={error ? errorId : undefined}
          invalid={Boolean(error)}
          errorLine={position?.line}
          minHeight="320px"
          maxHeight="56vh"
          ref={editor}
          testId="template-yaml"
        />
        {error && <YamlError error={error} text={text} id={errorId} editor={editor} />}
      </>
    );
  } else if (template.error) {
    body = <ErrorState title={`Couldn't load ${name}`} error={template.error} onRetry={() => void template.refetch()} retrying={template.isFetching} />;
  } else {
    body = (
      <div className="catalog-empty">
        <Spinner label="Loading the template" /> Loading…
      </div>
    );
  }

  return (
    <Dialog
      title={title}
      description={description}
      onClose={onClose}
      onSubmit={readOnly ? undefined : submit}
      busy={save.isPending}
      dirty={dirty}
      discardText={mode.kind === 'new' ? 'The template you typed is not saved.' : `Your changes to ${name} are not saved.`}
      size="lg"
      testId="template-yaml-dialog"
      footer={
        readOnly ? (
          <>
            {onClone && (
              <button type="button" className="button" onClick={() => onClone(name)}>
                Clone…
              </button>
            )}
            <button type="button" className="button button--primary" onClick={onClose}>
              Close
            </button>
          </>
        ) : (
          <>
            <span className="dialog__footer-note">Esc leaves the editor, Shift+Tab goes back.</span>
            <DialogCancel />
            <button type="submit" className="button button--primary" aria-disabled={save.isPending || loaded === undefined}>
              {save.isPending ? 'Saving…' : mode.kind === 'new' ? 'Create template' : 'Save template'}
            </button>
          </>
        )
      }
    >
      {body}
    </Dialog>
  );
}
