import { TEMPLATE_CATEGORIES, type TemplateSummary } from '@/lib/types';

export interface CatalogFilter {
  /** Free text: matches name, description, image, category and provided contracts. */
  search: string;
  /** A category, or "" for all. */
  category: string;
}

export const EMPTY_FILTER: CatalogFilter = { search: '', category: '' };

function haystack(template: TemplateSummary): string {
  return [template.name, template.description, template.image, template.category, ...template.provides]
    .join(' ')
    .toLowerCase();
}

/** The templates that match every word of the search, in the chosen category, by name. */
export function filterTemplates(templates: readonly TemplateSummary[], { search, category }: CatalogFilter): TemplateSummary[] {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  return templates
    .filter((template) => !category || template.category === category)
    .filter((template) => {
      const text = haystack(template);
      return words.every((word) => text.includes(word));
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The categories to offer: the known ones in their order, then any others the catalog uses. */
export function categoriesOf(templates: readonly TemplateSummary[]): string[] {
  const used = new Set(templates.map((template) => template.category).filter(Boolean));
  const known = TEMPLATE_CATEGORIES.filter((category) => used.has(category));
  const extra = [...used].filter((category) => !(TEMPLATE_CATEGORIES as readonly string[]).includes(category)).sort();
  return [...known, ...extra];
}

/** Templates grouped by category, in categoriesOf order (uncategorized last). */
export function groupByCategory(templates: readonly TemplateSummary[]): { category: string; templates: TemplateSummary[] }[] {
  const order = categoriesOf(templates);
  const groups = order.map((category) => ({ category, templates: templates.filter((t) => t.category === category) }));
  const rest = templates.filter((t) => !t.category);
  if (rest.length > 0) groups.push({ category: '', templates: rest });
  return groups.filter((group) => group.templates.length > 0);
}
