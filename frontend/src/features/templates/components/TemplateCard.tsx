import { instanceHref } from '@/app/routes';
import { CodeIcon, CopyIcon, PencilIcon, TrashIcon } from '@/components/icons';
import type { TemplateSummary } from '@/lib/types';
import { TemplateCardBody } from './TemplateCardBody';

interface TemplateCardProps {
  template: TemplateSummary;
  onView: () => void;
  onEdit: () => void;
  onClone: () => void;
  onDelete: () => void;
}

function UsedBy({ usedBy }: { usedBy: string[] }) {
  if (usedBy.length === 0) return <p className="template-card__used muted">Not used by any instance</p>;
  return (
    <p className="template-card__used">
      <span className="muted">Used by </span>
      {usedBy.map((ref, index) => {
        const [stack, instance] = ref.split('/');
        return (
          <span key={ref}>
            {instance ? (
              <a href={instanceHref(stack, instance)} className="mono">
                {ref}
              </a>
            ) : (
              <span className="mono">{ref}</span>
            )}
            {index < usedBy.length - 1 ? ', ' : ''}
          </span>
        );
      })}
    </p>
  );
}

/** A catalog entry with its actions: built-ins can be viewed and cloned, custom ones edited and deleted too. */
export function TemplateCard({ template, onView, onEdit, onClone, onDelete }: TemplateCardProps) {
  const headingId = `template-${template.name}`;
  return (
    <article className="card template-card" aria-labelledby={headingId} data-testid={`template-card-${template.name}`}>
      <div id={headingId} className="visually-hidden">
        {template.name}
      </div>
      <TemplateCardBody template={template} />
      <UsedBy usedBy={template.usedBy} />
      <div className="template-card__actions">
        {template.builtin ? (
          <button type="button" className="button button--small" onClick={onView} aria-label={`View YAML of ${template.name}`}>
            <CodeIcon aria-hidden="true" />
            View YAML
          </button>
        ) : (
          <button type="button" className="button button--small" onClick={onEdit} aria-label={`Edit ${template.name}`}>
            <PencilIcon aria-hidden="true" />
            Edit
          </button>
        )}
        <button type="button" className="button button--small" onClick={onClone} aria-label={`Clone ${template.name}`}>
          <CopyIcon aria-hidden="true" />
          Clone
        </button>
        {!template.builtin && (
          <button
            type="button"
            className="button button--small button--danger-quiet"
            onClick={onDelete}
            aria-label={`Delete ${template.name}`}
          >
            <TrashIcon aria-hidden="true" />
            Delete
          </button>
        )}
      </div>
    </article>
  );
}
