import { ErrorState } from '@/components/ErrorState';
import { HistoryIcon, RefreshIcon } from '@/components/icons';
import { Spinner } from '@/components/Spinner';
import { formatDateTime, formatDuration, formatRelativeTime } from '@/lib/format';
import type { ActionResult, RunSummary } from '@/lib/types';
import { useHistory } from '../api/getHistory';
import { RunStatusBadge } from './RunStatusBadge';

const OPERATIONS: Record<string, string> = { apply: 'Apply', start: 'Start', stop: 'Stop', down: 'Down' };

/** The last line of compose's stderr: the excerpt shows it (cut to the column by CSS), the details all of it. */
function stderrExcerpt(stderr: string): string {
  const lines = stderr.trim().split('\n');
  return lines[lines.length - 1] ?? '';
}

/** Every apply and quick operation of a stack, newest first: what ran, who ran it, how it ended. */
export function HistoryPanel({ stack }: { stack: string }) {
  const { data, error, isFetching, refetch } = useHistory(stack);
  const refresh = () => {
    if (!isFetching) void refetch();
  };

  if (!data) {
    if (error) return <ErrorState title="Couldn't load the history" error={error} onRetry={refresh} retrying={isFetching} />;
    return (
      <div className="card loading-card">
        <Spinner label="Loading the history" />
        <span className="muted">Loading the history…</span>
      </div>
    );
  }

  if (data.length === 0) {
    return (
      <div className="state" data-testid="history-empty">
        <div className="state__icon">
          <HistoryIcon width={26} height={26} aria-hidden="true" />
        </div>
        <h3 className="state__title">Nothing has run yet</h3>
        <p className="state__text">Every apply, start, stop and down of {stack} is recorded here, with who ran it and how it ended.</p>
      </div>
    );
  }

  return (
    <div className="history">
      <div className="panel-toolbar">
        <p className="muted">
          {data.length} {data.length === 1 ? 'run' : 'runs'}, newest first
        </p>
        <button type="button" className="button button--small" onClick={refresh} aria-disabled={isFetching}>
          <RefreshIcon aria-hidden="true" className={isFetching ? 'spin' : undefined} />
          Refresh
        </button>
      </div>
      <div className="table-wrap card">
        <table className="table table--compact" data-testid="history-table">
          <caption className="visually-hidden">Runs of {stack}</caption>
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">Operation</th>
              <th scope="col">Plan</th>
              <th scope="col">Status</th>
              <th scope="col">By</th>
              <th scope="col">Started</th>
              <th scope="col" className="num">
                Duration
              </th>
              <th scope="col">Output</th>
            </tr>
          </thead>
          <tbody>
            {data.map((run) => (
              <HistoryRow key={run.id} run={run} />
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function HistoryRow({ run }: { run: RunSummary }) {
  const duration = run.finishedAt ? formatDuration(run.startedAt, run.finishedAt) : '';
  return (
    <tr data-testid={`run-${run.id}`}>
      <th scope="row" className="mono">
        #{run.id}
      </th>
      <td>{OPERATIONS[run.operation] ?? run.operation}</td>
      <td className="mono">{run.planId ? `#${run.planId}` : <span className="muted">—</span>}</td>
      <td>
        <RunStatusBadge status={run.status} />
      </td>
      <td className="history__by" title={run.startedBy}>
        {run.startedBy || <span className="muted">—</span>}
      </td>
      <td>
        <time dateTime={run.startedAt} title={formatDateTime(run.startedAt)}>
          {formatRelativeTime(run.startedAt)}
        </time>
      </td>
      <td className="num">{duration || (run.status === 'running' ? <span className="muted">running…</span> : <span className="muted">—</span>)}</td>
      <td className="history__output">
        {run.status !== 'succeeded' && run.results && run.results.length > 0 && <RunResults results={run.results} />}
        {run.stderr.trim() ? (
          <details className="history__stderr">
            <summary title={run.stderr.trim()}>
              <code>{stderrExcerpt(run.stderr)}</code>
            </summary>
            <pre className="code-block">{run.stderr}</pre>
          </details>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
    </tr>
  );
}

const RESULT_WORDS: Record<string, string> = { done: 'done', failed: 'failed', skipped: 'not attempted', pending: 'not attempted' };

/** What a failed or canceled apply did, action by action: done, failed (why), not attempted. */
function RunResults({ results }: { results: readonly ActionResult[] }) {
  return (
    <ul className="run-results" aria-label="What the apply did">
      {results.map((result, index) => (
        <li key={index} className={`run-results__item run-results__item--${result.status}`} data-testid="history-result" data-status={result.status}>
          <span className="mono">{result.action}</span>: {RESULT_WORDS[result.status] ?? result.status}
          {result.error && result.status === 'failed' ? ` (${result.error})` : ''}
        </li>
      ))}
    </ul>
  );
}
