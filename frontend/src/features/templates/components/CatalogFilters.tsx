import { useId } from 'react';
import { SearchIcon } from '@/components/icons';
import type { CatalogFilter } from '../filterTemplates';

interface CatalogFiltersProps {
  filter: CatalogFilter;
  onChange: (filter: CatalogFilter) => void;
  categories: string[];
  /** Templates per category, for the chips' counts. */
  counts: Record<string, number>;
  total: number;
}

/** A search box and one toggle chip per category ("All" clears it). */
export function CatalogFilters({ filter, onChange, categories, counts, total }: CatalogFiltersProps) {
  const searchId = useId();
  return (
    <div className="catalog-filters">
      <div className="search">
        <label htmlFor={searchId} className="visually-hidden">
          Search templates
        </label>
        <SearchIcon className="search__icon" aria-hidden="true" />
        <input
          id={searchId}
          type="search"
          className="input search__input"
          placeholder="Search templates"
          value={filter.search}
          autoComplete="off"
          spellCheck={false}
          onChange={(event) => onChange({ ...filter, search: event.target.value })}
        />
      </div>
      <div className="chips chips--filter" role="group" aria-label="Category">
        <button
          type="button"
          className="filter-chip"
          aria-pressed={filter.category === ''}
          onClick={() => onChange({ ...filter, category: '' })}
        >
          All <span className="filter-chip__count">{total}</span>
        </button>
        {categories.map((category) => (
          <button
            key={category}
            type="button"
            className="filter-chip"
            aria-pressed={filter.category === category}
            onClick={() => onChange({ ...filter, category: filter.category === category ? '' : category })}
          >
            {category} <span className="filter-chip__count">{counts[category] ?? 0}</span>
          </button>
        ))}
      </div>
    </div>
  );
}
