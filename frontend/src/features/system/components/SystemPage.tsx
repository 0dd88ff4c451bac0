import { PageHeader } from '@/components/PageHeader';
import { RefreshIcon } from '@/components/icons';
import { Spinner } from '@/components/Spinner';
import { useVersion } from '../api/getVersion';
import { useHealthChecks } from '../hooks/useHealthChecks';
import { HealthCheckCard } from './HealthCheckCard';

export function SystemPage() {
  const { items, ready, query } = useHealthChecks();
  const checking = query.isFetching;
  return (
    <div className="page">
      <PageHeader
        title="System"
        description="What DevArch needs to run your stacks, and the build you are running."
        actions={
          <button
            type="button"
            className="button"
            onClick={() => {
              if (!checking) void query.refetch();
            }}
            aria-disabled={checking}
          >
            <RefreshIcon aria-hidden="true" className={checking ? 'spin' : undefined} />
            Check again
          </button>
        }
      />

      <section className="section" aria-labelledby="health-heading">
        <div className="section__header">
          <h2 className="section__title" id="health-heading">
            Health
          </h2>
          {query.data && (
            <span className={`pill ${ready ? 'pill--ok' : 'pill--warning'}`}>{ready ? 'Ready' : 'Starting'}</span>
          )}
        </div>
        <div className="grid grid--2">
          {items.map((item) => (
            <HealthCheckCard key={item.key} item={item} />
          ))}
        </div>
      </section>

      <section className="section" aria-labelledby="about-heading">
        <h2 className="section__title" id="about-heading">
          About
        </h2>
        <VersionCard />
      </section>
    </div>
  );
}

function VersionCard() {
  const { data, error, isPending } = useVersion();
  if (isPending) return <Spinner label="Loading version" />;
  if (error) return <p className="muted">Version unavailable: {error.summary}</p>;
  const rows: [string, string][] = [
    ['Version', data.version],
    ['Commit', data.commit],
    ['Go', data.goVersion],
    ['Platform', data.platform],
  ];
  return (
    <dl className="card facts" data-testid="version-info">
      {rows.map(([label, value]) => (
        <div className="facts__row" key={label}>
          <dt>{label}</dt>
          <dd className={label === 'Commit' ? 'mono' : undefined}>{value || '—'}</dd>
        </div>
      ))}
    </dl>
  );
}
