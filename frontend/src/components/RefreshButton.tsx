import { RefreshIcon } from './icons';

/** The page header's refresh button: spins while the page's data is being fetched again. */
export function RefreshButton({ onClick, busy }: { onClick: () => void; busy: boolean }) {
  return (
    <button type="button" className="icon-button icon-button--bordered" onClick={onClick} aria-disabled={busy} aria-label="Refresh" title="Refresh">
      <RefreshIcon aria-hidden="true" className={busy ? 'spin' : undefined} />
    </button>
  );
}
