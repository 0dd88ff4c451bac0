import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { transfer } from '@/lib/backend';
import { AppError } from '@/lib/errors';
import { renderWithApp } from '@/test/render';
import { ExportButton } from './ExportButton';

vi.mock('@/lib/backend', async () => (await import('@/test/backendMock')).backendMock());

type Webkit = { webkit?: unknown };

afterEach(() => {
  delete (window as Webkit).webkit;
});

describe('Export', () => {
  it('in the desktop window opens the native Save dialog and writes where it says', async () => {
    (window as Webkit).webkit = { messageHandlers: { external: { postMessage: () => {} } } };
    vi.mocked(transfer.chooseExportPath).mockResolvedValueOnce('/home/me/devarch.yml');
    vi.mocked(transfer.exportTo).mockResolvedValueOnce({ path: '/home/me/devarch.yml', warnings: ['instances.web.volumes[0]: absolute host path'] });
    const user = userEvent.setup();
    renderWithApp(<ExportButton stack="shop" />);
    await user.click(screen.getByRole('button', { name: 'Export' }));
    const dialog = await screen.findByRole('dialog', { name: 'Export shop' });
    expect(within(dialog).queryByRole('textbox', { name: 'File' })).toBeNull();
    await user.click(within(dialog).getByRole('button', { name: 'Choose file and export…' }));
    await waitFor(() => expect(transfer.exportTo).toHaveBeenCalledWith('shop', '/home/me/devarch.yml'));
    expect(transfer.exportWithSecrets).not.toHaveBeenCalled();
    expect(await screen.findByText('Exported shop')).toBeInTheDocument();
    expect(screen.getByText(/1 warning/)).toBeInTheDocument();
  });

  it('does nothing when the Save dialog is canceled', async () => {
    (window as Webkit).webkit = { messageHandlers: { external: { postMessage: () => {} } } };
    vi.mocked(transfer.chooseExportPath).mockResolvedValueOnce('');
    const user = userEvent.setup();
    renderWithApp(<ExportButton stack="shop" />);
    await user.click(screen.getByRole('button', { name: 'Export' }));
    await user.keyboard('{Enter}');
    await waitFor(() => expect(transfer.chooseExportPath).toHaveBeenCalled());
    expect(transfer.exportTo).not.toHaveBeenCalled();
    // The export dialog stays as it was: the user may choose again or cancel.
    expect(screen.getByRole('dialog', { name: 'Export shop' })).toBeInTheDocument();
  });

  it('in a browser asks for the path, and shows a refusal at it', async () => {
    vi.mocked(transfer.exportTo).mockRejectedValueOnce(
      new AppError({ kind: 'invalid', summary: '"x.yml" is not an absolute path', detail: 'Give its full path.', field: 'path' }),
    );
    const user = userEvent.setup();
    renderWithApp(<ExportButton stack="shop" />);
    await user.click(screen.getByRole('button', { name: 'Export' }));
    const dialog = await screen.findByRole('dialog', { name: 'Export shop' });
    expect(transfer.chooseExportPath).not.toHaveBeenCalled();
    const file = within(dialog).getByRole('textbox', { name: 'File' });
    expect(file).toHaveFocus();
    await user.type(file, 'x.yml{Enter}');
    await waitFor(() => expect(file).toHaveAccessibleDescription(/not an absolute path/));
    expect(screen.getByRole('dialog', { name: 'Export shop' })).toBeInTheDocument();
  });
});

describe('Export with secret values', () => {
  it('asks for the passphrase twice, refuses empty, short and mismatched ones, then exports with it and forgets it', async () => {
    (window as Webkit).webkit = { messageHandlers: { external: { postMessage: () => {} } } };
    vi.mocked(transfer.chooseExportPath).mockResolvedValue('/home/me/devarch.yml');
    vi.mocked(transfer.exportWithSecrets).mockResolvedValueOnce({ path: '/home/me/devarch.yml', warnings: [] });
    const log = vi.spyOn(console, 'log');
    const user = userEvent.setup();
    renderWithApp(<ExportButton stack="shop" />);
    await user.click(screen.getByRole('button', { name: 'Export' }));
    const dialog = await screen.findByRole('dialog', { name: 'Export shop' });
    const option = within(dialog).getByRole('checkbox', { name: 'Include secret values (encrypted with a passphrase)' });
    expect(option).toHaveFocus();
    expect(within(dialog).queryByLabelText('Passphrase')).toBeNull();
    await user.keyboard(' '); // ticked from the keyboard
    const pass = within(dialog).getByLabelText('Passphrase');
    const again = within(dialog).getByLabelText('Confirm passphrase');
    expect(pass).toHaveAttribute('type', 'password');
    expect(again).toHaveAttribute('type', 'password');
    expect(pass).toHaveAccessibleDescription(/At least 8 characters/);
    const submit = within(dialog).getByRole('button', { name: 'Choose file and export…' });

    await user.click(submit); // empty
    expect(pass).toHaveAccessibleDescription(/Type a passphrase/);
    await user.type(pass, 'short');
    await user.click(submit);
    expect(pass).toHaveAccessibleDescription(/too short: use at least 8 characters/);
    await user.clear(pass);
    await user.type(pass, 'correct horse');
    await user.type(again, 'correct hose');
    await user.click(submit);
    expect(again).toHaveAccessibleDescription(/two passphrases differ/);
    expect(transfer.chooseExportPath).not.toHaveBeenCalled();
    expect(transfer.exportWithSecrets).not.toHaveBeenCalled();

    await user.clear(again);
    await user.type(again, 'correct horse{Enter}');
    await waitFor(() => expect(transfer.exportWithSecrets).toHaveBeenCalledWith('shop', '/home/me/devarch.yml', 'correct horse'));
    expect(transfer.exportTo).not.toHaveBeenCalled();
    expect(await screen.findByText('Exported shop with secret values')).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).toBeNull();
    for (const call of log.mock.calls) expect(JSON.stringify(call)).not.toContain('correct horse');
  });

  it('shows a refusal and empties both passphrase fields after the call', async () => {
    vi.mocked(transfer.exportWithSecrets).mockRejectedValueOnce(
      new AppError({ kind: 'invalid', summary: 'cannot write /ro/devarch.yml', detail: 'permission denied', field: 'path' }),
    );
    const user = userEvent.setup();
    renderWithApp(<ExportButton stack="shop" />);
    await user.click(screen.getByRole('button', { name: 'Export' }));
    const dialog = await screen.findByRole('dialog', { name: 'Export shop' });
    await user.type(within(dialog).getByRole('textbox', { name: 'File' }), '/ro/devarch.yml');
    await user.click(within(dialog).getByRole('checkbox', { name: /Include secret values/ }));
    await user.type(within(dialog).getByLabelText('Passphrase'), 'long enough pass');
    await user.type(within(dialog).getByLabelText('Confirm passphrase'), 'long enough pass{Enter}');
    await waitFor(() => expect(within(dialog).getByRole('textbox', { name: 'File' })).toHaveAccessibleDescription(/cannot write/));
    expect(transfer.exportWithSecrets).toHaveBeenCalledWith('shop', '/ro/devarch.yml', 'long enough pass');
    expect(within(dialog).getByLabelText('Passphrase')).toHaveValue('');
    expect(within(dialog).getByLabelText('Confirm passphrase')).toHaveValue('');
  });
});
