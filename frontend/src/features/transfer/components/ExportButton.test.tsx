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
    await waitFor(() => expect(transfer.exportTo).toHaveBeenCalledWith('shop', '/home/me/devarch.yml'));
    expect(await screen.findByText('Exported shop')).toBeInTheDocument();
    expect(screen.getByText(/1 warning/)).toBeInTheDocument();
  });

  it('does nothing when the Save dialog is canceled', async () => {
    (window as Webkit).webkit = { messageHandlers: { external: { postMessage: () => {} } } };
    vi.mocked(transfer.chooseExportPath).mockResolvedValueOnce('');
    const user = userEvent.setup();
    renderWithApp(<ExportButton stack="shop" />);
    await user.click(screen.getByRole('button', { name: 'Export' }));
    await waitFor(() => expect(transfer.chooseExportPath).toHaveBeenCalled());
    expect(transfer.exportTo).not.toHaveBeenCalled();
    expect(screen.queryByRole('dialog')).toBeNull();
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
