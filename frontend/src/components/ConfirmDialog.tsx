import type { ReactNode } from 'react';
import { useEffect, useRef, useState } from 'react';
import { toAppError, type AppError } from '@/lib/errors';
import { Callout, ProblemList } from './Callout';
import { Dialog, DialogCancel } from './Dialog';

/** A checkbox under the body ("Also remove its volumes"); its value is passed to the action. */
export interface ConfirmOption {
  /** The key of its value in the options the action receives. */
  name: string;
  label: ReactNode;
  initial?: boolean;
}

/** The values of a dialog's options, by name. */
export type ConfirmOptions = Record<string, boolean>;

/** An action the dialog runs: its button's labels and the work itself. */
export interface ConfirmAction {
  label: string;
  busyLabel: string;
  /** Resolves when it is done (the caller closes the dialog); a rejection is shown as the refusal. */
  run: (options: ConfirmOptions) => Promise<unknown> | void;
}

/** How a refusal reads, and what the user can do after it. */
export interface Refusal {
  /** Default: the error's summary. */
  title?: ReactNode;
  /** Default: the error's detail and its individual problems. */
  body?: ReactNode;
  /** Default: error. */
  tone?: 'warning' | 'error';
  /**
   * What follows: "retry" (the default: the confirm button stays), "none" (trying again is
   * pointless: the button goes and Cancel reads Close), or another action that takes the
   * confirm button's place ("Take down and delete").
   */
  next?: 'retry' | 'none' | ConfirmAction;
}

export interface ConfirmDialogProps {
  title: string;
  description?: ReactNode;
  /** What will happen, in a sentence or two. */
  children: ReactNode;
  confirmLabel: string;
  busyLabel: string;
  /** danger (the default) for what cannot be undone; primary otherwise. */
  tone?: 'danger' | 'primary';
  /** Runs the action; it closes the dialog itself when it is done. A rejection stays in the dialog. */
  onConfirm: (options: ConfirmOptions) => Promise<unknown> | void;
  onClose: () => void;
  options?: ConfirmOption[];
  /** How a rejection of the action reads (it is always shown in the dialog). */
  refusal?: (error: AppError, options: ConfirmOptions) => Refusal;
  cancelLabel?: string;
  refusedTestId?: string;
  testId?: string;
  size?: 'sm' | 'md';
}

/**
 * ConfirmDialog is the one "are you sure?" dialog (delete a stack, a secret, a template;
 * remove an instance; take a stack down; leave unsaved edits): a sentence on what happens,
 * optional checkboxes passed to the action, the confirm button (busy while the action runs)
 * and Cancel, which has the focus first so Enter never destroys by accident.
 *
 * When the action rejects, the dialog stays open and the error shows inside it, where focus
 * moves: a screen reader reads it, and the keyboard is not left on a button that may have
 * changed under it (a destructive button never receives focus by replacement: the action
 * that replaces the confirm button after a refusal has a key of its own).
 */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const [options, setOptions] = useState<ConfirmOptions>(() =>
    Object.fromEntries((props.options ?? []).map((option) => [option.name, Boolean(option.initial)])),
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  // Each refusal is focused once, even when the same error comes back.
  const [refusals, setRefusals] = useState(0);
  const refusalRef = useRef<HTMLDivElement>(null);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  useEffect(() => {
    if (refusals > 0) refusalRef.current?.focus();
  }, [refusals]);

  const refusal = error ? (props.refusal?.(error, options) ?? {}) : undefined;
  const next = refusal?.next ?? 'retry';
  const action: ConfirmAction | undefined =
    next === 'none' ? undefined : typeof next === 'object' ? next : { label: props.confirmLabel, busyLabel: props.busyLabel, run: props.onConfirm };

  const run = async (target: ConfirmAction) => {
    if (busy) return;
    setBusy(true);
    try {
      await target.run(options);
    } catch (caught) {
      if (!mounted.current) return;
      setError(toAppError(caught));
      setRefusals((count) => count + 1);
    } finally {
      if (mounted.current) setBusy(false);
    }
  };

  return (
    <Dialog
      title={props.title}
      description={props.description}
      onClose={props.onClose}
      busy={busy}
      size={props.size ?? 'sm'}
      testId={props.testId}
      footer={
        <>
          <DialogCancel autoFocus>{next === 'none' ? 'Close' : (props.cancelLabel ?? 'Cancel')}</DialogCancel>
          {action && (
            <button
              // A replacement action is a new button, never the focused one relabelled.
              key={action === next ? 'next' : 'confirm'}
              type="button"
              className={`button button--${props.tone ?? 'danger'}`}
              onClick={() => void run(action)}
              aria-disabled={busy}
            >
              {busy ? action.busyLabel : action.label}
            </button>
          )}
        </>
      }
    >
      {props.children}
      {props.options?.map((option) => (
        <label className="checkbox" key={option.name}>
          <input
            type="checkbox"
            checked={options[option.name]}
            onChange={(event) => setOptions((current) => ({ ...current, [option.name]: event.target.checked }))}
            disabled={busy}
          />
          {option.label}
        </label>
      ))}
      {error && refusal && (
        <Callout
          tone={refusal.tone ?? 'error'}
          title={refusal.title ?? error.summary}
          testId={props.refusedTestId}
          role="alert"
          ref={refusalRef}
          tabIndex={-1}
        >
          {refusal.body ?? <RefusalDetail error={error} />}
        </Callout>
      )}
    </Dialog>
  );
}

/** An error's detail and its individual problems, as the app shows them in a callout. */
function RefusalDetail({ error }: { error: AppError }) {
  return (
    <>
      {error.detail && <p className="callout__text">{error.detail}</p>}
      {error.problems && <ProblemList problems={error.problems} />}
    </>
  );
}
