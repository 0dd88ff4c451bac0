import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { PlanView } from '@/lib/types';
import { PlanDiff } from './PlanDiff';

/** A move from the default engine to build-box: removals there, creations here. */
const movePlan: PlanView = {
  id: 3,
  stack: 'shop',
  revision: 4,
  text: '',
  empty: false,
  failed: false,
  summary: { add: 2, change: 0, destroy: 2 },
  actions: [
    { kind: 'remove', symbol: '-', instance: 'web', container: 'devarch-shop-web', network: '', cause: 'stack moves to engine build-box', engine: 'default', changes: [] },
    { kind: 'remove-network', symbol: '-', instance: '', container: '', network: 'devarch-shop-net', cause: 'stack moves to engine build-box', engine: 'default', changes: [] },
    { kind: 'create-network', symbol: '+', instance: '', container: '', network: 'devarch-shop-net', cause: 'network missing', changes: [] },
    { kind: 'create', symbol: '+', instance: 'web', container: 'devarch-shop-web', network: '', cause: 'new instance', changes: [] },
  ],
  diagnostics: [],
  stopped: false,
  stoppedInstances: [],
};

function cards() {
  return screen.getAllByTestId('plan-action');
}

describe('PlanDiff', () => {
  it('names the engine of a move\'s removals, and only theirs', () => {
    render(<PlanDiff plan={movePlan} />);
    const web = cards().filter((card) => card.dataset.instance === 'web');
    const removeWeb = web.find((card) => card.dataset.kind === 'remove')!;
    const createWeb = web.find((card) => card.dataset.kind === 'create')!;
    expect(removeWeb).toHaveAttribute('data-engine', 'default');
    expect(removeWeb.querySelector('.plan-action__title')).toHaveTextContent('remove web devarch-shop-web on engine default');
    expect(createWeb).not.toHaveAttribute('data-engine');
    expect(createWeb).not.toHaveTextContent('on engine');

    const networks = cards().filter((card) => card.dataset.kind?.endsWith('-network'));
    expect(networks.map((card) => card.querySelector('.plan-action__title')?.textContent)).toEqual([
      'remove network devarch-shop-net on engine default',
      'create network devarch-shop-net',
    ]);
  });
});
