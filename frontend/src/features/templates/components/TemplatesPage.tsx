import { useMemo, useState } from 'react';
import { ErrorState } from '@/components/ErrorState';
import { PlusIcon, RefreshIcon } from '@/components/icons';
import { PageHeader } from '@/components/PageHeader';
import { StacksSkeleton } from '@/features/stacks';
import type { TemplateSummary } from '@/lib/types';
import { useTemplates } from '../api/listTemplates';
import { categoriesOf, EMPTY_FILTER, filterTemplates, groupByCategory, type CatalogFilter } from '../filterTemplates';
import { CatalogFilters } from './CatalogFilters';
import { CloneTemplateDialog } from './CloneTemplateDialog';
import { DeleteTemplateDialog } from './DeleteTemplateDialog';
import { TemplateCard } from './TemplateCard';
import { TemplateYamlDialog, type TemplateYamlMode } from './TemplateYamlDialog';

type DialogState =
  | { kind: 'yaml'; mode: TemplateYamlMode }
  | { kind: 'clone'; name: string }
  | { kind: 'delete'; template: TemplateSummary }
  | null;

/** The template catalog: built-in and custom templates, by category, with search. */
export function TemplatesPage() {
  const { data, error, isPending, isFetching, refetch } = useTemplates();
  const [filter, setFilter] = useState<CatalogFilter>(EMPTY_FILTER);
  const [dialog, setDialog] = useState<DialogState>(null);
  const close = () => setDialog(null);
  const refresh = () => {
    if (!isFetching) void refetch();
  };

  const all = useMemo(() => data ?? [], [data]);
  const visible = useMemo(() => filterTemplates(all, filter), [all, filter]);
  const groups = useMemo(() => groupByCategory(visible), [visible]);
  const categories = useMemo(() => categoriesOf(all), [all]);
  const counts = useMemo(
    () => all.reduce<Record<string, number>>((acc, t) => ({ ...acc, [t.category]: (acc[t.category] ?? 0) + 1 }), {}),
    [all],
  );
  const custom = all.filter((t) => !t.builtin).length;

  let body;
  if (data) {
    body = (
      <>
        <CatalogFilters filter={filter} onChange={setFilter} categories={categories} counts={counts} total={all.length} />
        {groups.length === 0 ? (
          <div className="state" data-testid="templates-empty" role="status">
            <h2 className="state__title">{all.length === 0 ? 'No templates' : 'No templates match'}</h2>
            <p className="state__text">
              {all.length === 0 ? 'The catalog is empty.' : 'Try another word, or show all categories.'}
            </p>
            {(filter.search || filter.category) && (
              <button type="button" className="button" onClick={() => setFilter(EMPTY_FILTER)}>
                Clear filters
              </button>
            )}
          </div>
        ) : (
          groups.map((group) => (
            <section className="section" key={group.category || 'other'} aria-labelledby={`category-${group.category || 'other'}`}>
              <div className="section__header">
                <h2 className="section__title" id={`category-${group.category || 'other'}`}>
                  {group.category || 'Other'}
                </h2>
                <span className="pill">{group.templates.length}</span>
              </div>
              <div className="template-grid">
                {group.templates.map((template) => (
                  <TemplateCard
                    key={template.name}
                    template={template}
                    onView={() => setDialog({ kind: 'yaml', mode: { kind: 'view', name: template.name } })}
                    onEdit={() => setDialog({ kind: 'yaml', mode: { kind: 'edit', name: template.name } })}
                    onClone={() => setDialog({ kind: 'clone', name: template.name })}
                    onDelete={() => setDialog({ kind: 'delete', template })}
                  />
                ))}
              </div>
            </section>
          ))
        )}
      </>
    );
  } else if (error?.kind === 'unavailable') {
    body = <StacksSkeleton label={error.summary} detail={error.detail} />;
  } else if (error) {
    body = <ErrorState title="Couldn't load templates" error={error} onRetry={refresh} retrying={isFetching} />;
  } else {
    body = <StacksSkeleton rows={4} loadingText="Loading templates…" />;
  }

  return (
    <div className="page page--wide">
      <PageHeader
        title="Templates"
        description={
          data
            ? `${all.length} ${all.length === 1 ? 'template' : 'templates'}: ${all.length - custom} built-in, ${custom} custom.`
            : 'Reusable service definitions that stacks are built from.'
        }
        actions={
          !isPending && (
            <>
              <button type="button" className="button" onClick={refresh} aria-disabled={isFetching}>
                <RefreshIcon aria-hidden="true" className={isFetching ? 'spin' : undefined} />
                Refresh
              </button>
              <button
                type="button"
                className="button button--primary"
                onClick={() => setDialog({ kind: 'yaml', mode: { kind: 'new' } })}
              >
                <PlusIcon aria-hidden="true" />
                New template
              </button>
            </>
          )
        }
      />
      {body}
      {dialog?.kind === 'yaml' && (
        <TemplateYamlDialog
          mode={dialog.mode}
          onClose={close}
          onClone={(name) => setDialog({ kind: 'clone', name })}
        />
      )}
      {dialog?.kind === 'clone' && (
        <CloneTemplateDialog
          name={dialog.name}
          taken={all.map((t) => t.name)}
          onClose={close}
          onCloned={(newName) => setDialog({ kind: 'yaml', mode: { kind: 'edit', name: newName } })}
        />
      )}
      {dialog?.kind === 'delete' && (
        <DeleteTemplateDialog name={dialog.template.name} usedBy={dialog.template.usedBy} onClose={close} />
      )}
    </div>
  );
}
