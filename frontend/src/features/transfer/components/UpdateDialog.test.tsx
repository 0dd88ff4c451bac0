import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { transfer } from '@/lib/backend';
import { AppError } from '@/lib/errors';
import type { UpdatePreview } from '@/lib/types';
import { renderWithApp } from '@/test/render';
import { UpdateDialog, UpdateFromFileButton } from './UpdateDialog';

vi.mock('@/lib/backend', async () => (await import('@/test/backendMock')).backendMock());

function update(over: Partial<UpdatePreview> = {}): UpdatePreview {
  return {
    stack: 'shop',
    dryRun: true,
    revision: 5,
    changes: [
      { action: '~', subject: 'description', details: ['"first" -> "second"'] },
      { action: '~', subject: 'instance app', details: ['overrides.environment.APP_ENV: (not set) -> "dev"'] },
      { action: '+', subject: 'instance cache', details: ['template redis'] },
      { action: '-', subject: 'instance old', details: ['template redis'] },
      { action: '+', subject: 'wire app postgres', details: ['-> db2'] },
    ],
    templatesCreated: [],
    secretsGenerated: ['db2_password'],
    secretsSet: [],
    missingSecrets: ['stripe_key'],
    warnings: [],
    secretValuesUnchecked: false,
    ...over,
  };
}

beforeEach(() => {
  window.location.hash = '#/stacks/shop';
  vi.mocked(transfer.update).mockReset();
});

describe('Update from a devarch.yml', () => {
  it('previews the diff of a chosen file at once, writes nothing, then updates and offers the plan', async () => {
    vi.mocked(transfer.update).mockImplementation(async (_path, _stack, dryRun) => update({ dryRun, revision: dryRun ? 5 : 6 }));
    const user = userEvent.setup();
    const onClose = vi.fn();
    renderWithApp(<UpdateDialog stack="shop" path="/home/me/shop/devarch.yml" onClose={onClose} />);
    const dialog = await screen.findByRole('dialog', { name: 'Update shop from a devarch.yml' });
    const region = await within(dialog).findByRole('region', { name: 'Update preview' });
    expect(transfer.update).toHaveBeenCalledWith('/home/me/shop/devarch.yml', 'shop', true);
    expect(transfer.update).not.toHaveBeenCalledWith(expect.anything(), expect.anything(), false, undefined);
    expect(region).toHaveTextContent('5 changes to stack shop');
    const rows = within(region).getAllByTestId('update-change');
    expect(rows.map((r) => r.dataset.action)).toEqual(['~', '~', '+', '-', '+']);
    expect(rows[1]).toHaveTextContent('Change instance app');
    expect(rows[1]).toHaveTextContent('overrides.environment.APP_ENV: (not set) -> "dev"');
    expect(rows[2]).toHaveTextContent('Add instance cache');
    expect(rows[3]).toHaveTextContent('Remove instance old');
    expect(rows[4]).toHaveTextContent('Add wire app postgres');
    expect(rows[4]).toHaveTextContent('-> db2');
    expect(within(region).getByTestId('update-missing')).toHaveTextContent('stripe_key');

    const submit = within(dialog).getByTestId('update-submit');
    expect(submit).toHaveTextContent('Update stack');
    await user.click(submit);
    await waitFor(() => expect(transfer.update).toHaveBeenLastCalledWith('/home/me/shop/devarch.yml', 'shop', false, undefined));
    const done = await within(dialog).findByTestId('update-done');
    expect(done).toHaveTextContent('5 changes written (revision 6)');
    expect(within(dialog).getAllByTestId('update-change')[2]).toHaveTextContent('Added instance cache');
    // Focus moves to the next step: the plan.
    const plan = within(dialog).getByTestId('update-plan');
    expect(plan).toHaveAttribute('href', '#/stacks/shop/plan');
    await waitFor(() => expect(plan).toHaveFocus());
    expect(await screen.findByText('Stack shop updated')).toBeInTheDocument();
    expect(onClose).not.toHaveBeenCalled();
  });

  it('says "Nothing changes" for a file the stack already matches, and Close closes', async () => {
    vi.mocked(transfer.update).mockResolvedValue(update({ changes: [], missingSecrets: [], secretsGenerated: [] }));
    const user = userEvent.setup();
    const onClose = vi.fn();
    renderWithApp(<UpdateDialog stack="shop" path="/home/me/devarch.yml" onClose={onClose} />);
    const dialog = await screen.findByRole('dialog', { name: 'Update shop from a devarch.yml' });
    expect(await within(dialog).findByTestId('update-nothing')).toHaveTextContent('Nothing changesStack shop already matches the file.');
    const submit = within(dialog).getByTestId('update-submit');
    expect(submit).toHaveTextContent('Close');
    await user.click(submit);
    expect(onClose).toHaveBeenCalled();
    expect(transfer.update).toHaveBeenCalledTimes(1);
  });

  it('shows a strict-decode refusal in place with its field, line and column, and offers no update', async () => {
    vi.mocked(transfer.update).mockRejectedValue(
      new AppError({
        kind: 'invalid',
        summary: 'unknown key "bogus"',
        detail: 'line 4, column 1: The keys here are apiVersion, kind, name, ...',
        field: 'bogus',
      }),
    );
    renderWithApp(<UpdateDialog stack="shop" path="/home/me/devarch.yml" onClose={vi.fn()} />);
    const dialog = await screen.findByRole('dialog', { name: 'Update shop from a devarch.yml' });
    const alert = await within(dialog).findByTestId('update-error');
    expect(alert).toHaveTextContent('unknown key "bogus"');
    expect(alert).toHaveTextContent('At bogus');
    expect(alert).toHaveTextContent('line 4, column 1');
    expect(within(dialog).queryByRole('region', { name: 'Update preview' })).toBeNull();
    expect(within(dialog).getByTestId('update-submit')).toHaveTextContent('Preview');
  });

  it('asks for a path when there is none, and shows a bad path at the field', async () => {
    vi.mocked(transfer.update).mockRejectedValue(
      new AppError({ kind: 'invalid', summary: '"devarch.yml" is not an absolute path', detail: 'Choose the file with the Open dialog, or give its full path.', field: 'path' }),
    );
    const user = userEvent.setup();
    renderWithApp(<UpdateDialog stack="shop" onClose={vi.fn()} />);
    const dialog = await screen.findByRole('dialog', { name: 'Update shop from a devarch.yml' });
    const file = within(dialog).getByRole('textbox', { name: 'File' });
    expect(file).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(file).toHaveAccessibleDescription(/Give the devarch.yml to update from/);
    expect(transfer.update).not.toHaveBeenCalled();
    await user.type(file, 'devarch.yml{Enter}');
    await waitFor(() => expect(file).toHaveAccessibleDescription(/not an absolute path/));
  });

  it('asks for the passphrase of a file with secret values, as the import does, then updates with it', async () => {
    const wrong = new AppError({ kind: 'invalid', summary: "the passphrase does not decrypt the file's secret values", field: 'secretValues.key' });
    vi.mocked(transfer.update).mockImplementation(async (_path, _stack, dryRun, passphrase) => {
      if (passphrase !== undefined && passphrase !== 'right pass') throw wrong;
      return update({
        dryRun,
        changes: [{ action: '~', subject: 'secret api_token', details: ['new value from the file'] }],
        secretsSet: ['api_token'],
        missingSecrets: [],
        secretValuesUnchecked: passphrase === undefined,
      });
    });
    const user = userEvent.setup();
    renderWithApp(<UpdateDialog stack="shop" path="/home/me/devarch.yml" onClose={vi.fn()} />);
    const dialog = await screen.findByRole('dialog', { name: 'Update shop from a devarch.yml' });
    const step = await within(dialog).findByRole('region', { name: 'Secret values' });
    expect(step).toHaveTextContent('encrypted values for 1 secret');
    const pass = within(step).getByLabelText('Passphrase');
    expect(pass).toHaveFocus();
    const submit = within(dialog).getByTestId('update-submit');
    expect(submit).toHaveTextContent('Unlock');
    await user.type(pass, 'not it{Enter}');
    await waitFor(() => expect(pass).toHaveAccessibleDescription(/does not decrypt/));
    expect(transfer.update).not.toHaveBeenCalledWith(expect.anything(), expect.anything(), false, expect.anything());
    await user.clear(pass);
    await user.type(pass, 'right pass{Enter}');
    expect(await within(dialog).findByTestId('update-unlocked')).toHaveTextContent('Update will set api_token from the file.');
    expect(submit).toHaveTextContent('Update stack');
    await user.click(submit);
    await waitFor(() => expect(transfer.update).toHaveBeenLastCalledWith('/home/me/devarch.yml', 'shop', false, 'right pass'));
    await within(dialog).findByTestId('update-done');
  });

  it('opens the native Open dialog in the desktop window, and nothing when it is canceled', async () => {
    const w = window as unknown as { webkit?: unknown };
    w.webkit = { messageHandlers: { external: { postMessage: () => {} } } };
    try {
      vi.mocked(transfer.chooseUpdateFile).mockResolvedValueOnce('').mockResolvedValueOnce('/home/me/devarch.yml');
      vi.mocked(transfer.update).mockResolvedValue(update());
      const user = userEvent.setup();
      renderWithApp(<UpdateFromFileButton stack="shop" />);
      await user.click(screen.getByRole('button', { name: 'Update from file…' }));
      await waitFor(() => expect(transfer.chooseUpdateFile).toHaveBeenCalledWith('shop'));
      expect(screen.queryByRole('dialog')).toBeNull();
      await user.click(screen.getByRole('button', { name: 'Update from file…' }));
      const dialog = await screen.findByRole('dialog', { name: 'Update shop from a devarch.yml' });
      await within(dialog).findByRole('region', { name: 'Update preview' });
      expect(transfer.update).toHaveBeenCalledWith('/home/me/devarch.yml', 'shop', true);
    } finally {
      delete w.webkit;
    }
  });
});
