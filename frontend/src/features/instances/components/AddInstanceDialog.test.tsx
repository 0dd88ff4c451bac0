import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { instances, templates } from '@/lib/backend';
import { AppError } from '@/lib/errors';
import { sampleInstance, sampleTemplates } from '@/test/fixtures';
import { renderWithApp } from '@/test/render';
import { AddInstanceDialog } from './AddInstanceDialog';

vi.mock('@/lib/backend', async () => (await import('@/test/backendMock')).backendMock());

beforeEach(() => {
  vi.mocked(templates.list).mockResolvedValue(sampleTemplates);
});

function renderDialog(taken: string[] = []) {
  const onClose = vi.fn();
  const result = renderWithApp(<AddInstanceDialog stack="shop" taken={taken} onClose={onClose} />);
  return { ...result, onClose, user: userEvent.setup() };
}

const options = (dialog: HTMLElement) => within(dialog).queryAllByRole('radio').map((radio) => radio.getAttribute('value'));

describe('AddInstanceDialog', () => {
  it('shows the catalog as cards with image and contracts, filtered by search and category', async () => {
    const { user } = renderDialog();
    const dialog = screen.getByRole('dialog', { name: 'Add an instance to shop' });
    await within(dialog).findByRole('radio', { name: 'redis' });
    expect(options(dialog)).toEqual(['my-api', 'nginx', 'postgres', 'redis']);
    const nginx = within(dialog).getByTestId('template-option-nginx');
    expect(nginx).toHaveTextContent('nginx 1.27 web server');
    expect(nginx).toHaveTextContent('nginx:1.27');
    expect(nginx).toHaveTextContent('http');
    expect(within(dialog).getByTestId('template-option-my-api')).toHaveTextContent('custom');

    await user.type(within(dialog).getByRole('searchbox', { name: 'Search templates' }), 'http');
    expect(options(dialog)).toEqual(['my-api', 'nginx']);

    const chips = within(dialog).getByRole('group', { name: 'Category' });
    await user.click(within(chips).getByRole('button', { name: /^web/ }));
    expect(within(chips).getByRole('button', { name: /^web/ })).toHaveAttribute('aria-pressed', 'true');
    expect(options(dialog)).toEqual(['nginx']);

    await user.clear(within(dialog).getByRole('searchbox', { name: 'Search templates' }));
    await user.click(within(chips).getByRole('button', { name: /^database/ }));
    expect(options(dialog)).toEqual(['postgres']);

    await user.type(within(dialog).getByRole('searchbox', { name: 'Search templates' }), 'zzz');
    expect(within(dialog).getByRole('status')).toHaveTextContent('No templates match “zzz” in database.');
  });

  it('prefills a free instance name from the picked template and adds the instance', async () => {
    vi.mocked(instances.add).mockResolvedValue({ ...sampleInstance, name: 'redis-2', template: 'redis' });
    const { user, onClose } = renderDialog(['redis']);
    const dialog = screen.getByRole('dialog');
    await user.click(await within(dialog).findByRole('radio', { name: 'redis' }));
    const name = within(dialog).getByRole('textbox', { name: 'Instance name' });
    expect(name).toHaveValue('redis-2');
    expect(name).toHaveAccessibleDescription(/devarch-shop-redis-2/);
    await user.click(within(dialog).getByRole('button', { name: 'Add instance' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(instances.add).toHaveBeenCalledWith('shop', 'redis-2', 'redis');
  });

  it('keeps a name the user typed when another template is picked', async () => {
    const { user } = renderDialog();
    const dialog = screen.getByRole('dialog');
    await user.click(await within(dialog).findByRole('radio', { name: 'redis' }));
    const name = within(dialog).getByRole('textbox', { name: 'Instance name' });
    await user.clear(name);
    await user.type(name, 'cache');
    await user.click(within(dialog).getByRole('radio', { name: 'postgres' }));
    expect(name).toHaveValue('cache');
  });

  it('never adds a selected template that a search hides', async () => {
    const { user, onClose } = renderDialog();
    const dialog = screen.getByRole('dialog');
    await user.click(await within(dialog).findByRole('radio', { name: 'redis' }));
    const search = within(dialog).getByRole('searchbox', { name: 'Search templates' });
    await user.type(search, 'nginx');
    expect(options(dialog)).toEqual(['nginx']);
    expect(dialog).toHaveTextContent('redis is hidden by the search');
    await user.type(search, '{Enter}');
    expect(within(dialog).getByTestId('field-error')).toHaveTextContent('redis is hidden by the search: clear the search to add it');
    expect(instances.add).not.toHaveBeenCalled();
    expect(onClose).not.toHaveBeenCalled();

    await user.clear(search);
    expect(within(dialog).getByRole('radio', { name: 'redis' })).toBeChecked();
    expect(within(dialog).queryByTestId('field-error')).not.toBeInTheDocument();
  });

  it('asks for a template before adding', async () => {
    const { user } = renderDialog();
    const dialog = screen.getByRole('dialog');
    await within(dialog).findByRole('radio', { name: 'redis' });
    await user.click(within(dialog).getByRole('button', { name: 'Add instance' }));
    expect(within(dialog).getByTestId('field-error')).toHaveTextContent('Choose a template for the instance.');
    expect(instances.add).not.toHaveBeenCalled();
  });

  it('shows a name problem from the backend at the name field, without a toast', async () => {
    vi.mocked(instances.add).mockRejectedValue(
      new AppError({
        kind: 'conflict',
        summary: 'stack "shop" already has an instance named "cache"',
        detail: 'Pick another name.',
        field: 'name',
      }),
    );
    const { user, onClose, toasts } = renderDialog();
    const dialog = screen.getByRole('dialog');
    await user.click(await within(dialog).findByRole('radio', { name: 'redis' }));
    const name = within(dialog).getByRole('textbox', { name: 'Instance name' });
    await user.clear(name);
    await user.type(name, 'cache{Enter}');
    await waitFor(() => expect(name).toHaveAttribute('aria-invalid', 'true'));
    expect(name).toHaveAccessibleDescription(/already has an instance named "cache"/);
    expect(name).toHaveFocus();
    expect(toasts.getSnapshot()).toHaveLength(0);
    expect(onClose).not.toHaveBeenCalled();
  });
});
