import { describe, expect, it } from 'vitest';
import { sampleTemplates } from '@/test/fixtures';
import { categoriesOf, filterTemplates, groupByCategory } from './filterTemplates';

describe('filterTemplates', () => {
  it('matches every word against name, description, image, category and contracts', () => {
    const names = (search: string, category = '') => filterTemplates(sampleTemplates, { search, category }).map((t) => t.name);
    expect(names('')).toEqual(['my-api', 'nginx', 'postgres', 'redis']);
    expect(names('REDIS')).toEqual(['redis']);
    expect(names('http')).toEqual(['my-api', 'nginx']);
    expect(names('http acme')).toEqual(['my-api']);
    expect(names('postgres:16')).toEqual(['postgres']);
    expect(names('', 'cache')).toEqual(['redis']);
    expect(names('http', 'web')).toEqual(['nginx']);
    expect(names('nothing')).toEqual([]);
  });

  it('offers the known categories in order, then others', () => {
    const extra = [...sampleTemplates, { ...sampleTemplates[0], name: 'x', category: 'queues' }];
    expect(categoriesOf(extra)).toEqual(['database', 'cache', 'web', 'runtime', 'queues']);
    expect(groupByCategory(sampleTemplates).map((group) => group.category)).toEqual(['database', 'cache', 'web', 'runtime']);
  });
});
