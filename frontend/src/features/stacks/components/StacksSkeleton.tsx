import { Spinner } from '@/components/Spinner';

interface StacksSkeletonProps {
  /** Shown with a spinner above the placeholder rows, e.g. while the backend starts. */
  label?: string;
  detail?: string;
  rows?: number;
  /** What screen readers hear while it loads. */
  loadingText?: string;
}

/** Placeholder rows while the first list loads. */
export function StacksSkeleton({ label, detail, rows = 3, loadingText = 'Loading stacks…' }: StacksSkeletonProps) {
  return (
    <div className="card skeleton" aria-busy="true" data-testid="stacks-loading">
      {label ? (
        <div className="skeleton__label" role="status">
          <Spinner />
          <div>
            <p className="skeleton__label-title">{label}</p>
            {detail && <p className="skeleton__label-detail">{detail}</p>}
          </div>
        </div>
      ) : (
        <p className="visually-hidden" role="status">
          {loadingText}
        </p>
      )}
      {Array.from({ length: rows }, (_, index) => (
        <div className="skeleton__row" key={index} aria-hidden="true">
          <span className="skeleton__bar skeleton__bar--name" />
          <span className="skeleton__bar skeleton__bar--wide" />
          <span className="skeleton__bar skeleton__bar--short" />
        </div>
      ))}
    </div>
  );
}
