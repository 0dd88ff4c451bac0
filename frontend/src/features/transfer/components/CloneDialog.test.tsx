import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { transfer } from '@/lib/backend';
import { AppError } from '@/lib/errors';
import type { CloneView } from '@/lib/types';
import { renderWithApp } from '@/test/render';
import { CloneDialog } from './CloneDialog';

vi.mock('@/lib/backend', async () => (await import('@/test/backendMock')).backendMock());

function view(over: Partial<CloneView> = {}): CloneView {
  return { stack: 'shop-2', root: '/home/me/.local/share/devarch/stacks/shop', instances: ['web'], ports: [], secrets: [], missingSecrets: [], dryRun: false, ...over };
}

beforeEach(() => {
  window.location.hash = '#/stacks/shop';
  vi.mocked(transfer.clone).mockReset();
});

describe('Clone dialog', () => {
  it('clones under the proposed name with no root: the source’s root is kept', async () => {
    vi.mocked(transfer.clone).mockResolvedValue(view());
    const user = userEvent.setup();
    renderWithApp(<CloneDialog stack="shop" sourceRoot="/home/me/src/shop" onClose={vi.fn()} />);
    const dialog = await screen.findByRole('dialog', { name: 'Clone shop' });
    expect(within(dialog).getByRole('textbox', { name: 'New stack name' })).toHaveValue('shop-2');
    expect(within(dialog).getByRole('textbox', { name: 'Project root' })).toHaveAccessibleDescription(/Optional.*the same as shop’s ?\(\/home\/me\/src\/shop\)/);
    await user.click(within(dialog).getByRole('button', { name: 'Clone' }));
    await waitFor(() => expect(transfer.clone).toHaveBeenCalledWith('shop', 'shop-2', '', false));
    await waitFor(() => expect(window.location.hash).toBe('#/stacks/shop-2'));
  });

  it('clones with a project root chosen in the folder dialog, and says it', async () => {
    vi.mocked(transfer.chooseRootFolder).mockResolvedValue('/home/me/src/shop-wt');
    vi.mocked(transfer.clone).mockResolvedValue(view({ stack: 'shop-wt', root: '/home/me/src/shop-wt', ports: [{ instance: 'web', from: '8080:80', to: '8081:80' }] }));
    const user = userEvent.setup();
    renderWithApp(<CloneDialog stack="shop" onClose={vi.fn()} />);
    const dialog = await screen.findByRole('dialog', { name: 'Clone shop' });
    const name = within(dialog).getByRole('textbox', { name: 'New stack name' });
    await user.clear(name);
    await user.type(name, 'shop-wt');
    await user.click(within(dialog).getByRole('button', { name: 'Choose folder…' }));
    expect(transfer.chooseRootFolder).toHaveBeenCalledWith('Project root for shop-wt');
    const root = within(dialog).getByRole('textbox', { name: 'Project root' });
    await waitFor(() => expect(root).toHaveValue('/home/me/src/shop-wt'));
    await user.click(within(dialog).getByRole('button', { name: 'Clone' }));
    await waitFor(() => expect(transfer.clone).toHaveBeenCalledWith('shop', 'shop-wt', '/home/me/src/shop-wt', false));
    expect(await screen.findByText('Cloned shop as shop-wt')).toBeInTheDocument();
    expect(screen.getByText(/Project root: \/home\/me\/src\/shop-wt/)).toBeInTheDocument();
  });

  it('shows a refused root at the root field, keeps the dialog, and a typed path without the folder dialog', async () => {
    vi.mocked(transfer.chooseRootFolder).mockRejectedValue(new AppError({ kind: 'unavailable', summary: 'file dialogs are not available here' }));
    vi.mocked(transfer.clone).mockRejectedValue(
      new AppError({ kind: 'invalid', summary: 'the project root "src/shop" is not an absolute path', detail: 'Give the full path of the project’s directory.', field: 'root' }),
    );
    const user = userEvent.setup();
    const onClose = vi.fn();
    renderWithApp(<CloneDialog stack="shop" onClose={onClose} />);
    const dialog = await screen.findByRole('dialog', { name: 'Clone shop' });
    const root = within(dialog).getByRole('textbox', { name: 'Project root' });
    await user.click(within(dialog).getByRole('button', { name: 'Choose folder…' }));
    await waitFor(() => expect(root).toHaveAccessibleDescription(/No folder dialog here.*Type the folder’s full path/));
    await user.type(root, 'src/shop{Enter}');
    await waitFor(() => expect(root).toHaveAccessibleDescription(/the project root "src\/shop" is not an absolute path/));
    expect(root).toHaveAttribute('aria-invalid', 'true');
    expect(within(dialog).getByRole('textbox', { name: 'New stack name' })).not.toHaveAttribute('aria-invalid');
    expect(onClose).not.toHaveBeenCalled();
    // Editing clears the refusal.
    await user.type(root, 'x');
    expect(root).not.toHaveAttribute('aria-invalid');
  });
});
