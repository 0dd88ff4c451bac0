import type { AppError } from '@/lib/errors';
import { ErrorState } from '@/components/ErrorState';
import { StacksSkeleton } from './StacksSkeleton';

interface StackLoadFallbackProps {
  /** What is loading, for "Couldn't load NAME" and "Loading NAME…". */
  name: string;
  error: AppError | null;
  /** Not found: its title ("Stack not found") and the way back. */
  notFound: { title: string; href: string; label: string };
  onRetry: () => void;
  retrying: boolean;
  rows?: number;
}

/**
 * What a stack's page (the stack, one of its instances) shows until its data is there: not
 * found with the way back, the backend still starting (a skeleton with its reason), another
 * error with Try again, or a skeleton while it loads.
 */
export function StackLoadFallback({ name, error, notFound, onRetry, retrying, rows }: StackLoadFallbackProps) {
  if (error?.kind === 'not_found') {
    return (
      <ErrorState
        title={notFound.title}
        error={error}
        action={
          <a className="button" href={notFound.href}>
            {notFound.label}
          </a>
        }
      />
    );
  }
  if (error?.kind === 'unavailable') return <StacksSkeleton label={error.summary} detail={error.detail} />;
  if (error) return <ErrorState title={`Couldn't load ${name}`} error={error} onRetry={onRetry} retrying={retrying} />;
  return <StacksSkeleton rows={rows} loadingText={`Loading ${name}…`} />;
}
