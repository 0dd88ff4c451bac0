import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { templates } from '@/lib/backend';
import { AppError } from '@/lib/errors';
import { findEditor, setEditorText } from '@/test/codemirror';
import { sampleTemplates } from '@/test/fixtures';
import { renderWithApp } from '@/test/render';
import { TemplatesPage } from './TemplatesPage';

vi.mock('@/lib/backend', async () => (await import('@/test/backendMock')).backendMock());

const NGINX_YAML = 'name: nginx\nversion: 1\ncategory: web\nservice:\n  image: nginx:1.27\n';
const API_YAML = 'name: my-api\ncategory: runtime\nservice:\n  image: ghcr.io/acme/api:2\n';

beforeEach(() => {
  vi.mocked(templates.list).mockResolvedValue(sampleTemplates);
  vi.mocked(templates.get).mockImplementation(async (name) => ({
    ...sampleTemplates.find((t) => t.name === name)!,
    yaml: name === 'nginx' ? NGINX_YAML : API_YAML,
  }));
});

function renderPage() {
  const user = userEvent.setup();
  return { ...renderWithApp(<TemplatesPage />), user };
}

const cardNames = () => screen.queryAllByTestId(/^template-card-/).map((card) => card.getAttribute('data-testid')!.slice('template-card-'.length));

describe('TemplatesPage', () => {
  it('groups the catalog by category, with built-in and custom badges and users', async () => {
    renderPage();
    await screen.findByTestId('template-card-nginx');
    expect(screen.getByText('4 templates: 3 built-in, 1 custom.')).toBeInTheDocument();
    expect(screen.getAllByRole('heading', { level: 2 }).map((h) => h.textContent)).toEqual(['database', 'cache', 'web', 'runtime']);

    const nginx = screen.getByRole('article', { name: 'nginx' });
    expect(nginx).toHaveTextContent('built-in');
    expect(within(nginx).getByRole('link', { name: 'shop/web' })).toHaveAttribute('href', '#/stacks/shop/instances/web');
    expect(within(nginx).getByRole('button', { name: 'View YAML of nginx' })).toBeInTheDocument();
    expect(within(nginx).queryByRole('button', { name: /Edit|Delete/ })).not.toBeInTheDocument();

    const api = screen.getByRole('article', { name: 'my-api' });
    expect(api).toHaveTextContent('custom');
    expect(api).toHaveTextContent('Used by shop/api, blog/api');
    expect(within(api).getByRole('button', { name: 'Edit my-api' })).toBeInTheDocument();
    expect(within(api).getByRole('button', { name: 'Delete my-api' })).toBeInTheDocument();
    expect(screen.getByRole('article', { name: 'postgres' })).toHaveTextContent('Not used by any instance');
  });

  it('filters by search and by category chip', async () => {
    const { user } = renderPage();
    await screen.findByTestId('template-card-nginx');
    const search = screen.getByRole('searchbox', { name: 'Search templates' });
    await user.type(search, 'http');
    expect(cardNames()).toEqual(['nginx', 'my-api']);

    const chips = screen.getByRole('group', { name: 'Category' });
    await user.click(within(chips).getByRole('button', { name: /^runtime/ }));
    expect(cardNames()).toEqual(['my-api']);
    // A second press clears the category.
    await user.click(within(chips).getByRole('button', { name: /^runtime/ }));
    expect(cardNames()).toEqual(['nginx', 'my-api']);

    await user.type(search, ' nothing-like-this');
    expect(screen.getByTestId('templates-empty')).toHaveTextContent('No templates match');
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(cardNames()).toHaveLength(4);
  });

  it('shows a built-in template read-only, with a way to clone it', async () => {
    const { user } = renderPage();
    await user.click(await screen.findByRole('button', { name: 'View YAML of nginx' }));
    const dialog = await screen.findByRole('dialog', { name: 'nginx' });
    const view = await findEditor('template-yaml');
    expect(view.state.doc.toString()).toBe(NGINX_YAML);
    expect(view.state.readOnly).toBe(true);
    expect(within(dialog).queryByRole('button', { name: /Save/ })).not.toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Clone…' }));
    expect(await screen.findByRole('dialog', { name: 'Clone nginx' })).toBeInTheDocument();
  });

  it('clones under a new name, then opens the copy for editing', async () => {
    vi.mocked(templates.clone).mockRejectedValueOnce(
      new AppError({ kind: 'conflict', summary: 'a template named "my-api" already exists' }),
    );
    vi.mocked(templates.clone).mockResolvedValueOnce({ ...sampleTemplates[3], name: 'nginx-custom', yaml: API_YAML });
    const { user, toasts } = renderPage();
    await user.click(await screen.findByRole('button', { name: 'Clone nginx' }));
    const dialog = await screen.findByRole('dialog', { name: 'Clone nginx' });
    const input = within(dialog).getByRole('textbox', { name: 'New template name' });
    expect(input).toHaveValue('nginx-custom');
    await user.clear(input);
    await user.type(input, 'my-api{Enter}');
    await waitFor(() => expect(input).toHaveAccessibleDescription(/already exists/));
    expect(toasts.getSnapshot()).toHaveLength(0);

    await user.clear(input);
    await user.type(input, 'nginx-custom{Enter}');
    expect(await screen.findByRole('dialog', { name: 'Edit nginx-custom' })).toBeInTheDocument();
    expect(templates.clone).toHaveBeenLastCalledWith('nginx', 'nginx-custom');
  });

  it('edits a custom template and saves it with replace', async () => {
    vi.mocked(templates.save).mockResolvedValue(sampleTemplates[3]);
    const { user } = renderPage();
    await user.click(await screen.findByRole('button', { name: 'Edit my-api' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit my-api' });
    const view = await findEditor('template-yaml');
    expect(view.state.doc.toString()).toBe(API_YAML);
    setEditorText(view, API_YAML.replace(':2', ':3'));
    await user.click(within(dialog).getByRole('button', { name: 'Save template' }));
    await waitFor(() => expect(templates.save).toHaveBeenCalledWith(API_YAML.replace(':2', ':3'), true));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('starts a new template from a commented skeleton and shows errors with line and column', async () => {
    vi.mocked(templates.save).mockRejectedValueOnce(
      new AppError({
        kind: 'invalid',
        summary: 'service.ports: expected a list, found the number 8080',
        detail: 'line 5, column 10: Write a YAML list, e.g. ports: ["8080:80"], or [] for none.',
        field: 'service.ports',
      }),
    );
    vi.mocked(templates.save).mockResolvedValueOnce({ ...sampleTemplates[3], name: 'my-service' });
    const { user, toasts } = renderPage();
    await user.click(await screen.findByRole('button', { name: 'New template' }));
    const dialog = await screen.findByRole('dialog', { name: 'New template' });
    const view = await findEditor('template-yaml');
    const skeleton = view.state.doc.toString();
    expect(skeleton).toMatch(/^# A custom service template/);
    expect(skeleton).toMatch(/\nname: my-service\n/);
    expect(skeleton).toMatch(/\nservice:\n {2}image: /);

    await user.click(within(dialog).getByRole('button', { name: 'Create template' }));
    const error = await within(dialog).findByTestId('field-error');
    expect(templates.save).toHaveBeenCalledWith(skeleton, false);
    expect(error).toHaveTextContent('service.ports: expected a list, found the number 8080');
    expect(error).toHaveTextContent('at service.ports');
    expect(within(error).getByRole('button', { name: 'Go to line 5, column 10' })).toBeInTheDocument();
    expect(toasts.getSnapshot()).toHaveLength(0);

    await user.click(within(dialog).getByRole('button', { name: 'Create template' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(await screen.findByRole('status', { name: 'Template my-service created' })).toBeInTheDocument();
  });

  it('shows why a template cannot be deleted while instances use it', async () => {
    vi.mocked(templates.delete).mockRejectedValue(
      new AppError({
        kind: 'conflict',
        summary: 'template "my-api" is used by shop/api, blog/api',
        detail: 'Remove those instances first.',
      }),
    );
    const { user, toasts } = renderPage();
    await user.click(await screen.findByRole('button', { name: 'Delete my-api' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete template my-api?' });
    expect(dialog).toHaveTextContent('It is used by 2 instances: shop/api, blog/api.');
    await user.click(within(dialog).getByRole('button', { name: 'Delete template' }));
    const refused = await within(dialog).findByTestId('delete-template-refused');
    expect(refused).toHaveTextContent('template "my-api" is used by shop/api, blog/api');
    expect(refused).toHaveTextContent('Remove those instances first.');
    expect(templates.delete).toHaveBeenCalledWith('my-api');
    // Trying again cannot help: the button goes, Cancel reads Close, and focus is on the refusal.
    expect(within(dialog).queryByRole('button', { name: 'Delete template' })).not.toBeInTheDocument();
    expect(within(dialog).queryByRole('button', { name: 'Cancel' })).not.toBeInTheDocument();
    expect(within(dialog).getAllByRole('button', { name: 'Close' })).toHaveLength(2); // the footer's and the corner's
    await waitFor(() => expect(refused).toHaveFocus());
    expect(toasts.getSnapshot()).toHaveLength(0);
  });

  it('deletes an unused custom template', async () => {
    vi.mocked(templates.list).mockResolvedValue([{ ...sampleTemplates[3], usedBy: [] }]);
    vi.mocked(templates.delete).mockResolvedValue(undefined);
    const { user } = renderPage();
    await user.click(await screen.findByRole('button', { name: 'Delete my-api' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete template my-api?' });
    expect(dialog).toHaveTextContent('No instance uses it.');
    await user.click(within(dialog).getByRole('button', { name: 'Delete template' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(templates.list).toHaveBeenCalledTimes(2);
  });
});
