import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { secrets } from '@/lib/backend';
import { AppError } from '@/lib/errors';
import { sampleSecrets } from '@/test/fixtures';
import { renderWithApp } from '@/test/render';
import { SecretsPanel } from './SecretsPanel';

vi.mock('@/lib/backend', async () => (await import('@/test/backendMock')).backendMock());

const VALUE = 'hunter2-very-secret';

beforeEach(() => {
  vi.mocked(secrets.list).mockResolvedValue(sampleSecrets);
  vi.mocked(secrets.reveal).mockResolvedValue(VALUE);
  vi.mocked(secrets.set).mockResolvedValue(undefined);
  vi.mocked(secrets.generate).mockResolvedValue(undefined);
  vi.mocked(secrets.delete).mockResolvedValue(undefined);
});

const row = (name: string) => screen.getByTestId(`secret-row-${name}`);

/** Everything TanStack Query holds: query data and mutation variables and results. */
function cached(queryClient: import('@tanstack/react-query').QueryClient): string {
  return JSON.stringify([
    queryClient.getQueryCache().getAll().map((query) => query.state.data),
    queryClient.getMutationCache().getAll().map((mutation) => [mutation.state.variables, mutation.state.data]),
  ]);
}

describe('SecretsPanel', () => {
  it('lists secrets masked, with users, last change, missing ones and how to reference them', async () => {
    renderWithApp(<SecretsPanel stack="shop" />);
    const table = await screen.findByRole('table', { name: 'Secrets of shop' });
    expect(secrets.list).toHaveBeenCalledWith('shop');
    expect(within(table).getAllByRole('row')).toHaveLength(3);

    const apiKey = row('api_key');
    expect(within(apiKey).getByTestId('secret-mask')).toHaveTextContent('••••');
    expect(apiKey).toHaveTextContent('${secret:api_key}');
    expect(within(apiKey).getByRole('link', { name: 'web' })).toHaveAttribute('href', '#/stacks/shop/instances/web');
    expect(apiKey).toHaveTextContent('environment.API_KEY');
    expect(apiKey).toHaveTextContent('3 minutes ago');
    expect(within(apiKey).queryByTestId('secret-missing')).not.toBeInTheDocument();

    const missing = row('db_password');
    expect(within(missing).getByTestId('secret-missing')).toHaveTextContent('Missing');
    expect(missing).toHaveTextContent('Not set');
    expect(within(missing).queryByRole('button', { name: /Reveal/ })).not.toBeInTheDocument();
    expect(within(missing).getAllByRole('link').map((link) => link.textContent)).toEqual(['db', 'web']);
    expect(screen.getByTestId('secrets-missing')).toHaveTextContent('1 secret is referenced but not set');

    expect(screen.getByTestId('secrets-panel')).toHaveTextContent('Use one in an instance field as ${secret:NAME}');
    expect(screen.getByRole('button', { name: 'Copy reference syntax' })).toBeInTheDocument();
  });

  it('copies a reference to a secret', async () => {
    const user = userEvent.setup();
    renderWithApp(<SecretsPanel stack="shop" />);
    await screen.findByTestId('secret-row-api_key');
    await user.click(within(row('api_key')).getByRole('button', { name: 'Copy reference to api_key' }));
    await expect(navigator.clipboard.readText()).resolves.toBe('${secret:api_key}');
  });

  it('reveals a value on request, hides it again, and keeps it out of every cache', async () => {
    const user = userEvent.setup();
    const { queryClient, unmount } = renderWithApp(<SecretsPanel stack="shop" />);
    await screen.findByTestId('secret-row-api_key');
    expect(secrets.reveal).not.toHaveBeenCalled();

    await user.click(within(row('api_key')).getByRole('button', { name: 'Reveal api_key' }));
    expect(await within(row('api_key')).findByTestId('secret-value')).toHaveTextContent(VALUE);
    expect(secrets.reveal).toHaveBeenCalledWith('shop', 'api_key');
    expect(cached(queryClient)).not.toContain(VALUE);

    await user.click(within(row('api_key')).getByRole('button', { name: 'Hide api_key' }));
    expect(within(row('api_key')).getByTestId('secret-mask')).toBeInTheDocument();
    expect(document.body).not.toHaveTextContent(VALUE);

    // Revealed again, then the panel goes away (a tab switch, leaving the page): gone with it.
    await user.click(within(row('api_key')).getByRole('button', { name: 'Reveal api_key' }));
    await within(row('api_key')).findByTestId('secret-value');
    expect(secrets.reveal).toHaveBeenCalledTimes(2);
    unmount();
    expect(document.body).not.toHaveTextContent(VALUE);
    expect(cached(queryClient)).not.toContain(VALUE);
  });

  it('sets a missing secret from its row', async () => {
    const user = userEvent.setup();
    const { queryClient } = renderWithApp(<SecretsPanel stack="shop" />);
    await screen.findByTestId('secret-row-db_password');
    await user.click(within(row('db_password')).getByRole('button', { name: 'Set db_password' }));
    const dialog = await screen.findByRole('dialog', { name: 'Set db_password' });
    expect(dialog).toHaveTextContent('Instances reference it, so plans fail until it has a value.');
    const value = within(dialog).getByLabelText('Value');
    expect(value).toHaveAttribute('type', 'password');
    expect(value).toHaveFocus();

    // An empty value is not sent.
    await user.click(within(dialog).getByRole('button', { name: 'Save secret' }));
    expect(value).toHaveAccessibleDescription(/Type a value, or generate a strong one/);
    expect(secrets.set).not.toHaveBeenCalled();

    await user.type(value, 's3cret{Enter}');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(secrets.set).toHaveBeenCalledWith('shop', 'db_password', 's3cret');
    expect(secrets.generate).not.toHaveBeenCalled();
    expect(await screen.findByText('Secret db_password saved')).toBeInTheDocument();
    await waitFor(() => expect(secrets.list).toHaveBeenCalledTimes(2));
    expect(cached(queryClient)).not.toContain('s3cret');
  });

  it('adds a secret with a generated value instead of a typed one, hinting the name rule', async () => {
    const user = userEvent.setup();
    renderWithApp(<SecretsPanel stack="shop" />);
    await screen.findByTestId('secret-row-api_key');
    await user.click(screen.getByRole('button', { name: 'Add secret' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add a secret to shop' });
    const name = within(dialog).getByRole('textbox', { name: 'Name' });
    expect(name).toHaveFocus();
    expect(name).toHaveAccessibleDescription(/Lower-case letters, digits and underscores/);
    await user.type(name, 'Session-Key');
    expect(name).toHaveAccessibleDescription(/Use lower-case letters only/);
    await user.clear(name);
    await user.type(name, 'api_key');
    expect(name).toHaveAccessibleDescription('A secret named api_key exists: saving replaces its value.');
    await user.clear(name);
    await user.type(name, 'session_key');
    expect(name).toHaveAccessibleDescription('Referenced as ${secret:session_key}.');

    await user.click(within(dialog).getByRole('button', { name: 'Generate strong value' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(secrets.generate).toHaveBeenCalledWith('shop', 'session_key');
    expect(secrets.set).not.toHaveBeenCalled();
    expect(await screen.findByText('Generated a strong value for session_key')).toBeInTheDocument();
  });

  it('shows the backend\'s verdict on a name at the field', async () => {
    const user = userEvent.setup();
    vi.mocked(secrets.generate).mockRejectedValue(
      new AppError({ kind: 'invalid', summary: '"9lives" is not a valid secret name', field: 'name' }),
    );
    const { toasts } = renderWithApp(<SecretsPanel stack="shop" />);
    await screen.findByTestId('secret-row-api_key');
    await user.click(screen.getByRole('button', { name: 'Add secret' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add a secret to shop' });
    const name = within(dialog).getByRole('textbox', { name: 'Name' });
    await user.type(name, '9lives');
    await user.click(within(dialog).getByRole('button', { name: 'Generate strong value' }));
    await waitFor(() => expect(name).toHaveAccessibleDescription(/"9lives" is not a valid secret name/));
    expect(name).toHaveAttribute('aria-invalid', 'true');
    expect(toasts.getSnapshot()).toHaveLength(0);
  });

  it('deletes an unused secret, and explains a refusal in the dialog naming the users', async () => {
    const user = userEvent.setup();
    vi.mocked(secrets.delete).mockRejectedValueOnce(
      new AppError({
        kind: 'conflict',
        summary: 'secret "api_key" is used by web environment.API_KEY',
        detail: 'Remove those references first, then delete the secret.',
      }),
    );
    const { toasts } = renderWithApp(<SecretsPanel stack="shop" />);
    await screen.findByTestId('secret-row-api_key');
    await user.click(within(row('api_key')).getByRole('button', { name: 'Delete secret api_key' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete secret api_key?' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete secret' }));
    const refused = await within(dialog).findByTestId('delete-secret-refused');
    expect(refused).toHaveTextContent('secret "api_key" is used by web environment.API_KEY');
    // The way out is a link to each field that references it; the CLI command second.
    expect(within(refused).getByRole('link', { name: 'Change environment.API_KEY of web' })).toHaveAttribute(
      'href',
      '#/stacks/shop/instances/web?field=environment.API_KEY',
    );
    expect(refused).toHaveTextContent('devarch instance set shop web --unset environment.API_KEY');
    expect(secrets.delete).toHaveBeenCalledWith('shop', 'api_key');
    expect(toasts.getSnapshot()).toHaveLength(0);
    expect(within(dialog).queryByRole('button', { name: 'Delete secret' })).not.toBeInTheDocument();
    await user.click(within(dialog).getAllByRole('button', { name: 'Close' })[0]);

    await user.click(within(row('api_key')).getByRole('button', { name: 'Delete secret api_key' }));
    const again = await screen.findByRole('dialog', { name: 'Delete secret api_key?' });
    await user.click(within(again).getByRole('button', { name: 'Delete secret' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(await screen.findByText('Secret api_key deleted')).toBeInTheDocument();
  });

  it('offers to add the first secret', async () => {
    vi.mocked(secrets.list).mockResolvedValue([]);
    renderWithApp(<SecretsPanel stack="shop" />);
    const empty = await screen.findByTestId('secrets-empty');
    await userEvent.click(within(empty).getByRole('button', { name: 'Add secret' }));
    expect(await screen.findByRole('dialog', { name: 'Add a secret to shop' })).toBeInTheDocument();
  });
});
