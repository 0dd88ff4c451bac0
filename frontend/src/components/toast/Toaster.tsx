import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { AlertIcon, CheckIcon, CloseIcon, InfoIcon } from '@/components/icons';
import { useToastStore, useToasts } from './ToastContext';
import type { Toast } from './toastStore';

const overlaps = (a: DOMRect, b: DOMRect) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

/**
 * Renders the toasts. Errors are role="alert" (announced at once), others role="status".
 * Toasts never cover the control in use: when the focused element (outside the toasts) lies
 * under them, the region moves to the top of the window until focus leaves it.
 */
export function Toaster() {
  const toasts = useToasts();
  const regionRef = useRef<HTMLElement>(null);
  const [yieldTo, setYieldTo] = useState(false);

  useEffect(() => {
    const check = () => {
      const region = regionRef.current;
      const active = document.activeElement;
      if (!region || !active || active === document.body || region.contains(active)) return;
      const control = active.getBoundingClientRect();
      // Judge against where the toasts sit at the bottom, whichever side they show on now.
      setYieldTo((was) => {
        if (region.childElementCount === 0) return false;
        const box = region.getBoundingClientRect();
        const bottomBox = was ? new DOMRect(box.left, window.innerHeight - box.height - 48, box.width, box.height) : box;
        return overlaps(control, bottomBox);
      });
    };
    check();
    document.addEventListener('focusin', check);
    window.addEventListener('resize', check);
    return () => {
      document.removeEventListener('focusin', check);
      window.removeEventListener('resize', check);
    };
  }, [toasts]);

  return (
    <section
      className={`toast-region${yieldTo ? ' toast-region--yield' : ''}`}
      aria-label="Notifications"
      data-testid="toasts"
      data-yield={yieldTo || undefined}
      ref={regionRef}
    >
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
          {(toast.count ?? 1) > 1 && (
            <span className="toast__count" data-testid="toast-count" aria-label={`${toast.count} times`}>
              ×{toast.count}
            </span>
          )}
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
