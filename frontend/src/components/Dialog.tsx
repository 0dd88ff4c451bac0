import { createContext, useContext, useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { CloseIcon } from './icons';

/**
 * Focuses the element `find` returns as soon as it exists (a row that appears when the list
 * refetches after a save), polling for up to `timeout` ms; then `fallback`, if given. For
 * the moments when the control that had focus is gone from the page, so focus would
 * otherwise fall to <body> and the next Tab start again at the top.
 */
export function focusWhenReady(find: () => HTMLElement | null | undefined, fallback?: () => HTMLElement | null | undefined, timeout = 2000): void {
  const started = Date.now();
  const attempt = () => {
    // The page is gone (a test environment torn down): nothing to focus.
    if (typeof document === 'undefined') return;
    const target = find();
    if (target?.isConnected) {
      target.focus();
      return;
    }
    if (Date.now() - started < timeout) {
      window.setTimeout(attempt, 30);
      return;
    }
    fallback?.()?.focus();
  };
  attempt();
}

interface DialogCloseContextValue {
  /** Closes the dialog, asking first while it holds unsaved text. */
  requestClose: () => void;
  busy: boolean;
}

const DialogCloseContext = createContext<DialogCloseContextValue | null>(null);

/**
 * The Cancel button of a dialog's footer: it closes the dialog the way Escape does, so a
 * dialog with unsaved text asks first.
 */
export function DialogCancel({ children = 'Cancel', className = 'button', autoFocus = false }: { children?: ReactNode; className?: string; autoFocus?: boolean }) {
  const context = useContext(DialogCloseContext);
  return (
    <button
      type="button"
      className={className}
      onClick={() => context?.requestClose()}
      aria-disabled={context?.busy}
      // The dialog's first focus (see Dialog): where a confirm should start, so Enter is harmless.
      data-autofocus={autoFocus || undefined}
    >
      {children}
    </button>
  );
}

interface DialogProps {
  title: string;
  description?: ReactNode;
  /** Called on Escape and on the close button (not while busy). */
  onClose: () => void;
  children: ReactNode;
  /** Buttons at the bottom; inside the form when onSubmit is given. */
  footer?: ReactNode;
  /** Makes the body and footer one form (Enter submits). */
  onSubmit?: () => void;
  size?: 'sm' | 'md' | 'lg' | 'xl';
  /** While a request runs, Escape and the close button do nothing. */
  busy?: boolean;
  testId?: string;
  /** Extra class on the <dialog>, for layouts of its own. */
  className?: string;
  /**
   * The dialog holds text the user typed and has not saved: Escape, the close button and
   * DialogCancel ask "Discard unsaved changes?" before they close it.
   */
  dirty?: boolean;
  /** What would be lost, for the question: "The template you typed is not saved." */
  discardText?: ReactNode;
  /**
   * Where focus goes when the dialog closes and the control that opened it is gone (an
   * empty state replaced by a table): the natural next element, such as the new row.
   */
  returnFocus?: () => HTMLElement | null | undefined;
}

/**
 * A modal dialog on the native <dialog> element: the browser traps focus, makes the page
 * behind it inert and turns Escape into "cancel". It is open while mounted; focus goes to
 * the first field (or the element marked data-autofocus) and back to the opener on close.
 */
export function Dialog({
  title,
  description,
  onClose,
  children,
  footer,
  onSubmit,
  size = 'md',
  busy = false,
  testId,
  className = '',
  dirty = false,
  discardText,
  returnFocus,
}: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const busyRef = useRef(busy);
  busyRef.current = busy;
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;
  const returnFocusRef = useRef(returnFocus);
  returnFocusRef.current = returnFocus;
  const [confirming, setConfirming] = useState(false);
  const confirmingRef = useRef(confirming);
  confirmingRef.current = confirming;

  const requestClose = () => {
    if (busyRef.current) return;
    if (dirtyRef.current) setConfirming(true);
    else onCloseRef.current();
  };
  const requestCloseRef = useRef(requestClose);
  requestCloseRef.current = requestClose;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    const onCancel = (event: Event) => {
      event.preventDefault();
      // The discard question is a dialog of its own: its Escape means "keep editing".
      if (event.target !== dialog || confirmingRef.current) return;
      requestCloseRef.current();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      const find = returnFocusRef.current;
      const lost = () => !document.activeElement || document.activeElement === document.body;
      const heading = () => document.querySelector<HTMLElement>('main h1');
      if (opener?.isConnected && opener !== document.body) opener.focus();
      else if (find) focusWhenReady(() => (lost() ? find() : document.activeElement as HTMLElement), heading);
      else if (lost()) heading()?.focus();
    };
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit?.();
  };

  const content = (
    <>
      <div className="dialog__body">{children}</div>
      {footer && <div className="dialog__footer">{footer}</div>}
    </>
  );

  return (
    <DialogCloseContext.Provider value={{ requestClose, busy }}>
      <dialog
        ref={ref}
        className={`dialog dialog--${size} ${className}`.trim()}
        aria-labelledby={titleId}
        aria-describedby={description ? descriptionId : undefined}
        data-testid={testId}
      >
        <header className="dialog__header">
          <h2 className="dialog__title" id={titleId}>
            {title}
          </h2>
          {description && (
            <p className="dialog__description" id={descriptionId}>
              {description}
            </p>
          )}
        </header>
        {onSubmit ? (
          <form className="dialog__form" noValidate onSubmit={submit}>
            {content}
          </form>
        ) : (
          content
        )}
        <button
          type="button"
          className="icon-button dialog__close"
          aria-label="Close"
          aria-disabled={busy}
          onClick={requestClose}
        >
          <CloseIcon aria-hidden="true" />
        </button>
        {confirming && (
          <Dialog
            title="Discard unsaved changes?"
            onClose={() => setConfirming(false)}
            size="sm"
            testId="discard-dialog"
            footer={
              <>
                <button type="button" className="button" data-autofocus onClick={() => setConfirming(false)}>
                  Keep editing
                </button>
                <button
                  type="button"
                  className="button button--danger"
                  onClick={() => {
                    setConfirming(false);
                    onCloseRef.current();
                  }}
                >
                  Discard
                </button>
              </>
            }
          >
            <p className="dialog__text">{discardText ?? 'What you typed in this dialog is not saved.'} Closing throws it away.</p>
          </Dialog>
        )}
      </dialog>
    </DialogCloseContext.Provider>
  );
}
