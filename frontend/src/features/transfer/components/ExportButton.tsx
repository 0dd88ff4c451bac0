import { useState } from 'react';
import { Callout } from '@/components/Callout';
import { Dialog } from '@/components/Dialog';
import { Field } from '@/components/Field';
import { FileIcon } from '@/components/icons';
import { useToastStore } from '@/components/toast';
import { transfer } from '@/lib/backend';
import { AppError, toAppError } from '@/lib/errors';
import { inDesktopWindow } from '../kinds';

/**
 * The shortest passphrase the window accepts for an export with secret values. The backend
 * refuses only an empty one (a file from the CLI may carry a shorter one, so import takes
 * any); the window asks for more because the file is meant to travel.
 */
export const MIN_PASSPHRASE = 8;

/**
 * Export on a stack's page: a small dialog offers to include the secret values (encrypted
 * with a passphrase typed twice), then the native Save dialog (proposing devarch.yml) and
 * the file is written. Where the window has no native dialogs (a dev build in a browser)
 * the dialog asks for the path too. Success and the export's warnings come as a toast.
 */
export function ExportButton({ stack }: { stack: string }) {
  const [open, setOpen] = useState(false);
  const toasts = useToastStore();

  const announce = (path: string, warnings: string[], withSecrets: boolean) => {
    toasts.show({
      tone: warnings.length > 0 ? 'info' : 'success',
      title: `Exported ${stack}${withSecrets ? ' with secret values' : ''}`,
      message: warnings.length > 0 ? `${path} — ${warnings.length === 1 ? '1 warning' : `${warnings.length} warnings`}` : path,
      detail: warnings.length > 0 ? warnings.join('\n') : undefined,
      timeout: warnings.length > 0 ? undefined : 6000,
    });
  };

  return (
    <>
      <button type="button" className="button" onClick={() => setOpen(true)} data-testid="export-stack">
        <FileIcon aria-hidden="true" />
        Export
      </button>
      {open && (
        <ExportDialog
          stack={stack}
          onClose={() => setOpen(false)}
          onDone={(path, warnings, withSecrets) => {
            setOpen(false);
            announce(path, warnings, withSecrets);
          }}
        />
      )}
    </>
  );
}

/**
 * What to export and, without native dialogs, where. The passphrase lives in the two
 * inputs only while the dialog is open: it is handed to the backend call and both fields
 * are emptied as soon as the call returns, whatever its outcome; it is never logged.
 */
function ExportDialog({
  stack,
  onClose,
  onDone,
}: {
  stack: string;
  onClose: () => void;
  onDone: (path: string, warnings: string[], withSecrets: boolean) => void;
}) {
  const desktop = inDesktopWindow();
  const [askPath, setAskPath] = useState(!desktop);
  const [path, setPath] = useState('');
  const [withSecrets, setWithSecrets] = useState(false);
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError>();
  const [passError, setPassError] = useState<string>();
  const [confirmError, setConfirmError] = useState<string>();

  /** The window's own checks of the two fields: a message per field, or none. */
  const checkPassphrase = (): boolean => {
    let pass: string | undefined;
    let again: string | undefined;
    if (passphrase === '') pass = 'Type a passphrase: the secret values are encrypted with it.';
    else if ([...passphrase].length < MIN_PASSPHRASE) pass = `The passphrase is too short: use at least ${MIN_PASSPHRASE} characters.`;
    if (!pass && confirm !== passphrase) again = 'The two passphrases differ: type the same passphrase in both fields.';
    setPassError(pass);
    setConfirmError(again);
    return !pass && !again;
  };

  const submit = async () => {
    if (busy) return;
    setError(undefined);
    if (withSecrets && !checkPassphrase()) return;
    if (askPath && path.trim() === '') {
      setError(new AppError({ kind: 'invalid', summary: 'Give the file to write', detail: 'Its full path, e.g. /home/me/shop/devarch.yml.', field: 'path' }));
      return;
    }
    setBusy(true);
    let target = path.trim();
    try {
      if (!askPath) {
        try {
          target = await transfer.chooseExportPath(stack);
        } catch (raw) {
          const e = toAppError(raw);
          if (e.kind === 'unavailable' && /dialog/i.test(e.summary)) {
            setAskPath(true); // no native dialog after all: type the path
            return;
          }
          throw e;
        }
        if (!target) return; // the Save dialog was canceled: the dialog stays, as it was
      }
      const result = withSecrets ? await transfer.exportWithSecrets(stack, target, passphrase) : await transfer.exportTo(stack, target);
      setPassphrase('');
      setConfirm('');
      onDone(result.path, result.warnings, withSecrets);
    } catch (raw) {
      setError(toAppError(raw));
    } finally {
      // Whatever happened, the passphrase does not outlive the call in this window's state.
      if (withSecrets) {
        setPassphrase('');
        setConfirm('');
      }
      setBusy(false);
    }
  };

  const pathError = error?.field === 'path' ? error : undefined;
  const passBackendError = error?.field === 'passphrase' ? error : undefined;
  const otherError = error && !pathError && !passBackendError ? error : undefined;
  const primary = busy ? 'Exporting…' : askPath ? 'Export' : 'Choose file and export…';

  return (
    <Dialog
      title={`Export ${stack}`}
      description={
        askPath
          ? "This window has no file chooser: type where to write the stack's devarch.yml."
          : "The stack's devarch.yml: its instances, templates and wiring, and the names of its secrets."
      }
      onClose={onClose}
      onSubmit={() => void submit()}
      busy={busy}
      size="sm"
      testId="export-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={onClose} aria-disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" aria-disabled={busy} data-testid="export-submit">
            {primary}
          </button>
        </>
      }
    >
      {askPath && (
        <Field label="File" hint="The full path, e.g. /home/me/shop/devarch.yml. An existing file is replaced." error={pathError}>
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
      )}
      <label className="checkbox">
        <input
          type="checkbox"
          checked={withSecrets}
          data-testid="export-with-secrets"
          data-autofocus={!askPath || undefined}
          onChange={(event) => {
            setWithSecrets(event.target.checked);
            setPassError(undefined);
            setConfirmError(undefined);
            if (!event.target.checked) {
              setPassphrase('');
              setConfirm('');
            }
          }}
          disabled={busy}
        />
        Include secret values (encrypted with a passphrase)
      </label>
      {withSecrets && (
        <div className="transfer__passphrase" data-testid="export-passphrase">
          <p className="muted transfer__note">
            Without it the file carries secret names only. With it, anyone who has the file and the passphrase can read the values: share the passphrase
            another way. Generated passwords are never included.
          </p>
          <Field
            label="Passphrase"
            hint={`At least ${MIN_PASSPHRASE} characters. It cannot be recovered: without it the values cannot be imported.`}
            error={passError ?? passBackendError}
          >
            {(control) => (
              <input
                {...control}
                type="password"
                className="input"
                data-field="export-passphrase"
                value={passphrase}
                autoComplete="new-password"
                onChange={(event) => {
                  setPassphrase(event.target.value);
                  setPassError(undefined);
                }}
              />
            )}
          </Field>
          <Field label="Confirm passphrase" error={confirmError}>
            {(control) => (
              <input
                {...control}
                type="password"
                className="input"
                data-field="export-passphrase-confirm"
                value={confirm}
                autoComplete="new-password"
                onChange={(event) => {
                  setConfirm(event.target.value);
                  setConfirmError(undefined);
                }}
              />
            )}
          </Field>
        </div>
      )}
      {otherError && (
        <Callout tone="error" title={otherError.summary} role="alert" testId="export-error">
          {otherError.detail && <p>{otherError.detail}</p>}
        </Callout>
      )}
    </Dialog>
  );
}
