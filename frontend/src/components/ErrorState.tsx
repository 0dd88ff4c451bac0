import type { ReactNode } from 'react';
import { AlertIcon, RefreshIcon } from '@/components/icons';
import { errorKindTitle, type AppError } from '@/lib/errors';

interface ErrorStateProps {
  title: string;
  error: AppError;
  onRetry?: () => void;
  retrying?: boolean;
  /** Another way out, e.g. a link back to the list. */
  action?: ReactNode;
}

/** In-place error for a query that has nothing else to show. */
export function ErrorState({ title, error, onRetry, retrying = false, action }: ErrorStateProps) {
  return (
    <div className="state state--error" role="alert">
      <div className="state__icon state__icon--error">
        <AlertIcon width={24} height={24} aria-hidden="true" />
      </div>
      <h2 className="state__title">{title}</h2>
      <p className="state__text">{error.summary}</p>
      {error.detail && (
        <details className="state__details">
          <summary>Details ({errorKindTitle(error.kind).toLowerCase()})</summary>
          <pre>{error.detail}</pre>
        </details>
      )}
      {onRetry && (
        <button
          type="button"
          className="button button--primary"
          onClick={() => {
            if (!retrying) onRetry();
          }}
          aria-disabled={retrying}
        >
          <RefreshIcon aria-hidden="true" className={retrying ? 'spin' : undefined} />
          {retrying ? 'Retrying…' : 'Try again'}
        </button>
      )}
      {action}
    </div>
  );
}
