import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { plans, secrets, stacks, templates } from '@/lib/backend';
import { AppError } from '@/lib/errors';
import type { StackDetail } from '@/lib/types';
import { sampleRuns, sampleSecrets, sampleStackDetail, sampleTemplates } from '@/test/fixtures';
import { deferred, renderWithApp } from '@/test/render';
import { StackPage } from './StackPage';

vi.mock('@/lib/backend', async () => (await import('@/test/backendMock')).backendMock());

const remote: StackDetail = {
  ...sampleStackDetail,
  engine: 'build-box',
  engineEndpoint: 'ssh://me@build-box',
  engineHealthy: true,
  publishAddress: '192.168.1.40',
};

beforeEach(() => {
  vi.mocked(stacks.get).mockResolvedValue(sampleStackDetail);
  vi.mocked(templates.list).mockResolvedValue(sampleTemplates);
  vi.mocked(plans.status).mockResolvedValue([]);
  vi.mocked(plans.history).mockResolvedValue(sampleRuns);
  vi.mocked(secrets.list).mockResolvedValue(sampleSecrets);
});

afterEach(() => {
  delete (window as Window & { runtime?: unknown }).runtime;
});

describe('StackPage: the engine in the header', () => {
  it('keeps the default engine quiet: its name, no endpoint, no badge, the endpoint in the tooltip', async () => {
    renderWithApp(<StackPage name="shop" />);
    const engine = await screen.findByTestId('stack-engine');
    expect(engine).toHaveTextContent(/^Engine default/);
    expect(engine).toHaveAttribute('title', expect.stringContaining('at unix:///var/run/docker.sock'));
    expect(engine).toHaveAttribute('title', expect.stringContaining('publishes host ports on 127.0.0.1'));
    expect(within(engine).queryByTestId('engine-health')).toBeNull();
    expect(within(engine).queryByTestId('engine-endpoint')).toBeNull();
    expect(screen.queryByTestId('engine-move')).toBeNull();
  });

  it('shows another engine with its endpoint and health in words', async () => {
    vi.mocked(stacks.get).mockResolvedValue(remote);
    renderWithApp(<StackPage name="shop" />);
    const engine = await screen.findByTestId('stack-engine');
    expect(engine).toHaveTextContent('Engine build-box');
    expect(within(engine).getByTestId('engine-endpoint')).toHaveTextContent('ssh://me@build-box');
    const health = within(engine).getByTestId('engine-health');
    expect(health).toHaveTextContent('reachable');
    expect(health).toHaveClass('badge--ok');
    expect(engine).toHaveAttribute('title', expect.stringContaining('publishes host ports on 192.168.1.40'));
  });

  it('says why an engine is unreachable, the default one too', async () => {
    vi.mocked(stacks.get).mockResolvedValue({ ...remote, engineHealthy: false, engineError: 'ssh: connect to host build-box port 22: Connection refused' });
    const { unmount } = renderWithApp(<StackPage name="shop" />);
    const health = await screen.findByTestId('engine-health');
    expect(health).toHaveTextContent('unreachable: ssh: connect to host build-box port 22: Connection refused');
    expect(health).toHaveAttribute('title', 'unreachable: ssh: connect to host build-box port 22: Connection refused');
    expect(health).toHaveClass('badge--error');
    unmount();

    vi.mocked(stacks.get).mockResolvedValue({ ...sampleStackDetail, engineHealthy: false, engineError: 'Docker is not answering' });
    renderWithApp(<StackPage name="shop" />);
    expect(await screen.findByTestId('engine-health')).toHaveTextContent('unreachable: Docker is not answering');
  });

  it('says a move is pending and links to the plan that makes it', async () => {
    vi.mocked(stacks.get).mockResolvedValue({ ...remote, movingFrom: 'default' });
    renderWithApp(<StackPage name="shop" />);
    const notice = await screen.findByTestId('engine-move');
    expect(notice).toHaveTextContent('Its containers are still on default: apply to move them');
    expect(notice).toHaveTextContent('removes them and the network from default and creates them on build-box');
    expect(notice).toHaveTextContent('Named volumes stay on default');
    expect(within(notice).getByRole('link', { name: 'Review the move' })).toHaveAttribute('href', '#/stacks/shop/plan');
  });
});

describe('StackPage: changing the engine', () => {
  it('opens a labelled dialog, saves the context and closes', async () => {
    const user = userEvent.setup();
    const call = deferred();
    vi.mocked(stacks.setContext).mockReturnValue(call.promise);
    renderWithApp(<StackPage name="shop" />);
    await user.click(await screen.findByRole('button', { name: 'Change the engine of shop' }));
    const dialog = await screen.findByRole('dialog', { name: 'Engine of shop' });
    const input = within(dialog).getByRole('combobox', { name: 'Docker context' });
    expect(input).toHaveValue('default');
    expect(input).toHaveFocus();
    expect(dialog).toHaveTextContent('default for the default engine');
    expect(dialog).toHaveTextContent('named volumes stay behind');
    await user.clear(input);
    await user.type(input, 'build-box{Enter}');
    expect(stacks.setContext).toHaveBeenCalledWith('shop', 'build-box');
    // While it saves: the button says so and Escape does not close.
    expect(within(dialog).getByRole('button', { name: 'Saving…' })).toHaveAttribute('aria-disabled', 'true');
    await user.keyboard('{Escape}');
    expect(screen.getByRole('dialog', { name: 'Engine of shop' })).toBeInTheDocument();
    vi.mocked(stacks.get).mockResolvedValue({ ...remote, movingFrom: 'default' });
    call.resolve();
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Engine of shop' })).toBeNull());
    // The page reads the stack again: the move shows.
    expect(await screen.findByTestId('engine-move')).toBeInTheDocument();
    expect(await screen.findByText('shop now belongs on engine build-box')).toBeInTheDocument();
  });

  it('suggests the docker contexts of this machine in the field', async () => {
    const user = userEvent.setup();
    vi.mocked(stacks.contexts).mockResolvedValue([
      { name: 'default', endpoint: 'unix:///var/run/docker.sock', tls: false },
      { name: 'build-box', endpoint: 'ssh://me@build-box', tls: false },
    ]);
    renderWithApp(<StackPage name="shop" />);
    await user.click(await screen.findByRole('button', { name: 'Change the engine of shop' }));
    const dialog = await screen.findByRole('dialog', { name: 'Engine of shop' });
    const input = within(dialog).getByRole('combobox', { name: 'Docker context' });
    const list = within(dialog).getByTestId('engine-contexts');
    expect(input).toHaveAttribute('list', list.id);
    await waitFor(() => expect(list.querySelectorAll('option')).toHaveLength(2));
    const options = [...list.querySelectorAll('option')].map((o) => [o.value, o.textContent]);
    expect(options).toEqual([
      ['default', 'unix:///var/run/docker.sock'],
      ['build-box', 'ssh://me@build-box'],
    ]);
  });

  it('shows an unknown context at the field, without a toast, and clears it on edit', async () => {
    const user = userEvent.setup();
    vi.mocked(stacks.setContext).mockRejectedValue(
      new AppError({
        kind: 'not_found',
        summary: 'docker context "nope" does not exist',
        detail: 'the docker CLI\'s context store (/home/me/.docker/contexts) has no context "nope". List the contexts with `docker context ls`.',
      }),
    );
    renderWithApp(<StackPage name="shop" />);
    await user.click(await screen.findByRole('button', { name: 'Change the engine of shop' }));
    const dialog = await screen.findByRole('dialog', { name: 'Engine of shop' });
    const input = within(dialog).getByRole('combobox', { name: 'Docker context' });
    await user.clear(input);
    await user.type(input, 'nope{Enter}');
    const error = await within(dialog).findByTestId('field-error');
    expect(error).toHaveTextContent('docker context "nope" does not exist');
    expect(error).toHaveTextContent('docker context ls');
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(input).toHaveAccessibleDescription(expect.stringContaining('docker context "nope" does not exist'));
    expect(screen.queryByRole('alert', { name: /Could not change the engine/ })).toBeNull();
    expect(document.querySelector('.toast')).toBeNull();
    await user.type(input, 'x');
    expect(within(dialog).queryByTestId('field-error')).toBeNull();
  });

  it('shows a refusal that is not about the context below the field', async () => {
    const user = userEvent.setup();
    vi.mocked(stacks.setContext).mockRejectedValue(new AppError({ kind: 'locked', summary: 'shop is busy: an apply is running', detail: 'Wait for it, then try again.' }));
    vi.mocked(stacks.get).mockResolvedValue(remote);
    renderWithApp(<StackPage name="shop" />);
    await user.click(await screen.findByRole('button', { name: 'Change the engine of shop' }));
    const dialog = await screen.findByRole('dialog', { name: 'Engine of shop' });
    const input = within(dialog).getByRole('combobox', { name: 'Docker context' });
    expect(input).toHaveValue('build-box');
    await user.clear(input);
    await user.type(input, 'default{Enter}');
    expect(stacks.setContext).toHaveBeenCalledWith('shop', 'default');
    expect(await within(dialog).findByTestId('engine-refused')).toHaveTextContent('shop is busy: an apply is running');
  });

  it('closes without a call when the engine is unchanged, and on Cancel', async () => {
    const user = userEvent.setup();
    renderWithApp(<StackPage name="shop" />);
    await user.click(await screen.findByRole('button', { name: 'Change the engine of shop' }));
    await user.click(within(await screen.findByRole('dialog', { name: 'Engine of shop' })).getByRole('button', { name: 'Save engine' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await user.click(screen.getByRole('button', { name: 'Change the engine of shop' }));
    await user.click(within(await screen.findByRole('dialog', { name: 'Engine of shop' })).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(stacks.setContext).not.toHaveBeenCalled();
  });
});

describe('StackPage: port URLs', () => {
  it('links each instance to its URLs, opened in the browser by the Wails runtime', async () => {
    const user = userEvent.setup();
    const opened: string[] = [];
    (window as Window & { runtime?: unknown }).runtime = { BrowserOpenURL: (url: string) => opened.push(url) };
    renderWithApp(<StackPage name="shop" />);
    const row = await screen.findByTestId('instance-row-web');
    const link = within(row).getByRole('link', { name: 'Open web at http://127.0.0.1:8081 in the browser' });
    expect(link).toHaveAttribute('href', 'http://127.0.0.1:8081');
    expect(link).toHaveAttribute('target', '_blank');
    expect(link).toHaveTextContent('127.0.0.1:8081');
    await user.click(link);
    expect(opened).toEqual(['http://127.0.0.1:8081']);
    expect(within(screen.getByTestId('instance-row-cache')).queryByTestId('instance-urls')).toBeNull();
  });
});
