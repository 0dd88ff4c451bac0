/** Templates: the catalog (filters, cards) and the templates page. */
export { listTemplatesQueryOptions, useTemplates } from './api/listTemplates';
export { CatalogFilters } from './components/CatalogFilters';
export { TemplateCardBody } from './components/TemplateCardBody';
export { TemplatesPage } from './components/TemplatesPage';
export { categoriesOf, EMPTY_FILTER, filterTemplates, type CatalogFilter } from './filterTemplates';
