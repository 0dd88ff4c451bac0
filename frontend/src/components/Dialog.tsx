import { useEffect, useId, useRef, type FormEvent, type ReactNode } from 'react';
import { CloseIcon } from './icons';

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
}: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const busyRef = useRef(busy);
  busyRef.current = busy;
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    const onCancel = (event: Event) => {
      event.preventDefault();
      if (!busyRef.current) onCloseRef.current();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      if (opener?.isConnected) opener.focus();
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
        onClick={() => {
          if (!busy) onClose();
        }}
      >
        <CloseIcon aria-hidden="true" />
      </button>
    </dialog>
  );
}
