import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { navigate, stackHref } from '@/app/routes';
import { Callout } from '@/components/Callout';
import { Dialog } from '@/components/Dialog';
import { Field } from '@/components/Field';
import { NameField } from '@/components/NameField';
import { useToastStore } from '@/components/toast';
import { listStacksQueryOptions } from '@/features/stacks';
import { transfer } from '@/lib/backend';
import { AppError, toAppError } from '@/lib/errors';
import { MAX_STACK_NAME, nameHint } from '@/lib/names';
import type { ImportKind, ImportPreview, ReportFinding } from '@/lib/types';
import { stackNameFromPath } from '../kinds';
import { isPassphraseError, MissingSecrets, NameList, PassphraseAccepted, PassphrasePrompt, TransferProblem, TransferWarnings } from './TransferParts';
import '../transfer.css';

export interface ImportDialogProps {
  kind: ImportKind;
  /** The file, when chosen (native dialog, drop): the preview starts at once. */
  path?: string;
  /** A dropped devarch.yml's content where the window knows no path (a browser). */
  content?: string;
  /** The dropped file's name, shown with content. */
  fileName?: string;
  /** A compose file dropped without its path: say why the path is needed. */
  needsPath?: boolean;
  onClose: () => void;
}

type Phase = 'idle' | 'previewing' | 'unlocking' | 'importing';

/** The report's kinds, in the order a reader needs them (composeimport's Finding.Change). */
const CHANGE_GROUPS: { change: string; title: string; help: string }[] = [
  { change: 'not carried', title: 'Not carried', help: 'DevArch has no such field: the service runs without it.' },
  { change: 'replaced', title: 'Replaced', help: 'DevArch sets it its own way.' },
  { change: 'changed', title: 'Changed', help: 'Carried with another value or shape.' },
];

function splitList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((item) => item.trim())
    .filter(Boolean);
}

/**
 * Import a devarch.yml or a compose project: the file, the new stack's name, a preview of
 * what will be created (a dry run: nothing is written), then Import. The primary button
 * previews until a preview matches what is typed, then imports; an error shows in place.
 * On success the window opens the new stack (on its Secrets tab when secrets need values).
 */
export function ImportDialog({ kind, path: initialPath = '', content, fileName, needsPath = false, onClose }: ImportDialogProps) {
  const compose = kind === 'compose';
  const [path, setPath] = useState(initialPath);
  const [name, setName] = useState(compose ? stackNameFromPath(initialPath) : '');
  const [profiles, setProfiles] = useState('');
  const [phase, setPhase] = useState<Phase>('idle');
  const [preview, setPreview] = useState<ImportPreview>();
  const [previewKey, setPreviewKey] = useState('');
  const [error, setError] = useState<AppError>();
  // A file carrying encrypted secret values: the typed passphrase, the one the backend
  // accepted (a dry run decrypted every value with it), and its refusal.
  const [passphrase, setPassphrase] = useState('');
  const [unlocked, setUnlocked] = useState<string>();
  const [passError, setPassError] = useState<AppError>();
  const [lockedByImport, setLockedByImport] = useState(false);
  const queryClient = useQueryClient();
  const toasts = useToastStore();
  const busy = phase !== 'idle';
  const hasSource = content !== undefined || path.trim() !== '';
  const keyOf = (n: string) => JSON.stringify([path.trim(), n.trim(), profiles.trim()]);
  const fresh = preview !== undefined && previewKey === keyOf(name);

  const source = () => (content !== undefined ? { content } : { path: path.trim() });
  const run = (dryRun: boolean, stackName: string) =>
    compose
      ? transfer.importCompose([path.trim()], stackName.trim(), splitList(profiles), dryRun)
      : unlocked !== undefined
        ? transfer.importFile(source(), stackName.trim(), dryRun, unlocked)
        : transfer.importFile(source(), stackName.trim(), dryRun);
  // The file's values are still encrypted: Import waits for a passphrase that opens them.
  const locked = !compose && unlocked === undefined && ((preview?.secretValuesUnchecked ?? false) || lockedByImport);

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
      const result = await transfer.importFile(source(), name.trim(), true, passphrase);
      setPreview(result);
      setPreviewKey(keyOf(name));
      setUnlocked(passphrase);
      setLockedByImport(false);
      setPassphrase('');
    } catch (raw) {
      const e = toAppError(raw);
      if (isPassphraseError(e)) setPassError(e);
      else setError(e);
    } finally {
      setPhase('idle');
    }
  };

  const doPreview = async (stackName = name) => {
    setPhase('previewing');
    setError(undefined);
    try {
      const result = await run(true, stackName);
      setPreview(result);
      // A devarch.yml previewed without a name tells the file's: that is the name field's.
      const effective = stackName.trim() === '' ? result.stack : stackName;
      if (effective !== stackName) setName(effective);
      setPreviewKey(keyOf(effective));
    } catch (raw) {
      setPreview(undefined);
      setError(toAppError(raw));
    } finally {
      setPhase('idle');
    }
  };

  const doImport = async () => {
    setPhase('importing');
    setError(undefined);
    try {
      const result = await run(false, name);
      await queryClient.invalidateQueries({ queryKey: listStacksQueryOptions().queryKey });
      const missing = result.missingSecrets.length;
      toasts.show({
        tone: 'success',
        title: `Stack ${result.stack} imported`,
        message:
          missing > 0
            ? `${missing === 1 ? '1 secret needs' : `${missing} secrets need`} a value before it can apply: set ${missing === 1 ? 'it' : 'them'} in the Secrets tab.`
            : `${result.instances.length === 1 ? '1 instance' : `${result.instances.length} instances`}; apply it from its Plan.`,
      });
      onClose();
      navigate(stackHref(result.stack) + (missing > 0 ? '?tab=secrets' : ''));
    } catch (raw) {
      const e = toAppError(raw);
      // Imported without a passphrase a file with values is refused: ask for it here.
      if (!compose && unlocked === undefined && e.field === 'secretValues') setLockedByImport(true);
      else setError(e);
      setPhase('idle');
    }
  };

  const submit = () => {
    if (busy || !hasSource) return;
    if (compose && name.trim() === '') {
      setError(new AppError({ kind: 'invalid', summary: 'Name the new stack', detail: 'A compose project becomes a stack under the name you give.', field: 'stack' }));
      return;
    }
    if (fresh && locked) {
      void doUnlock();
      return;
    }
    void (fresh ? doImport() : doPreview());
  };

  // A file already chosen is previewed at once: the dialog opens on what will be created.
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    if ((content !== undefined || initialPath) && (!compose || name.trim() !== '')) void doPreview();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, on open
  }, []);

  const nameError = error && (error.field === 'name' || error.field === 'stack') ? error : undefined;
  const pathError = error && (error.field === 'path' || error.field === 'files') ? error : undefined;
  const otherError = error && !nameError && !pathError ? error : undefined;

  let primary = fresh ? (locked ? 'Unlock' : 'Import') : 'Preview';
  if (phase === 'previewing') primary = 'Previewing…';
  if (phase === 'unlocking') primary = 'Unlocking…';
  if (phase === 'importing') primary = 'Importing…';

  return (
    <Dialog
      title={compose ? 'Import a compose file' : 'Import a devarch.yml'}
      description={
        compose
          ? 'Each service becomes an instance; the project folder becomes the stack’s folder. Nothing is written until you import.'
          : 'A stack shared as a devarch.yml. Nothing is written until you import.'
      }
      onClose={onClose}
      onSubmit={submit}
      busy={busy}
      size="lg"
      testId="import-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={onClose} aria-disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" aria-disabled={busy || !hasSource} data-testid="import-submit">
            {primary}
          </button>
        </>
      }
    >
      {needsPath && (
        <Callout tone="info" title="This compose file needs its full path">
          <p>
            A dropped file arrives here without its folder, and a compose project’s build contexts, env files and bind mounts are relative to it. Type the
            file’s full path below.
          </p>
        </Callout>
      )}
      {content !== undefined ? (
        <p className="transfer__source">
          File <span className="mono">{fileName || 'devarch.yml'}</span> (dropped)
        </p>
      ) : (
        <Field
          label={compose ? 'Compose file' : 'File'}
          hint={compose ? 'The full path of the project’s compose.yaml or docker-compose.yml.' : 'The full path of the devarch.yml.'}
          error={pathError}
        >
          {(control) => (
            <input
              {...control}
              className="input mono"
              data-field="import-path"
              data-autofocus={!initialPath || undefined}
              value={path}
              autoComplete="off"
              spellCheck={false}
              placeholder={compose ? '/home/me/shop/compose.yaml' : '/home/me/devarch.yml'}
              onChange={(event) => {
                setPath(event.target.value);
                if (compose && (name === '' || name === stackNameFromPath(path))) setName(stackNameFromPath(event.target.value));
              }}
            />
          )}
        </Field>
      )}
      <NameField
        label={compose ? 'Stack name' : 'Import as'}
        value={name}
        onChange={(value) => {
          setName(value);
          if (error) setError(undefined);
        }}
        hint={name === '' && !compose ? { text: 'Left empty, the file’s name is used.', warning: false } : nameHint(name, MAX_STACK_NAME)}
        error={nameError}
        placeholder={compose ? 'shop' : 'the file’s name'}
        fieldId="import-name"
        autoFocus={Boolean(initialPath || content !== undefined)}
      />
      {compose && (
        <Field label="Profiles" hint="Optional. Enables the services of these compose profiles (comma or space separated).">
          {(control) => (
            <input
              {...control}
              className="input mono"
              data-field="import-profiles"
              value={profiles}
              autoComplete="off"
              spellCheck={false}
              placeholder="debug"
              onChange={(event) => setProfiles(event.target.value)}
            />
          )}
        </Field>
      )}
      {otherError && <TransferProblem error={otherError} testId="import-error" />}
      {locked && fresh && preview && (
        <PassphrasePrompt
          secrets={preview.secretsSet}
          value={passphrase}
          onChange={(value) => {
            setPassphrase(value);
            setPassError(undefined);
          }}
          error={passError}
          testId="import-passphrase"
          fieldName="import-passphrase"
        />
      )}
      {unlocked !== undefined && preview && <PassphraseAccepted secrets={preview.secretsSet} verb="Import" testId="import-unlocked" />}
      <div aria-live="polite" aria-busy={phase === 'previewing'}>
        {preview ? (
          <PreviewView preview={preview} stale={!fresh} />
        ) : (
          !otherError && (
            <p className="muted transfer__empty" data-testid="import-empty">
              {phase === 'previewing' ? 'Checking the file…' : hasSource ? 'Preview shows what will be created before anything is written.' : 'Give the file to import.'}
            </p>
          )
        )}
      </div>
    </Dialog>
  );
}

/** What the import will create, its warnings, and (compose) the fidelity report. */
export function PreviewView({ preview, stale }: { preview: ImportPreview; stale: boolean }) {
  return (
    <section className={`transfer__preview ${stale ? 'transfer__preview--stale' : ''}`} aria-label="Import preview" data-testid="import-preview">
      <h3 className="transfer__heading">
        Will create stack <span className="mono">{preview.stack}</span>
        {stale && <span className="muted transfer__stale"> — changed since this preview: Preview again</span>}
      </h3>
      <dl className="transfer__summary">
        <NameList label={`Instances (${preview.instances.length})`} names={preview.instances} testId="preview-instances" />
        {preview.wires > 0 && (
          <div className="transfer__row">
            <dt>Wires</dt>
            <dd>{preview.wires}</dd>
          </div>
        )}
        <NameList label="Templates created" names={preview.templatesCreated} />
        <NameList label="Templates reused" names={preview.templatesReused} />
        <NameList label="Secrets generated" names={preview.secretsGenerated} />
        <NameList label="Secrets stored" names={preview.secretsSet} />
        {preview.root && (
          <div className="transfer__row" data-testid="preview-root">
            <dt>Project root</dt>
            <dd>
              <span className="mono">{preview.root}</span>
              <span className="muted"> (relative bind mounts and build contexts resolve here)</span>
            </dd>
          </div>
        )}
      </dl>
      {preview.instances.length === 0 && <p className="muted">The stack will have no instances.</p>}
      <MissingSecrets names={preview.missingSecrets} after="after the import the window opens its Secrets tab." testId="preview-missing" />
      <TransferWarnings warnings={preview.warnings} testId="preview-warnings" />
      {preview.report.length > 0 && <FidelityReport report={preview.report} />}
    </section>
  );
}

function FidelityReport({ report }: { report: ReportFinding[] }) {
  const known = new Set(CHANGE_GROUPS.map((g) => g.change));
  const groups = [...CHANGE_GROUPS, { change: '', title: 'Other', help: '' }]
    .map((g) => ({ ...g, rows: report.filter((f) => (g.change === '' ? !known.has(f.change) : f.change === g.change)) }))
    .filter((g) => g.rows.length > 0);
  return (
    <section className="transfer__report" aria-label="Fidelity report" data-testid="fidelity-report">
      <h3 className="transfer__heading">What changes from the compose file ({report.length})</h3>
      {groups.map((g) => (
        <div key={g.title} className="transfer__group" data-testid={`report-${g.title.toLowerCase().replace(' ', '-')}`}>
          <h4 className="transfer__group-title">
            {g.title} ({g.rows.length}) {g.help && <span className="muted">{g.help}</span>}
          </h4>
          <table className="table transfer__table">
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">What happens</th>
              </tr>
            </thead>
            <tbody>
              {g.rows.map((f, i) => (
                <tr key={`${f.path}-${i}`}>
                  <td className="mono">{f.path}</td>
                  <td>{f.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  );
}

