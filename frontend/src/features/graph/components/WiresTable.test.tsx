import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { wires } from '@/lib/backend';
import type { StackGraph } from '@/lib/types';
import { renderWithApp } from '@/test/render';
import { InstanceNeeds } from './InstanceNeeds';
import { WiresTable } from './WiresTable';

vi.mock('@/lib/backend', async () => (await import('@/test/backendMock')).backendMock());

const graph: StackGraph = {
  stack: 'shop',
  revision: 2,
  nodes: [
    { name: 'db', template: 'mysql', provides: ['mysql'], needs: [] },
    { name: 'db2', template: 'mysql', provides: ['mysql'], needs: [] },
    { name: 'web', template: 'php', provides: [], needs: [{ contract: 'mysql', required: true, candidates: ['db', 'db2'] }] },
    { name: 'api', template: 'php', provides: [], needs: [{ contract: 'mysql', required: true, candidates: ['db', 'db2'] }] },
  ],
  wires: [{ consumer: 'web', contract: 'mysql', provider: 'db', kind: 'explicit' }],
  problems: [{ severity: 'error', summary: 'api: mysql is ambiguous: choose db or db2', detail: 'devarch wire set shop api mysql db', instance: 'api', field: 'consumes.mysql', contract: 'mysql' }],
};

beforeEach(() => {
  vi.mocked(wires.graph).mockResolvedValue(graph);
  vi.mocked(wires.set).mockResolvedValue(true);
  vi.mocked(wires.unset).mockResolvedValue(undefined);
});

describe('WiresTable', () => {
  it('chooses a provider for an ambiguous need and removes an explicit wire, by keyboard', async () => {
    const user = userEvent.setup();
    renderWithApp(<WiresTable stack="shop" graph={graph} caption="Wires of shop" />);
    const table = screen.getByRole('table', { name: 'Wires of shop' });
    expect(within(table).getByTestId('wire-row-api-mysql')).toHaveAttribute('data-status', 'ambiguous');
    expect(within(table).getByTestId('wire-row-api-mysql')).toHaveTextContent('Ambiguous: choose a provider');
    // Only the explicit wire can be removed.
    expect(within(table).getAllByRole('button', { name: /Remove the wire/ })).toHaveLength(1);

    await user.selectOptions(screen.getByRole('combobox', { name: 'Provider of mysql for api' }), 'db2');
    await waitFor(() => expect(wires.set).toHaveBeenCalledWith('shop', 'api', 'mysql', 'db2'));

    await user.click(screen.getByRole('button', { name: 'Remove the wire web mysql → db' }));
    await waitFor(() => expect(wires.unset).toHaveBeenCalledWith('shop', 'web', 'mysql'));
  });

  it('shows an instance its own needs and whom it provides to', async () => {
    renderWithApp(
      <>
        <InstanceNeeds stack="shop" name="web" />
        <InstanceNeeds stack="shop" name="db" />
      </>,
    );
    const tables = await screen.findAllByTestId('instance-needs');
    expect(tables).toHaveLength(2);
    expect(within(tables[0]).getAllByRole('row')).toHaveLength(2); // header + mysql
    expect(within(tables[0]).getByRole('combobox', { name: 'Provider of mysql for web' })).toHaveValue('db');
    expect(tables[1]).toHaveTextContent('Provides mysql to web (mysql).');
  });
});
