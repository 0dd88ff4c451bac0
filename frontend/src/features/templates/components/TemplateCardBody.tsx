import type { TemplateSummary } from '@/lib/types';

/** What a catalog card says about a template: name, kind, description, image, contracts. */
export function TemplateCardBody({ template, headingLevel = 3 }: { template: TemplateSummary; headingLevel?: 3 | 4 | 'none' }) {
  const Heading = headingLevel === 'none' ? 'span' : (`h${headingLevel}` as const);
  return (
    <div className="template-card__body">
      <div className="template-card__top">
        <Heading className="template-card__name">{template.name}</Heading>
        <span className={`tag ${template.builtin ? 'tag--builtin' : 'tag--custom'}`}>{template.builtin ? 'built-in' : 'custom'}</span>
      </div>
      <p className="template-card__description">{template.description || <span className="muted">No description</span>}</p>
      <dl className="template-card__facts">
        <div>
          <dt>Image</dt>
          <dd>
            <code>{template.image || '—'}</code>
          </dd>
        </div>
        {template.provides.length > 0 && (
          <div>
            <dt>Provides</dt>
            <dd className="chips">
              {template.provides.map((contract) => (
                <span key={contract} className="chip chip--contract">
                  {contract}
                </span>
              ))}
            </dd>
          </div>
        )}
      </dl>
    </div>
  );
}
