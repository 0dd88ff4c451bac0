import { useState } from 'react';
import { Callout } from '@/components/Callout';
import { Dialog } from '@/components/Dialog';
import { Field } from '@/components/Field';
import { FileIcon } from '@/components/icons';
import { useToastStore } from '@/components/toast';
import { transfer } from '@/lib/backend';
import { toAppError, type AppError } from '@/lib/errors';
import { inDesktopWindow } from '../kinds';

/**
 * Export on a stack's page: the native Save dialog (proposing devarch.yml), then the file
 * is written. Where the window has no native dialogs (a dev build in a browser) a small
 * dialog asks for the path instead. Success and the export's warnings come as a toast.
 */
export function ExportButton({ stack }: { stack: string }) {
  const [busy, setBusy] = useState(false);
  const [askPath, setAskPath] = useState(false);
  const toasts = useToastStore();

  const announce = (path: string, warnings: string[]) => {
    toasts.show({
      tone: warnings.length > 0 ? 'info' : 'success',
      title: `Exported ${stack}`,
      message: warnings.length > 0 ? `${path} — ${warnings.length === 1 ? '1 warning' : `${warnings.length} warnings`}` : path,
      detail: warnings.length > 0 ? warnings.join('\n') : undefined,
      timeout: warnings.length > 0 ? undefined : 6000,
    });
  };

  const start = async () => {
    if (busy) return;
    if (!inDesktopWindow()) {
      setAskPath(true);
      return;
    }
    setBusy(true);
    try {
      const path = await transfer.chooseExportPath(stack);
      if (!path) return; // canceled
      const result = await transfer.exportTo(stack, path);
      announce(result.path, result.warnings);
    } catch (raw) {
      const error = toAppError(raw);
      if (error.kind === 'unavailable' && /dialog/i.test(error.summary)) {
        setAskPath(true);
      } else {
        toasts.show({ tone: 'error', title: 'Could not export the stack', message: error.summary, detail: error.detail });
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <button type="button" className="button" onClick={() => void start()} aria-disabled={busy} data-testid="export-stack">
        <FileIcon aria-hidden="true" />
        {busy ? 'Exporting…' : 'Export'}
      </button>
      {askPath && (
        <ExportPathDialog
          stack={stack}
          onClose={() => setAskPath(false)}
          onDone={(path, warnings) => {
            setAskPath(false);
            announce(path, warnings);
          }}
        />
      )}
    </>
  );
}

/** The path of the file to write, typed (no native Save dialog here). */
function ExportPathDialog({ stack, onClose, onDone }: { stack: string; onClose: () => void; onDone: (path: string, warnings: string[]) => void }) {
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError>();

  const submit = async () => {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      const result = await transfer.exportTo(stack, path.trim());
      onDone(result.path, result.warnings);
    } catch (raw) {
      setError(toAppError(raw));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={`Export ${stack}`}
      description="This window has no file chooser: type where to write the stack's devarch.yml."
      onClose={onClose}
      onSubmit={() => void submit()}
      busy={busy}
      size="sm"
      testId="export-path-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={onClose} aria-disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" aria-disabled={busy || path.trim() === ''}>
            {busy ? 'Exporting…' : 'Export'}
          </button>
        </>
      }
    >
      <Field label="File" hint="The full path, e.g. /home/me/shop/devarch.yml. An existing file is replaced." error={error?.field === 'path' ? error : undefined}>
        {(control) => (
          <input
            {...control}
            className="input mono"
            data-field="export-path"
            data-autofocus
            value={path}
            autoComplete="off"
            spellCheck={false}
            placeholder="/home/me/devarch.yml"
            onChange={(event) => setPath(event.target.value)}
          />
        )}
      </Field>
      {error && error.field !== 'path' && (
        <Callout tone="error" title={error.summary} role="alert">
          {error.detail && <p>{error.detail}</p>}
        </Callout>
      )}
    </Dialog>
  );
}
