import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { stacks } from '@/lib/backend';
import { AppError } from '@/lib/errors';
import { renderWithApp } from '@/test/render';
import { StacksPage } from './StacksPage';

vi.mock('@/lib/backend', async () => (await import('@/test/backendMock')).backendMock());

beforeEach(() => {
  vi.mocked(stacks.list).mockResolvedValue([]);
});

async function openDialog() {
  const user = userEvent.setup();
  renderWithApp(<StacksPage />);
  const empty = await screen.findByTestId('stacks-empty');
  // The empty state offers the button first; the CLI stays as a secondary hint.
  expect(empty).toHaveTextContent('devarch stack create NAME');
  await user.click(within(empty).getByRole('button', { name: 'New stack' }));
  const dialog = await screen.findByRole('dialog', { name: 'New stack' });
  return { user, dialog };
}

describe('New stack dialog', () => {
  it('hints the name rule while typing', async () => {
    const { user, dialog } = await openDialog();
    const name = within(dialog).getByRole('textbox', { name: 'Name' });
    expect(name).toHaveFocus();
    expect(name).toHaveAccessibleDescription('Lowercase letters, digits and hyphens, at most 53 characters.');
    await user.type(name, 'Shop');
    expect(within(dialog).getByText(/Use lowercase letters only/)).toHaveClass('field__hint--warning');
    await user.clear(name);
    await user.type(name, 'shop');
    expect(within(dialog).getByText(/\(4\/53\)/)).not.toHaveClass('field__hint--warning');
  });

  it('shows the backend problem at its field, without a toast', async () => {
    vi.mocked(stacks.create).mockRejectedValueOnce(
      new AppError({
        kind: 'invalid',
        summary: 'stack name "Shop" is not a valid name',
        detail: 'Use lowercase letters a-z, digits and hyphens.',
        field: 'name',
      }),
    );
    const { user, dialog } = await openDialog();
    const name = within(dialog).getByRole('textbox', { name: 'Name' });
    await user.type(name, 'Shop');
    await user.click(within(dialog).getByRole('button', { name: 'Create stack' }));

    await waitFor(() => expect(name).toHaveAttribute('aria-invalid', 'true'));
    expect(name).toHaveAccessibleDescription(/stack name "Shop" is not a valid name/);
    expect(within(dialog).getByTestId('field-error')).toHaveTextContent('Use lowercase letters a-z, digits and hyphens.');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(stacks.create).toHaveBeenCalledWith('Shop', '');

    // Editing the name clears the stale error.
    await user.type(name, 'x');
    expect(name).not.toHaveAttribute('aria-invalid');
  });

  it('shows a description problem at the description', async () => {
    vi.mocked(stacks.create).mockRejectedValueOnce(
      new AppError({ kind: 'invalid', summary: 'description is too long', field: 'description' }),
    );
    const { user, dialog } = await openDialog();
    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'shop');
    await user.type(within(dialog).getByRole('textbox', { name: 'Description' }), 'long');
    await user.click(within(dialog).getByRole('button', { name: 'Create stack' }));
    const description = within(dialog).getByRole('textbox', { name: 'Description' });
    await waitFor(() => expect(description).toHaveAttribute('aria-invalid', 'true'));
    expect(description).toHaveAccessibleDescription(/description is too long/);
    expect(within(dialog).getByRole('textbox', { name: 'Name' })).not.toHaveAttribute('aria-invalid');
  });

  it('toasts a problem that belongs to no field', async () => {
    vi.mocked(stacks.create).mockRejectedValueOnce(new AppError({ kind: 'internal', summary: 'database went away' }));
    const { user, dialog } = await openDialog();
    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'shop');
    await user.click(within(dialog).getByRole('button', { name: 'Create stack' }));
    const toast = await screen.findByRole('alert');
    expect(toast).toHaveTextContent('Could not create the stack');
    expect(toast).toHaveTextContent('database went away');
  });

  it('creates the stack and opens its page', async () => {
    vi.mocked(stacks.create).mockResolvedValueOnce({
      name: 'shop',
      description: 'Storefront',
      instances: 0,
      revision: 1,
      status: 'stopped',
      updatedAt: '',
      engine: 'default',
    });
    const { user, dialog } = await openDialog();
    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'shop');
    await user.type(within(dialog).getByRole('textbox', { name: 'Description' }), 'Storefront');
    // Enter in the name field submits the form.
    await user.click(within(dialog).getByRole('textbox', { name: 'Name' }));
    await user.keyboard('{Enter}');
    await waitFor(() => expect(window.location.hash).toBe('#/stacks/shop'));
    expect(stacks.create).toHaveBeenCalledWith('shop', 'Storefront');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(await screen.findByRole('status', { name: /Stack shop created/ })).toBeInTheDocument();
    // The list is fetched again.
    await waitFor(() => expect(stacks.list).toHaveBeenCalledTimes(2));
  });
});
