import { useId, type KeyboardEvent } from 'react';
import { AlertIcon, CheckIcon, CloseIcon, InfoIcon } from '@/components/icons';
import { useToastStore, useToasts } from './ToastContext';
import type { Toast } from './toastStore';

/** Renders the toasts. Errors are role="alert" (announced at once), others role="status". */
export function Toaster() {
  const toasts = useToasts();
  return (
    <section className="toast-region" aria-label="Notifications" data-testid="toasts">
      {toasts.map((toast) => (
        <ToastItem key={toast.id} toast={toast} />
      ))}
    </section>
  );
}

function ToastItem({ toast }: { toast: Toast }) {
  const store = useToastStore();
  const titleId = useId();
  const dismiss = () => store.dismiss(toast.id);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      dismiss();
    }
  };
  const Icon = toast.tone === 'error' ? AlertIcon : toast.tone === 'success' ? CheckIcon : InfoIcon;
  return (
    <div
      className={`toast toast--${toast.tone}`}
      role={toast.tone === 'error' ? 'alert' : 'status'}
      aria-labelledby={titleId}
      onKeyDown={onKeyDown}
    >
      <Icon className="toast__icon" aria-hidden="true" />
      <div className="toast__body">
        <p className="toast__title" id={titleId}>
          {toast.title}
        </p>
        {toast.message && <p className="toast__message">{toast.message}</p>}
        {toast.detail && (
          <details className="toast__details">
            <summary>Details</summary>
            <pre>{toast.detail}</pre>
          </details>
        )}
      </div>
      <button type="button" className="icon-button toast__close" aria-label="Dismiss notification" onClick={dismiss}>
        <CloseIcon aria-hidden="true" />
      </button>
    </div>
  );
}
