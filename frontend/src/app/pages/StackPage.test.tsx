import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { plans, secrets, stacks, templates } from '@/lib/backend';
import { AppError } from '@/lib/errors';
import { eventBus, progress } from '@/test/events';
import { sampleRuns, sampleSecrets, sampleStackDetail, sampleStates, sampleTemplates } from '@/test/fixtures';
import { deferred, pending, renderWithApp } from '@/test/render';
import { StackPage } from './StackPage';

vi.mock('@/lib/backend', async () => (await import('@/test/backendMock')).backendMock());

beforeEach(() => {
  vi.mocked(stacks.get).mockResolvedValue(sampleStackDetail);
  vi.mocked(templates.list).mockResolvedValue(sampleTemplates);
  vi.mocked(plans.status).mockResolvedValue([]);
  vi.mocked(plans.history).mockResolvedValue(sampleRuns);
  vi.mocked(secrets.list).mockResolvedValue(sampleSecrets);
});

describe('StackPage', () => {
  it('shows a chosen project root in the header', async () => {
    vi.mocked(stacks.get).mockResolvedValue({ ...sampleStackDetail, root: '/home/me/src/shop-wt', rootChosen: true });
    renderWithApp(<StackPage name="shop" />);
    const root = await screen.findByTestId('stack-root');
    expect(root).toHaveTextContent('Project root /home/me/src/shop-wt');
    expect(root).toHaveAttribute('title', 'Relative bind mounts and build contexts resolve in /home/me/src/shop-wt');
  });

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
    expect(screen.getByText('Partly running')).toBeInTheDocument();
    expect(screen.getByTestId('stack-revision')).toHaveTextContent('5');
    expect(screen.getByTestId('stack-network')).toHaveTextContent('Network devarch-shop-net 10.200.3.0/24');
    for (const name of ['Add instance', 'Rename', 'Delete', 'Export', 'Update from file…', 'Clone']) {
      expect(screen.getByRole('button', { name })).toBeInTheDocument();
    }
    // DevArch's own folder is no news: the header shows a root only when one was chosen.
    expect(screen.queryByTestId('stack-root')).toBeNull();
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
          field: 'ports',
          instance: 'web',
          fix: { kind: 'edit-field', command: "devarch instance set shop web 'ports=[...]'" },
        },
      ],
    });
    renderWithApp(<StackPage name="shop" />);
    const panel = await screen.findByTestId('stack-problems');
    expect(panel).toHaveTextContent('1 problem needs attention');
    expect(panel).toHaveTextContent('host port 8080 is published twice');
    expect(panel).toHaveTextContent('shop/web and blog/web both publish 127.0.0.1:8080');
    // The fix is a link to the instance's ports; the CLI command comes second.
    expect(within(panel).getByRole('link', { name: 'Change the ports of web' })).toHaveAttribute('href', '#/stacks/shop/instances/web?field=ports');
    expect(within(panel).getByTestId('stack-problem-cli')).toHaveTextContent("devarch instance set shop web 'ports=[...]'");
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
    vi.mocked(stacks.delete).mockResolvedValueOnce({ keptVolumes: ['devarch-s1-db-data'], keptFiles: [], keptDir: '', unchecked: '' });
    const { toasts } = renderWithApp(<StackPage name="shop" />);
    await user.click(await screen.findByRole('button', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete shop?' });
    expect(dialog).toHaveTextContent('2 instances');
    await user.click(within(dialog).getByRole('button', { name: 'Delete stack' }));

    const refused = await within(dialog).findByTestId('delete-refused');
    expect(refused).toHaveTextContent('stack "shop" is running');
    // The way out is the button; the CLI equivalent is folded away, and focus is on the
    // refusal, never on the destructive button that replaced "Delete stack".
    expect(refused).toHaveTextContent('Take down and delete removes its containers and network first');
    expect(within(refused).getByTestId('cli-equivalent')).not.toHaveAttribute('open');
    expect(within(refused).getByTestId('cli-equivalent')).toHaveTextContent('devarch stack delete shop --force');
    await waitFor(() => expect(refused).toHaveFocus());
    expect(stacks.delete).toHaveBeenLastCalledWith('shop', false, false);
    // The dialog explains it: no toast on top.
    expect(toasts.getSnapshot()).toHaveLength(0);

    await user.click(within(dialog).getByRole('button', { name: 'Take down and delete' }));
    await waitFor(() => expect(window.location.hash).toBe('#/stacks'));
    expect(stacks.delete).toHaveBeenLastCalledWith('shop', true, false);
    // What was kept is said.
    expect(toasts.getSnapshot()[0]?.message).toContain('devarch-s1-db-data');
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

  it('shows each instance\'s live state from Plans.Status', async () => {
    vi.mocked(plans.status).mockResolvedValue(sampleStates);
    renderWithApp(<StackPage name="shop" />);
    const cache = await screen.findByTestId('instance-row-cache');
    await waitFor(() => expect(within(cache).getByTestId('instance-state')).toHaveTextContent('Exited (1)'));
    expect(within(cache).getByTestId('instance-state')).toHaveClass('badge--error');
    expect(within(cache).getByTestId('instance-state')).toHaveAttribute('title', 'Exited (1) 3 minutes ago');
    const web = within(screen.getByTestId('instance-row-web')).getByTestId('instance-state');
    expect(web).toHaveTextContent('Healthy');
    expect(web).toHaveClass('badge--ok');
    expect(plans.status).toHaveBeenCalledWith('shop');
  });

  it('has Plan first, then start, stop, down and history', async () => {
    renderWithApp(<StackPage name="shop" />);
    const toolbar = await screen.findByRole('group', { name: 'Operations on shop' });
    const plan = within(toolbar).getByRole('link', { name: 'Plan' });
    expect(plan).toHaveAttribute('href', '#/stacks/shop/plan');
    expect(plan).toHaveClass('button--primary');
    expect(within(toolbar).getAllByRole('button').map((button) => button.textContent)).toEqual(['Start', 'Stop', 'Down', 'History']);
  });

  it('stops the stack with live progress and can cancel it', async () => {
    const user = userEvent.setup();
    const run = deferred<void>();
    vi.mocked(plans.operate).mockReturnValue(run.promise);
    vi.mocked(plans.cancel).mockResolvedValue(true);
    const { toasts } = renderWithApp(<StackPage name="shop" />);
    const toolbar = await screen.findByRole('group', { name: 'Operations on shop' });
    await user.click(within(toolbar).getByRole('button', { name: 'Stop' }));
    expect(plans.operate).toHaveBeenCalledWith('shop', 'stop');
    const banner = await screen.findByTestId('operation-progress');
    expect(banner).toHaveTextContent('Stopping shop…');
    expect(within(toolbar).getByRole('button', { name: 'Start' })).toHaveAttribute('aria-disabled', 'true');
    eventBus.emit('progress:shop', [progress('web', 'Stopping')]);
    expect(within(banner).getByRole('status')).toHaveTextContent('web Stopping');

    await user.click(within(banner).getByRole('button', { name: 'Cancel' }));
    expect(plans.cancel).toHaveBeenCalledWith('shop');
    run.reject(new AppError({ kind: 'canceled', summary: 'stop canceled' }));
    await waitFor(() => expect(screen.queryByTestId('operation-progress')).not.toBeInTheDocument());
    // The cancel the user asked for is a note, not an error.
    expect(toasts.getSnapshot()).toEqual([expect.objectContaining({ tone: 'info', title: 'Stopping shop was canceled' })]);
  });

  it('names the holder when the stack is busy', async () => {
    vi.mocked(plans.operate).mockRejectedValue(
      new AppError({ kind: 'locked', summary: 'stack "shop" is locked: apply of plan 17 by alice@host (cli, pid 4242) since 10:42:03' }),
    );
    renderWithApp(<StackPage name="shop" />);
    const toolbar = await screen.findByRole('group', { name: 'Operations on shop' });
    await userEvent.click(within(toolbar).getByRole('button', { name: 'Stop' }));
    // Said where the operation was started, not in a toast.
    const inline = await screen.findByTestId('operation-error');
    expect(within(inline).getByRole('alert')).toHaveTextContent('apply of plan 17 by alice@host');
    expect(within(screen.getByTestId('toasts')).queryByRole('alert')).not.toBeInTheDocument();
  });

  it('asks before down, and says volumes keep the data', async () => {
    const user = userEvent.setup();
    vi.mocked(plans.operate).mockResolvedValue(undefined);
    const { toasts } = renderWithApp(<StackPage name="shop" />);
    const toolbar = await screen.findByRole('group', { name: 'Operations on shop' });
    await user.click(within(toolbar).getByRole('button', { name: 'Down' }));
    let dialog = await screen.findByRole('dialog', { name: 'Down shop?' });
    expect(dialog).toHaveTextContent('removes containers and network; volumes keep your data');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(plans.operate).not.toHaveBeenCalled();

    await user.click(within(toolbar).getByRole('button', { name: 'Down' }));
    dialog = await screen.findByRole('dialog', { name: 'Down shop?' });
    await user.click(within(dialog).getByRole('button', { name: 'Down stack' }));
    expect(plans.operate).toHaveBeenCalledWith('shop', 'down');
    await waitFor(() => expect(toasts.getSnapshot()).toEqual([expect.objectContaining({ tone: 'success', title: 'shop is down' })]));
  });

  it('opens the history from the toolbar: runs with status, plan, duration and stderr', async () => {
    const user = userEvent.setup();
    renderWithApp(<StackPage name="shop" />);
    const toolbar = await screen.findByRole('group', { name: 'Operations on shop' });
    await user.click(within(toolbar).getByRole('button', { name: 'History' }));
    const tab = screen.getByRole('tab', { name: 'History' });
    expect(tab).toHaveAttribute('aria-selected', 'true');
    await waitFor(() => expect(tab).toHaveFocus());
    const table = await screen.findByRole('table', { name: 'Runs of shop' });
    expect(plans.history).toHaveBeenCalledWith('shop');
    const [stop, apply] = within(table).getAllByRole('row').slice(1);
    expect(stop).toHaveTextContent('#3');
    expect(stop).toHaveTextContent('Stop');
    expect(stop).toHaveTextContent('Succeeded');
    expect(stop).toHaveTextContent('11 s');
    expect(stop).toHaveTextContent('alice@laptop (desktop, pid 42)');
    expect(apply).toHaveTextContent('#7');
    expect(apply).toHaveTextContent('Failed');
    expect(apply).toHaveTextContent('4 s');
    // The last stderr line as the excerpt; all of it when expanded.
    const excerpt = within(apply).getByText('Error response from daemon: port is already allocated', { selector: 'code' });
    await user.click(excerpt);
    expect(apply.querySelector('pre')).toHaveTextContent('Container devarch-shop-web Starting');
  });

  it('forgets a revealed secret when its tab is left', async () => {
    const user = userEvent.setup();
    vi.mocked(secrets.reveal).mockResolvedValue('hunter2');
    renderWithApp(<StackPage name="shop" />);
    await user.click(await screen.findByRole('tab', { name: 'Secrets' }));
    const apiKey = await screen.findByTestId('secret-row-api_key');
    await user.click(within(apiKey).getByRole('button', { name: 'Reveal api_key' }));
    expect(await within(apiKey).findByTestId('secret-value')).toHaveTextContent('hunter2');
    await user.click(screen.getByRole('tab', { name: 'Instances' }));
    expect(document.body).not.toHaveTextContent('hunter2');
    await user.click(screen.getByRole('tab', { name: 'Secrets' }));
    expect(within(await screen.findByTestId('secret-row-api_key')).getByTestId('secret-mask')).toBeInTheDocument();
  });
});
