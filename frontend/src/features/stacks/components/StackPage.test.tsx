import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { stacks, templates } from '@/lib/backend';
import { AppError } from '@/lib/errors';
import { sampleStackDetail, sampleTemplates } from '@/test/fixtures';
import { pending, renderWithApp } from '@/test/render';
import { StackPage } from './StackPage';

vi.mock('@/lib/backend', async () => (await import('@/test/backendMock')).backendMock());

beforeEach(() => {
  vi.mocked(stacks.get).mockResolvedValue(sampleStackDetail);
  vi.mocked(templates.list).mockResolvedValue(sampleTemplates);
});

describe('StackPage', () => {
  it('shows a loading state first', () => {
    vi.mocked(stacks.get).mockReturnValue(pending());
    renderWithApp(<StackPage name="shop" />);
    expect(screen.getByRole('heading', { level: 1, name: 'shop' })).toBeInTheDocument();
    expect(screen.getByTestId('stacks-loading')).toHaveAttribute('aria-busy', 'true');
  });

  it('shows the facts, actions and instances with their origin markers', async () => {
    renderWithApp(<StackPage name="shop" />);
    const table = await screen.findByRole('table', { name: 'Instances of shop' });
    expect(stacks.get).toHaveBeenCalledWith('shop');
    expect(screen.getByText('Storefront')).toBeInTheDocument();
    expect(screen.getByText('Stopped')).toBeInTheDocument();
    expect(screen.getByTestId('stack-revision')).toHaveTextContent('5');
    for (const name of ['Add instance', 'Rename', 'Delete']) {
      expect(screen.getByRole('button', { name })).toBeInTheDocument();
    }
    expect(screen.getByRole('link', { name: 'Compose preview' })).toHaveAttribute('href', '#/stacks/shop/compose');
    expect(within(table).getAllByRole('columnheader').map((th) => th.textContent)).toEqual([
      'Name',
      'Template',
      'Image',
      'Ports',
      'Overrides',
      'Status',
      'Actions',
    ]);

    const cache = screen.getByTestId('instance-row-cache');
    expect(within(cache).getByRole('link', { name: 'cache' })).toHaveAttribute('href', '#/stacks/shop/instances/cache');
    expect(within(cache).queryByText('override')).not.toBeInTheDocument();
    expect(cache).toHaveTextContent('None');
    expect(cache).toHaveTextContent('Not created');

    const web = screen.getByTestId('instance-row-web');
    // Ports are overridden, the image is the template's: one badge, on the ports.
    const badges = within(web).getAllByText('override');
    expect(badges).toHaveLength(1);
    expect(badges[0].closest('td')).toHaveTextContent('8081:80');
    expect(within(web).getByTestId('override-count')).toHaveTextContent('2 fields');
    expect(within(web).getByTestId('override-count')).toHaveAttribute('title', 'environment.APP_ENV\nports');
    expect(web).toHaveTextContent('Running');
  });

  it('warns about problems such as port clashes', async () => {
    vi.mocked(stacks.get).mockResolvedValue({
      ...sampleStackDetail,
      problems: [
        {
          kind: 'conflict',
          summary: 'host port 8080 is published twice',
          detail: 'shop/web and blog/web both publish 127.0.0.1:8080',
        },
      ],
    });
    renderWithApp(<StackPage name="shop" />);
    const panel = await screen.findByTestId('stack-problems');
    expect(panel).toHaveTextContent('1 problem needs attention');
    expect(panel).toHaveTextContent('host port 8080 is published twice');
    expect(panel).toHaveTextContent('shop/web and blog/web both publish 127.0.0.1:8080');
  });

  it('offers to add the first instance when there is none', async () => {
    vi.mocked(stacks.get).mockResolvedValue({ ...sampleStackDetail, instances: [] });
    renderWithApp(<StackPage name="shop" />);
    const empty = await screen.findByTestId('instances-empty');
    await userEvent.click(within(empty).getByRole('button', { name: 'Add your first instance' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add an instance to shop' });
    expect(await within(dialog).findByRole('radio', { name: 'redis' })).toBeInTheDocument();
  });

  it('says so when the stack does not exist', async () => {
    vi.mocked(stacks.get).mockRejectedValue(new AppError({ kind: 'not_found', summary: 'stack "nope" does not exist' }));
    const { toasts } = renderWithApp(<StackPage name="nope" />);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Stack not found');
    expect(within(alert).getByRole('link', { name: 'All stacks' })).toHaveAttribute('href', '#/stacks');
    expect(toasts.getSnapshot()).toHaveLength(0);
  });

  it('shows a delete refusal and deletes with force when asked', async () => {
    const user = userEvent.setup();
    vi.mocked(stacks.delete).mockRejectedValueOnce(
      new AppError({ kind: 'conflict', summary: 'stack "shop" is running', detail: 'Stop it first, or delete with force.' }),
    );
    vi.mocked(stacks.delete).mockResolvedValueOnce(undefined);
    const { toasts } = renderWithApp(<StackPage name="shop" />);
    await user.click(await screen.findByRole('button', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete shop?' });
    expect(dialog).toHaveTextContent('2 instances');
    await user.click(within(dialog).getByRole('button', { name: 'Delete stack' }));

    const refused = await within(dialog).findByTestId('delete-refused');
    expect(refused).toHaveTextContent('stack "shop" is running');
    expect(refused).toHaveTextContent('Stop it first, or delete with force.');
    expect(stacks.delete).toHaveBeenLastCalledWith('shop', false);
    // The dialog explains it: no toast on top.
    expect(toasts.getSnapshot()).toHaveLength(0);

    await user.click(within(dialog).getByRole('button', { name: 'Delete and stop' }));
    await waitFor(() => expect(window.location.hash).toBe('#/stacks'));
    expect(stacks.delete).toHaveBeenLastCalledWith('shop', true);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('renames and follows the new name, with errors at the field', async () => {
    const user = userEvent.setup();
    vi.mocked(stacks.rename).mockRejectedValueOnce(
      new AppError({ kind: 'conflict', summary: 'a stack named "blog" already exists', field: 'name' }),
    );
    vi.mocked(stacks.rename).mockResolvedValueOnce(undefined);
    renderWithApp(<StackPage name="shop" />);
    await user.click(await screen.findByRole('button', { name: 'Rename' }));
    const dialog = await screen.findByRole('dialog', { name: 'Rename shop' });
    const input = within(dialog).getByRole('textbox', { name: 'New name' });
    expect(input).toHaveValue('shop');
    await user.clear(input);
    await user.type(input, 'blog{Enter}');
    await waitFor(() => expect(input).toHaveAccessibleDescription(/a stack named "blog" already exists/));
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();

    await user.clear(input);
    await user.type(input, 'store{Enter}');
    await waitFor(() => expect(window.location.hash).toBe('#/stacks/store'));
    expect(stacks.rename).toHaveBeenLastCalledWith('shop', 'store');
  });
});
