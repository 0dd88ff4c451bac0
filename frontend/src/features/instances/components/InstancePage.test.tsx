import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { instances, stacks } from '@/lib/backend';
import { AppError } from '@/lib/errors';
import type { InstanceDetail } from '@/lib/types';
import { findEditor, setEditorText } from '@/test/codemirror';
import { sampleInstance, sampleStackDetail } from '@/test/fixtures';
import { renderWithApp } from '@/test/render';
import { InstancePage } from './InstancePage';

vi.mock('@/lib/backend', async () => (await import('@/test/backendMock')).backendMock());

const withPortsFromTemplate: InstanceDetail = {
  ...sampleInstance,
  overrides: 'environment:\n  APP_ENV: local\n',
  fields: sampleInstance.fields.map((field) =>
    field.path === 'ports' ? { ...field, value: ['8080:80'], origin: 'template' } : field,
  ),
};

beforeEach(() => {
  vi.mocked(instances.get).mockResolvedValue(sampleInstance);
  vi.mocked(stacks.get).mockResolvedValue(sampleStackDetail);
  vi.mocked(stacks.list).mockResolvedValue([]);
});

function renderPage() {
  const user = userEvent.setup();
  return { ...renderWithApp(<InstancePage stack="shop" name="web" />), user };
}

describe('InstancePage: origins', () => {
  it('marks each field with its origin, in the form and in the effective config', async () => {
    renderPage();
    const image = await screen.findByTestId('field-image');
    expect(instances.get).toHaveBeenCalledWith('shop', 'web');
    expect(screen.getByRole('heading', { level: 1, name: 'web' })).toBeInTheDocument();
    expect(screen.getByTestId('instance-override-count')).toHaveTextContent('2 overrides');

    expect(image).toHaveAttribute('data-origin', 'template');
    expect(within(image).getByText('template')).toBeInTheDocument();
    expect(within(image).queryByRole('button', { name: /Reset to template/ })).not.toBeInTheDocument();
    expect(within(image).getByRole('textbox', { name: 'Image' })).toHaveValue('nginx:1.27');

    const ports = screen.getByTestId('field-ports');
    expect(ports).toHaveAttribute('data-origin', 'override');
    expect(within(ports).getByText('override')).toBeInTheDocument();
    expect(within(ports).getByRole('button', { name: 'Reset to template: ports' })).toBeInTheDocument();
    expect(within(ports).getByRole('textbox', { name: 'Port 1' })).toHaveValue('8081:80');

    expect(screen.getByTestId('field-environment.APP_ENV')).toHaveAttribute('data-origin', 'override');
    expect(screen.getByTestId('field-environment.TZ')).toHaveAttribute('data-origin', 'template');
    expect(screen.getByTestId('field-command')).toHaveAttribute('data-origin', 'unset');

    const effective = screen.getByRole('table', { name: 'Effective configuration' });
    const origins = within(effective)
      .getAllByTestId('effective-row')
      .map((row) => [row.getAttribute('data-path'), row.getAttribute('data-origin')]);
    // Map keys are listed one by one; the whole map is not a row of its own.
    expect(origins).toEqual([
      ['environment.APP_ENV', 'override'],
      ['environment.TZ', 'template'],
      ['healthcheck', 'template'],
      ['image', 'template'],
      ['ports', 'override'],
      ['restart', 'default'],
    ]);
    const healthcheck = within(effective).getAllByTestId('effective-row')[2];
    expect(healthcheck).toHaveTextContent('test[CMD, true]');
  });
});

describe('InstancePage: editing fields', () => {
  it('saves a field with SetField and shows the backend problem at that field', async () => {
    vi.mocked(instances.setField).mockRejectedValueOnce(
      new AppError({ kind: 'invalid', summary: 'image must not be empty', detail: 'Write an image reference.', field: 'image' }),
    );
    vi.mocked(instances.setField).mockResolvedValueOnce(sampleInstance);
    const { user, toasts } = renderPage();
    const image = within(await screen.findByTestId('field-image')).getByRole('textbox', { name: 'Image' });
    await user.clear(image);
    await user.click(within(screen.getByTestId('field-image')).getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(image).toHaveAttribute('aria-invalid', 'true'));
    expect(image).toHaveAccessibleDescription(/image must not be empty/);
    expect(within(screen.getByTestId('field-image')).getByTestId('field-error')).toHaveTextContent('Write an image reference.');
    expect(toasts.getSnapshot()).toHaveLength(0);
    expect(instances.setField).toHaveBeenLastCalledWith('shop', 'web', 'image', '');

    await user.type(image, 'nginx:1.28{Enter}');
    await waitFor(() => expect(instances.setField).toHaveBeenLastCalledWith('shop', 'web', 'image', 'nginx:1.28'));
    await waitFor(() => expect(image).not.toHaveAttribute('aria-invalid'));
  });

  it('saves the ports list as a whole, as JSON', async () => {
    vi.mocked(instances.get).mockResolvedValue(withPortsFromTemplate);
    vi.mocked(instances.setField).mockResolvedValue(sampleInstance);
    const { user } = renderPage();
    const ports = await screen.findByTestId('field-ports');
    expect(ports).toHaveAttribute('data-origin', 'template');
    const first = within(ports).getByRole('textbox', { name: 'Port 1' });
    await user.clear(first);
    await user.type(first, '8081:80');
    await user.click(within(ports).getByRole('button', { name: 'Add port' }));
    await user.type(within(ports).getByRole('textbox', { name: 'Port 2' }), '8443:443');
    await user.click(within(ports).getByRole('button', { name: 'Save ports' }));
    await waitFor(() =>
      expect(instances.setField).toHaveBeenCalledWith('shop', 'web', 'ports', '["8081:80","8443:443"]'),
    );
  });

  it('shows a ports problem at the ports editor', async () => {
    vi.mocked(instances.setField).mockRejectedValue(
      new AppError({ kind: 'invalid', summary: 'ports[0]: "80:80:80:80" is not a port mapping', field: 'ports' }),
    );
    const { user, toasts } = renderPage();
    const ports = await screen.findByTestId('field-ports');
    await user.type(within(ports).getByRole('textbox', { name: 'Port 1' }), ':80:80');
    await user.click(within(ports).getByRole('button', { name: 'Save ports' }));
    expect(await within(ports).findByTestId('field-error')).toHaveTextContent('is not a port mapping');
    expect(ports).toHaveAccessibleDescription(/is not a port mapping/);
    expect(toasts.getSnapshot()).toHaveLength(0);
  });

  it('resets an overridden field to the template with UnsetField', async () => {
    vi.mocked(instances.unsetField).mockImplementation(async () => {
      vi.mocked(instances.get).mockResolvedValue(withPortsFromTemplate);
      return withPortsFromTemplate;
    });
    const { user } = renderPage();
    const ports = await screen.findByTestId('field-ports');
    await user.click(within(ports).getByRole('button', { name: 'Reset to template: ports' }));
    expect(instances.unsetField).toHaveBeenCalledWith('shop', 'web', 'ports');
    await waitFor(() => expect(screen.getByTestId('field-ports')).toHaveAttribute('data-origin', 'template'));
    expect(within(screen.getByTestId('field-ports')).getByRole('textbox', { name: 'Port 1' })).toHaveValue('8080:80');
  });

  it('resets one environment variable, and adds one', async () => {
    vi.mocked(instances.unsetField).mockResolvedValue(sampleInstance);
    vi.mocked(instances.setField).mockResolvedValue(sampleInstance);
    const { user } = renderPage();
    const env = await screen.findByTestId('field-environment');
    await user.click(within(env).getByRole('button', { name: 'Reset to template: environment.APP_ENV' }));
    expect(instances.unsetField).toHaveBeenCalledWith('shop', 'web', 'environment.APP_ENV');
    expect(within(env).queryByRole('button', { name: 'Reset to template: environment.TZ' })).not.toBeInTheDocument();

    await user.click(within(env).getByRole('button', { name: 'Add variable' }));
    await user.type(within(env).getByRole('textbox', { name: 'New variable name' }), 'DEBUG');
    await user.type(within(env).getByRole('textbox', { name: 'New variable value' }), 'true{Enter}');
    await waitFor(() => expect(instances.setField).toHaveBeenCalledWith('shop', 'web', 'environment.DEBUG', 'true'));
  });

  it('edits an environment value in place', async () => {
    vi.mocked(instances.setField).mockResolvedValue(sampleInstance);
    const { user } = renderPage();
    const tz = await screen.findByTestId('field-environment.TZ');
    const input = within(tz).getByRole('textbox', { name: 'TZ' });
    await user.clear(input);
    await user.type(input, 'Europe/Paris');
    await user.click(within(tz).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(instances.setField).toHaveBeenCalledWith('shop', 'web', 'environment.TZ', 'Europe/Paris'));
  });
});

describe('InstancePage: overrides YAML', () => {
  it('saves the edited delta with SetOverrides', async () => {
    vi.mocked(instances.setOverrides).mockResolvedValue({ ...sampleInstance, overrides: 'image: nginx:1.28\n' });
    const { user } = renderPage();
    await user.click(await screen.findByRole('tab', { name: 'Overrides (YAML)' }));
    const view = await findEditor('overrides-yaml');
    expect(view.state.doc.toString()).toBe(sampleInstance.overrides);
    const save = screen.getByRole('button', { name: 'Save overrides' });
    expect(save).toHaveAttribute('aria-disabled', 'true');

    setEditorText(view, 'image: nginx:1.28\n');
    expect(screen.getByText('Unsaved changes')).toBeInTheDocument();
    await user.click(save);
    await waitFor(() => expect(instances.setOverrides).toHaveBeenCalledWith('shop', 'web', 'image: nginx:1.28\n'));
    expect(await screen.findByText('Saved')).toBeInTheDocument();
  });

  it('refuses to save a YAML draft the form made stale, naming the field', async () => {
    const dev: InstanceDetail = {
      ...sampleInstance,
      revision: 6,
      overrides: 'environment:\n  APP_ENV: dev\nports:\n  - 8081:80\n',
      fields: sampleInstance.fields.map((field) => (field.path === 'environment.APP_ENV' ? { ...field, value: 'dev' } : field)),
    };
    vi.mocked(instances.setField).mockImplementation(async () => {
      vi.mocked(instances.get).mockResolvedValue(dev);
      return dev;
    });
    const { user } = renderPage();
    await user.click(await screen.findByRole('tab', { name: 'Overrides (YAML)' }));
    const view = await findEditor('overrides-yaml');
    setEditorText(view, `${sampleInstance.overrides}hostname: mine\n`);

    const appEnv = within(screen.getByTestId('field-environment.APP_ENV')).getByRole('textbox');
    await user.clear(appEnv);
    await user.type(appEnv, 'dev{Enter}');
    await waitFor(() => expect(instances.setField).toHaveBeenCalledWith('shop', 'web', 'environment.APP_ENV', 'dev'));

    const stale = await screen.findByTestId('overrides-stale');
    expect(stale).toHaveTextContent('environment.APP_ENV: local → dev');
    await user.click(screen.getByRole('button', { name: 'Save overrides' }));
    expect(instances.setOverrides).not.toHaveBeenCalled();
    expect(view.state.doc.toString()).toContain('hostname: mine');

    await user.click(within(stale).getByRole('button', { name: 'Discard my YAML' }));
    await waitFor(() => expect(view.state.doc.toString()).toBe(dev.overrides));
    expect(screen.queryByTestId('overrides-stale')).not.toBeInTheDocument();
  });

  it('refuses at Save when the delta changed outside the window', async () => {
    const { user } = renderPage();
    await user.click(await screen.findByRole('tab', { name: 'Overrides (YAML)' }));
    const view = await findEditor('overrides-yaml');
    setEditorText(view, 'image: nginx:1.28\n');
    vi.mocked(instances.get).mockResolvedValue({ ...sampleInstance, overrides: '{}\n', fields: sampleInstance.fields.map((f) => (f.origin === 'override' ? { ...f, origin: 'template' } : f)) });
    await user.click(screen.getByRole('button', { name: 'Save overrides' }));
    const stale = await screen.findByTestId('overrides-stale');
    expect(stale).toHaveTextContent('ports: override removed');
    expect(instances.setOverrides).not.toHaveBeenCalled();
  });

  it('shows a YAML error under the editor with its line, column and path', async () => {
    vi.mocked(instances.setOverrides).mockRejectedValue(
      new AppError({
        kind: 'invalid',
        summary: 'ports: expected a list, found the number 8080',
        detail: 'line 2, column 8: Write a YAML list, e.g. ports: ["8080:80"].',
        field: 'ports',
      }),
    );
    const { user, toasts } = renderPage();
    await user.click(await screen.findByRole('tab', { name: 'Overrides (YAML)' }));
    const view = await findEditor('overrides-yaml');
    setEditorText(view, 'image: x\nports: 8080\n');
    await user.click(screen.getByRole('button', { name: 'Save overrides' }));

    const panel = screen.getByRole('tabpanel', { name: 'Overrides (YAML)' });
    const error = await within(panel).findByTestId('field-error');
    expect(error).toHaveTextContent('ports: expected a list, found the number 8080');
    expect(error).toHaveTextContent('at ports');
    expect(within(error).getByRole('button', { name: 'Go to line 2, column 8' })).toBeInTheDocument();
    expect(view.contentDOM).toHaveAttribute('aria-invalid', 'true');
    await waitFor(() => expect(panel.querySelector('.cm-error-line')).not.toBeNull());
    expect(toasts.getSnapshot()).toHaveLength(0);

    await user.click(within(error).getByRole('button', { name: 'Go to line 2, column 8' }));
    expect(view.state.selection.main.head).toBe('image: x\n'.length + 7);
  });

  it('points at the line of the path when the error names only a path', async () => {
    vi.mocked(instances.setOverrides).mockRejectedValue(
      new AppError({ kind: 'invalid', summary: 'must be a list of strings, e.g. ["8080:80"]', field: 'ports' }),
    );
    const { user } = renderPage();
    await user.click(await screen.findByRole('tab', { name: 'Overrides (YAML)' }));
    const view = await findEditor('overrides-yaml');
    setEditorText(view, 'image: x\nports: 8080\n');
    await user.click(screen.getByRole('button', { name: 'Save overrides' }));
    const error = await screen.findByTestId('field-error');
    await user.click(within(error).getByRole('button', { name: 'Go to line 2' }));
    expect(view.state.selection.main.head).toBe('image: x\n'.length);
  });
});

