import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { transfer } from '@/lib/backend';
import { AppError } from '@/lib/errors';
import type { ImportPreview } from '@/lib/types';
import { renderWithApp } from '@/test/render';
import { ImportDialog } from './ImportDialog';
import { importKindOf, stackNameFromPath } from '../kinds';

vi.mock('@/lib/backend', async () => (await import('@/test/backendMock')).backendMock());

function preview(over: Partial<ImportPreview> = {}): ImportPreview {
  return {
    stack: 'shop',
    dryRun: true,
    instances: ['web', 'db'],
    wires: 1,
    templatesCreated: ['my-web'],
    templatesReused: [],
    secretsGenerated: ['db-password'],
    secretsSet: [],
    missingSecrets: ['stripe-key'],
    warnings: ['instances.web.volumes[0]: /srv/data is an absolute host path'],
    report: [],
    root: '/home/me',
    secretValuesUnchecked: false,
    ...over,
  };
}

beforeEach(() => {
  window.location.hash = '#/stacks';
});

describe('Import dialog', () => {
  it('previews a chosen devarch.yml at once, prefills the name, then imports under a new name', async () => {
    vi.mocked(transfer.importFile).mockImplementation(async (_source, name, dryRun) => preview({ stack: name || 'shop', dryRun }));
    const user = userEvent.setup();
    const onClose = vi.fn();
    renderWithApp(<ImportDialog kind="devarch" path="/home/me/devarch.yml" onClose={onClose} />);
    const dialog = await screen.findByRole('dialog', { name: 'Import a devarch.yml' });
    const region = await within(dialog).findByRole('region', { name: 'Import preview' });
    expect(transfer.importFile).toHaveBeenCalledWith({ path: '/home/me/devarch.yml' }, '', true);
    expect(region).toHaveTextContent('Will create stack shop');
    expect(within(region).getByTestId('preview-instances')).toHaveTextContent('webdb');
    expect(within(region).getByTestId('preview-missing')).toHaveTextContent('stripe-key');
    expect(within(region).getByTestId('preview-warnings')).toHaveTextContent('/srv/data');
    // The file's folder becomes the stack's project root.
    expect(within(region).getByTestId('preview-root')).toHaveTextContent('Project root/home/me');
    const name = within(dialog).getByRole('textbox', { name: 'Import as' });
    expect(name).toHaveValue('shop');
    expect(within(dialog).getByTestId('import-submit')).toHaveTextContent('Import');

    // A new name makes the preview stale: the primary button previews again first.
    await user.clear(name);
    await user.type(name, 'shop2');
    expect(within(dialog).getByTestId('import-submit')).toHaveTextContent('Preview');
    await user.click(within(dialog).getByTestId('import-submit'));
    await waitFor(() => expect(within(dialog).getByTestId('import-submit')).toHaveTextContent('Import'));
    expect(transfer.importFile).toHaveBeenLastCalledWith({ path: '/home/me/devarch.yml' }, 'shop2', true);
    await user.click(within(dialog).getByTestId('import-submit'));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(transfer.importFile).toHaveBeenLastCalledWith({ path: '/home/me/devarch.yml' }, 'shop2', false);
    // Secrets need values: the new stack opens on its Secrets tab.
    expect(window.location.hash).toBe('#/stacks/shop2?tab=secrets');
  });

  it('shows a refusal in place, at the name when it is about the name, and imports nothing', async () => {
    vi.mocked(transfer.importFile).mockRejectedValue(
      new AppError({ kind: 'conflict', summary: 'stack shop already exists', detail: 'Import it under another name.', field: 'name' }),
    );
    renderWithApp(<ImportDialog kind="devarch" path="/home/me/devarch.yml" onClose={vi.fn()} />);
    const dialog = await screen.findByRole('dialog', { name: 'Import a devarch.yml' });
    const name = within(dialog).getByRole('textbox', { name: 'Import as' });
    await waitFor(() => expect(name).toHaveAccessibleDescription(/stack shop already exists/));
    expect(within(dialog).queryByRole('region', { name: 'Import preview' })).toBeNull();
    expect(transfer.importFile).not.toHaveBeenCalledWith(expect.anything(), expect.anything(), false);
  });

  it('shows a decode error with its problems', async () => {
    vi.mocked(transfer.importFile).mockRejectedValue(
      new AppError({
        kind: 'invalid',
        summary: 'the file cannot be imported',
        problems: [{ kind: 'invalid', summary: 'unknown field bogus', field: 'bogus' }],
      }),
    );
    renderWithApp(<ImportDialog kind="devarch" path="/tmp/x.yml" onClose={vi.fn()} />);
    const alert = await screen.findByTestId('import-error');
    expect(alert).toHaveTextContent('the file cannot be imported');
    expect(alert).toHaveTextContent('bogus: unknown field bogus');
  });

  it('asks for a path when there is none, and groups the compose report by change', async () => {
    vi.mocked(transfer.importCompose).mockResolvedValue(
      preview({
        stack: 'webapp',
        missingSecrets: [],
        warnings: [],
        report: [
          { path: 'services.web.container_name', change: 'replaced', detail: 'DevArch names containers devarch-STACK-INSTANCE' },
          { path: 'services.web.build.args', change: 'not carried', detail: 'no build args' },
          { path: 'services.web.ports[0]', change: 'changed', detail: 'published port from ${WEB_PORT}' },
        ],
      }),
    );
    const user = userEvent.setup();
    renderWithApp(<ImportDialog kind="compose" onClose={vi.fn()} />);
    const dialog = await screen.findByRole('dialog', { name: 'Import a compose file' });
    expect(within(dialog).getByTestId('import-empty')).toHaveTextContent('Give the file to import');
    const path = within(dialog).getByRole('textbox', { name: 'Compose file' });
    expect(path).toHaveFocus();
    await user.type(path, '/home/me/webapp/compose.yaml');
    expect(within(dialog).getByRole('textbox', { name: 'Stack name' })).toHaveValue('webapp');
    await user.type(within(dialog).getByRole('textbox', { name: 'Profiles' }), 'debug, tools');
    await user.keyboard('{Enter}');
    const report = await within(dialog).findByRole('region', { name: 'Fidelity report' });
    expect(transfer.importCompose).toHaveBeenCalledWith(['/home/me/webapp/compose.yaml'], 'webapp', ['debug', 'tools'], true);
    const groups = within(report).getAllByRole('heading', { level: 4 }).map((h) => h.textContent);
    expect(groups[0]).toMatch(/^Not carried \(1\)/);
    expect(groups[1]).toMatch(/^Replaced \(1\)/);
    expect(groups[2]).toMatch(/^Changed \(1\)/);
    expect(within(report).getByTestId('report-replaced')).toHaveTextContent('services.web.container_name');
  });
});

describe('file kinds', () => {
  it('tells compose files from devarch.yml files', () => {
    expect(importKindOf('/a/compose.yaml')).toBe('compose');
    expect(importKindOf('/a/docker-compose.yml')).toBe('compose');
    expect(importKindOf('C:\\x\\docker-compose.dev.yaml')).toBe('compose');
    expect(importKindOf('/a/devarch.yml')).toBe('devarch');
    expect(importKindOf('/a/shop.yaml')).toBe('devarch');
    expect(importKindOf('/a/notes.txt')).toBeUndefined();
    expect(stackNameFromPath('/home/me/My_App/compose.yaml')).toBe('my-app');
    expect(stackNameFromPath('/2024/compose.yaml')).toBe('');
  });
});

describe('Import a devarch.yml with secret values', () => {
  it('asks for the passphrase, shows a wrong one at its field and writes nothing, then unlocks and imports with it', async () => {
    const wrong = new AppError({
      kind: 'invalid',
      summary: "the passphrase does not decrypt the file's secret values: incorrect passphrase",
      detail: 'Give the passphrase used at export (devarch export --with-secrets). Nothing was imported.',
      field: 'secretValues.key',
    });
    vi.mocked(transfer.importFile).mockImplementation(async (_source, name, dryRun, passphrase) => {
      if (passphrase !== undefined && passphrase !== 'right pass') throw wrong;
      return preview({ stack: name || 'shop', dryRun, missingSecrets: [], secretsSet: ['api_token'], secretValuesUnchecked: passphrase === undefined });
    });
    const user = userEvent.setup();
    renderWithApp(<ImportDialog kind="devarch" path="/home/me/devarch.yml" onClose={vi.fn()} />);
    const dialog = await screen.findByRole('dialog', { name: 'Import a devarch.yml' });
    const step = await within(dialog).findByRole('region', { name: 'Secret values' });
    expect(step).toHaveTextContent('encrypted values for 1 secret');
    expect(step).toHaveTextContent('api_token');
    const pass = within(step).getByLabelText('Passphrase');
    expect(pass).toHaveAttribute('type', 'password');
    expect(pass).toHaveFocus();
    const submit = within(dialog).getByTestId('import-submit');
    expect(submit).toHaveTextContent('Unlock');

    await user.click(submit); // empty: refused here, nothing asked of the backend
    expect(pass).toHaveAccessibleDescription(/Type the passphrase/);
    await user.type(pass, 'not it{Enter}');
    await waitFor(() => expect(pass).toHaveAccessibleDescription(/incorrect passphrase/));
    expect(transfer.importFile).toHaveBeenLastCalledWith({ path: '/home/me/devarch.yml' }, 'shop', true, 'not it');
    expect(transfer.importFile).not.toHaveBeenCalledWith(expect.anything(), expect.anything(), false, expect.anything());
    expect(submit).toHaveTextContent('Unlock');

    await user.clear(pass);
    await user.type(pass, 'right pass{Enter}');
    const unlocked = await within(dialog).findByTestId('import-unlocked');
    expect(unlocked).toHaveTextContent('Import will set api_token from the file.');
    expect(within(dialog).queryByRole('region', { name: 'Secret values' })).toBeNull();
    expect(submit).toHaveTextContent('Import');
    await user.click(submit);
    await waitFor(() => expect(transfer.importFile).toHaveBeenLastCalledWith({ path: '/home/me/devarch.yml' }, 'shop', false, 'right pass'));
    expect(await screen.findByText('Stack shop imported')).toBeInTheDocument();
  });

  it('asks for the passphrase when the import itself says the file needs one (a dropped file)', async () => {
    vi.mocked(transfer.importFile).mockImplementation(async (_source, name, dryRun, passphrase) => {
      if (!dryRun && passphrase === undefined) {
        throw new AppError({ kind: 'invalid', summary: 'the file carries encrypted values for api_token and no passphrase was given', field: 'secretValues' });
      }
      return preview({ stack: name || 'shop', dryRun, secretsSet: ['api_token'], missingSecrets: [] });
    });
    const user = userEvent.setup();
    renderWithApp(<ImportDialog kind="devarch" content="name: shop" fileName="shop.yml" onClose={vi.fn()} />);
    const dialog = await screen.findByRole('dialog', { name: 'Import a devarch.yml' });
    await within(dialog).findByRole('region', { name: 'Import preview' });
    await user.click(within(dialog).getByTestId('import-submit')); // Import, refused
    const step = await within(dialog).findByRole('region', { name: 'Secret values' });
    await user.type(within(step).getByLabelText('Passphrase'), 'pass{Enter}');
    await within(dialog).findByTestId('import-unlocked');
    expect(transfer.importFile).toHaveBeenLastCalledWith({ content: 'name: shop' }, 'shop', true, 'pass');
  });
});
