import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { planHref } from '@/app/routes';
import { Callout } from '@/components/Callout';
import { Dialog } from '@/components/Dialog';
import { Field } from '@/components/Field';
import { FileIcon, KeyIcon, PlanIcon } from '@/components/icons';
import { useToastStore } from '@/components/toast';
import { listStacksQueryOptions, stackQueryKey } from '@/features/stacks';
import { transfer } from '@/lib/backend';
import { AppError, toAppError } from '@/lib/errors';
import type { DefinitionChange, UpdatePreview } from '@/lib/types';
import { inDesktopWindow } from '../kinds';
import { isPassphraseError, MissingSecrets, NameList, PassphraseAccepted, PassphrasePrompt, TransferProblem, TransferWarnings } from './TransferParts';
import '../transfer.css';

type Phase = 'idle' | 'previewing' | 'unlocking' | 'updating';

export interface UpdateDialogProps {
  stack: string;
  /** The file, when chosen (the native Open dialog): the preview starts at once. */
  path?: string;
  onClose: () => void;
  /** Opens the stack's Secrets tab (after an update that left secrets without a value). */
  onShowSecrets?: () => void;
}

const ACTIONS: Record<DefinitionChange['action'], { tone: string; verb: string; done: string }> = {
  '+': { tone: 'add', verb: 'Add', done: 'Added' },
  '-': { tone: 'destroy', verb: 'Remove', done: 'Removed' },
  '~': { tone: 'change', verb: 'Change', done: 'Changed' },
};

/** "instance web" -> ["instance", "web"]; "description" -> ["", "description"]. */
function splitSubject(subject: string): [string, string] {
  const space = subject.indexOf(' ');
  if (space < 0 || !/^(instance|wire|template|secret)$/.test(subject.slice(0, space))) return ['', subject];
  return [subject.slice(0, space), subject.slice(space + 1)];
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * Update a stack from a changed devarch.yml (devarch import FILE --update STACK; the team
 * workflow after the first import). The file is checked against the stack and the dialog
 * shows the changes to the stack's definition (instances, overrides, wires, templates,
 * secret values) as a diff: a dry run, nothing written. A file carrying encrypted secret
 * values asks for its passphrase first (Unlock, as the import does). Update writes every
 * change in one transaction; the dialog then says what was written and offers the Plan,
 * which shows what the changes mean for the containers (they are not touched). A refusal
 * (not a devarch.yml, an unknown key at its line and column, a wrong passphrase) shows in
 * place and changes nothing.
 */
export function UpdateDialog({ stack, path: initialPath = '', onClose, onShowSecrets }: UpdateDialogProps) {
  const [path, setPath] = useState(initialPath);
  const [phase, setPhase] = useState<Phase>('idle');
  const [preview, setPreview] = useState<UpdatePreview>();
  const [previewPath, setPreviewPath] = useState('');
  const [done, setDone] = useState<UpdatePreview>();
  const [error, setError] = useState<AppError>();
  const [passphrase, setPassphrase] = useState('');
  const [unlocked, setUnlocked] = useState<string>();
  const [passError, setPassError] = useState<AppError>();
  const queryClient = useQueryClient();
  const toasts = useToastStore();
  const planRef = useRef<HTMLAnchorElement>(null);
  const busy = phase !== 'idle';
  const fresh = preview !== undefined && previewPath === path.trim();
  const nothing = fresh && preview.changes.length === 0;
  // The file's values are still encrypted: Update waits for a passphrase that opens them.
  const locked = fresh && unlocked === undefined && preview.secretValuesUnchecked;

  const doPreview = async () => {
    setPhase('previewing');
    setError(undefined);
    // Another file: a passphrase accepted for the previous one does not carry over.
    setUnlocked(undefined);
    try {
      const result = await transfer.update(path.trim(), stack, true);
      setPreview(result);
      setPreviewPath(path.trim());
    } catch (raw) {
      setPreview(undefined);
      setError(toAppError(raw));
    } finally {
      setPhase('idle');
    }
  };

  const doUnlock = async () => {
    if (passphrase === '') {
      setPassError(new AppError({ kind: 'invalid', summary: 'Type the passphrase', detail: 'The one the file was exported with.', field: 'passphrase' }));
      return;
    }
    setPhase('unlocking');
    setPassError(undefined);
    setError(undefined);
    try {
      // A dry run with the passphrase: it decrypts every value and writes nothing.
      const result = await transfer.update(path.trim(), stack, true, passphrase);
      setPreview(result);
      setUnlocked(passphrase);
      setPassphrase('');
    } catch (raw) {
      const e = toAppError(raw);
      if (isPassphraseError(e)) setPassError(e);
      else setError(e);
    } finally {
      setPhase('idle');
    }
  };

  const doUpdate = async () => {
    setPhase('updating');
    setError(undefined);
    try {
      const result = await transfer.update(path.trim(), stack, false, unlocked);
      setUnlocked(undefined);
      setDone(result);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: stackQueryKey(stack) }),
        queryClient.invalidateQueries({ queryKey: listStacksQueryOptions().queryKey }),
      ]);
      toasts.show({
        tone: 'success',
        title: `Stack ${stack} updated`,
        message: `${plural(result.changes.length, 'change')} written (revision ${result.revision}); plan to see what they mean for the containers.`,
      });
    } catch (raw) {
      setError(toAppError(raw));
    } finally {
      setPhase('idle');
    }
  };

  const submit = () => {
    if (busy) return;
    if (done || nothing) {
      onClose();
      return;
    }
    if (path.trim() === '') {
      setError(new AppError({ kind: 'invalid', summary: 'Give the devarch.yml to update from', detail: 'Its full path, e.g. /home/me/shop/devarch.yml.', field: 'path' }));
      return;
    }
    if (!fresh) void doPreview();
    else if (locked) void doUnlock();
    else void doUpdate();
  };

  // A file already chosen is previewed at once: the dialog opens on what will change.
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    if (initialPath) void doPreview();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, on open
  }, []);

  // After the update, focus moves to Plan: the next step.
  useEffect(() => {
    if (done) planRef.current?.focus();
  }, [done]);

  const pathError = error && error.field === 'path' ? error : undefined;
  const otherError = error && !pathError ? error : undefined;

  let primary = !fresh ? 'Preview' : nothing ? 'Close' : locked ? 'Unlock' : 'Update stack';
  if (phase === 'previewing') primary = 'Previewing…';
  if (phase === 'unlocking') primary = 'Unlocking…';
  if (phase === 'updating') primary = 'Updating…';

  const shown = done ?? preview;
  return (
    <Dialog
      title={`Update ${stack} from a devarch.yml`}
      description="Brings the stack’s definition in line with the file: instances, overrides, wires, templates. Nothing is written until you update; the containers are not touched."
      onClose={onClose}
      onSubmit={submit}
      busy={busy}
      size="lg"
      testId="update-dialog"
      footer={
        done ? (
          <>
            <button type="submit" className="button">
              Close
            </button>
            <a className="button button--primary" href={planHref(stack)} ref={planRef} data-testid="update-plan" onClick={onClose}>
              <PlanIcon aria-hidden="true" />
              Plan {stack}
            </a>
          </>
        ) : (
          <>
            {!nothing && (
              <button type="button" className="button" onClick={onClose} aria-disabled={busy}>
                Cancel
              </button>
            )}
            <button type="submit" className="button button--primary" aria-disabled={busy} data-testid="update-submit">
              {primary}
            </button>
          </>
        )
      }
    >
      <Field label="File" hint="The full path of the changed devarch.yml." error={pathError}>
        {(control) => (
          <input
            {...control}
            className="input mono"
            data-field="update-path"
            data-autofocus={!initialPath || undefined}
            value={path}
            readOnly={done !== undefined}
            autoComplete="off"
            spellCheck={false}
            placeholder="/home/me/shop/devarch.yml"
            onChange={(event) => {
              setPath(event.target.value);
              if (error) setError(undefined);
            }}
          />
        )}
      </Field>
      {otherError && <TransferProblem error={otherError} testId="update-error" />}
      {locked && preview && (
        <PassphrasePrompt
          secrets={preview.secretsSet}
          value={passphrase}
          onChange={(value) => {
            setPassphrase(value);
            setPassError(undefined);
          }}
          error={passError}
          testId="update-passphrase"
          fieldName="update-passphrase"
        />
      )}
      {!done && unlocked !== undefined && preview && <PassphraseAccepted secrets={preview.secretsSet} verb="Update" testId="update-unlocked" />}
      <div aria-live="polite" aria-busy={phase === 'previewing'}>
        {shown ? (
          <UpdateView preview={shown} stale={!done && !fresh} done={done !== undefined} onShowSecrets={onShowSecrets} onClose={onClose} />
        ) : (
          !otherError && (
            <p className="muted transfer__empty" data-testid="update-empty">
              {phase === 'previewing' ? 'Checking the file…' : path.trim() ? 'Preview shows what changes before anything is written.' : 'Give the devarch.yml to update from.'}
            </p>
          )
        )}
      </div>
    </Dialog>
  );
}

/** The diff of the stack's definition: what the update changes (or changed), then secrets and warnings. */
function UpdateView({
  preview,
  stale,
  done,
  onShowSecrets,
  onClose,
}: {
  preview: UpdatePreview;
  stale: boolean;
  done: boolean;
  onShowSecrets?: () => void;
  onClose: () => void;
}) {
  const n = preview.changes.length;
  if (n === 0) {
    return (
      <section className="transfer__preview" aria-label="Update preview" data-testid="update-preview">
        <Callout tone="info" title="Nothing changes" testId="update-nothing">
          <p>
            Stack <span className="mono">{preview.stack}</span> already matches the file.
          </p>
        </Callout>
      </section>
    );
  }
  return (
    <section className={`transfer__preview ${stale ? 'transfer__preview--stale' : ''}`} aria-label="Update preview" data-testid="update-preview">
      {done ? (
        <Callout tone="info" title={`${plural(n, 'change')} written (revision ${preview.revision})`} role="status" testId="update-done">
          <p>The containers are as they were: Plan shows what the new definition means for them, then Apply makes it so.</p>
        </Callout>
      ) : (
        <h3 className="transfer__heading">
          {plural(n, 'change')} to stack <span className="mono">{preview.stack}</span>
          {stale && <span className="muted transfer__stale"> — another file since this preview: Preview again</span>}
        </h3>
      )}
      <ul className="plan-group__list transfer__changes" data-testid="update-changes">
        {preview.changes.map((change, i) => {
          const { tone, verb, done: past } = ACTIONS[change.action];
          const [kind, name] = splitSubject(change.subject);
          return (
            <li key={`${change.subject}-${i}`} className={`plan-action plan-action--${tone} transfer__change`} data-testid="update-change" data-action={change.action}>
              <span className={`plan-symbol plan-symbol--${tone}`} aria-hidden="true">
                {change.action}
              </span>
              <div className="plan-action__body">
                <p className="plan-action__title">
                  <span className="plan-action__verb">
                    {done ? past : verb}
                    {kind && ` ${kind}`}
                  </span>{' '}
                  <strong className="plan-action__name mono">{name}</strong>
                </p>
                {change.details.length > 0 && (
                  <ul className="transfer__details">
                    {change.details.map((d, j) => (
                      <li key={j} className="mono">
                        {d}
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            </li>
          );
        })}
      </ul>
      <dl className="transfer__summary">
        <NameList label="Templates created" names={preview.templatesCreated} />
        <NameList label="Secrets generated" names={preview.secretsGenerated} />
        <NameList label={done ? 'Secrets stored' : 'Secrets to store'} names={preview.secretsSet} />
      </dl>
      <MissingSecrets
        names={preview.missingSecrets}
        after={done ? 'set them in the Secrets tab.' : 'after the update, set them in the Secrets tab.'}
        testId="update-missing"
      />
      {done && preview.missingSecrets.length > 0 && onShowSecrets && (
        <p>
          <button
            type="button"
            className="button"
            onClick={() => {
              onClose();
              onShowSecrets();
            }}
          >
            <KeyIcon aria-hidden="true" />
            Open the Secrets tab
          </button>
        </p>
      )}
      <TransferWarnings warnings={preview.warnings} testId="update-warnings" />
    </section>
  );
}

/**
 * The stack page's "Update from file…": the native Open dialog (titled with the stack),
 * then the preview; where the window has none (a dev build in a browser) the dialog opens
 * with a path field instead. Canceling the Open dialog opens nothing.
 */
export function UpdateFromFileButton({ stack, onShowSecrets }: { stack: string; onShowSecrets?: () => void }) {
  const [open, setOpen] = useState<{ path: string }>();
  const [choosing, setChoosing] = useState(false);
  const toasts = useToastStore();

  const start = async () => {
    if (choosing) return;
    if (!inDesktopWindow()) {
      setOpen({ path: '' });
      return;
    }
    setChoosing(true);
    try {
      const path = await transfer.chooseUpdateFile(stack);
      if (path) setOpen({ path });
    } catch (raw) {
      const error = toAppError(raw);
      if (error.kind === 'unavailable' && /dialog/i.test(error.summary)) setOpen({ path: '' });
      else toasts.show({ tone: 'error', title: 'Could not open the file chooser', message: error.summary, detail: error.detail });
    } finally {
      setChoosing(false);
    }
  };

  return (
    <>
      <button type="button" className="button" onClick={() => void start()} aria-disabled={choosing} data-testid="update-from-file">
        <FileIcon aria-hidden="true" />
        Update from file…
      </button>
      {open && <UpdateDialog stack={stack} path={open.path} onClose={() => setOpen(undefined)} onShowSecrets={onShowSecrets} />}
    </>
  );
}
