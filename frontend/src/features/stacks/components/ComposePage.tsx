import { hrefFor, stackHref } from '@/app/routes';
import { Callout } from '@/components/Callout';
import { CopyButton } from '@/components/CopyButton';
import { ErrorState } from '@/components/ErrorState';
import { FileIcon, RefreshIcon } from '@/components/icons';
import { PageHeader } from '@/components/PageHeader';
import { Spinner } from '@/components/Spinner';
import { YamlEditor } from '@/components/YamlEditor';
import { useCompose } from '../api/getCompose';
import { StackProblemList } from './FixControls';

/** The compose file DevArch generates for a stack, read-only, with its port clashes. */
export function ComposePage({ stack }: { stack: string }) {
  const { data, error, isFetching, refetch } = useCompose(stack);
  const refresh = () => {
    if (!isFetching) void refetch();
  };

  let body;
  if (data) {
    body = (
      <>
        {data.clashes.length > 0 && (
          <Callout
            title={`${data.clashes.length} port ${data.clashes.length === 1 ? 'clash' : 'clashes'}`}
            testId="compose-clashes"
          >
            <StackProblemList stack={stack} problems={data.clashes} />
          </Callout>
        )}
        <div className="card file-card">
          <div className="file-card__header">
            <FileIcon aria-hidden="true" className="file-card__icon" />
            <code className="file-card__path" data-testid="compose-path" title={data.path}>
              <bdi>{data.path || 'not written yet'}</bdi>
            </code>
            <span className="file-card__note">{data.written ? 'Written just now' : 'Preview: apply writes this file'}</span>
            {data.path && <CopyButton text={data.path} label="Copy path" className="button--small" />}
          </div>
          <YamlEditor value={data.yaml} readOnly label={`Compose file of ${stack}`} testId="compose-yaml" maxHeight="none" />
        </div>
      </>
    );
  } else if (error) {
    body = (
      <ErrorState
        title="Couldn't generate the compose file"
        error={error}
        onRetry={error.kind === 'not_found' ? undefined : refresh}
        retrying={isFetching}
        action={
          error.kind === 'not_found' ? (
            <a className="button" href={hrefFor('stacks')}>
              All stacks
            </a>
          ) : undefined
        }
      />
    );
  } else {
    body = (
      <div className="card loading-card">
        <Spinner label="Generating the compose file" />
        <span className="muted">Generating the compose file…</span>
      </div>
    );
  }

  return (
    <div className="page page--wide">
      <PageHeader
        title="Compose preview"
        breadcrumbs={[
          { label: 'Stacks', href: hrefFor('stacks') },
          { label: stack, href: stackHref(stack) },
        ]}
        description={`The docker-compose file DevArch generates for ${stack}: deterministic, with every instance and its overrides applied.`}
        actions={
          <>
            {data && <CopyButton text={data.yaml} label="Copy YAML" />}
            <button type="button" className="button" onClick={refresh} aria-disabled={isFetching}>
              <RefreshIcon aria-hidden="true" className={isFetching ? 'spin' : undefined} />
              Regenerate
            </button>
          </>
        }
      />
      {body}
    </div>
  );
}
