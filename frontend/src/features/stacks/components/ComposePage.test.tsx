import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { stacks } from '@/lib/backend';
import { AppError } from '@/lib/errors';
import { findEditor } from '@/test/codemirror';
import { pending, renderWithApp } from '@/test/render';
import { ComposePage } from './ComposePage';

vi.mock('@/lib/backend', async () => (await import('@/test/backendMock')).backendMock());

const YAML = 'name: devarch-shop\nservices:\n  web:\n    ports:\n      - 127.0.0.1:8081:80\n';

beforeEach(() => {
  vi.mocked(stacks.compose).mockResolvedValue({
    stack: 'shop',
    yaml: YAML,
    path: '/home/me/.local/share/devarch/stacks/shop/compose.yaml',
    written: true,
    clashes: [],
  });
});

describe('ComposePage', () => {
  it('says it is generating first', () => {
    vi.mocked(stacks.compose).mockReturnValue(pending());
    renderWithApp(<ComposePage stack="shop" />);
    expect(screen.getByRole('status')).toHaveTextContent('Generating the compose file');
  });

  it('shows the generated file read-only, with its path and copy buttons', async () => {
    renderWithApp(<ComposePage stack="shop" />);
    const view = await findEditor('compose-yaml');
    expect(view.state.doc.toString()).toBe(YAML);
    expect(view.state.readOnly).toBe(true);
    expect(view.contentDOM).toHaveAccessibleName('Compose file of shop');
    expect(screen.getByTestId('compose-path')).toHaveTextContent('/home/me/.local/share/devarch/stacks/shop/compose.yaml');
    expect(screen.getByText('Written just now')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Copy YAML' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Copy path' })).toBeInTheDocument();
    expect(screen.queryByTestId('compose-clashes')).not.toBeInTheDocument();
  });

  it('copies the YAML to the clipboard', async () => {
    // user-event puts a clipboard stub in place of the browser's.
    const user = userEvent.setup();
    renderWithApp(<ComposePage stack="shop" />);
    await findEditor('compose-yaml');
    await user.click(screen.getByRole('button', { name: 'Copy YAML' }));
    await expect(navigator.clipboard.readText()).resolves.toBe(YAML);
    expect(await screen.findByRole('button', { name: 'Copied' })).toBeInTheDocument();
  });

  it('lists port clashes', async () => {
    vi.mocked(stacks.compose).mockResolvedValue({
      stack: 'shop',
      yaml: YAML,
      path: '/x/compose.yaml',
      written: false,
      clashes: [{ kind: 'conflict', summary: 'host port 8081 is used by shop/web and blog/adminer' }],
    });
    renderWithApp(<ComposePage stack="shop" />);
    const clashes = await screen.findByTestId('compose-clashes');
    expect(clashes).toHaveTextContent('1 port clash');
    expect(clashes).toHaveTextContent('host port 8081 is used by shop/web and blog/adminer');
    expect(screen.getByText('Preview: apply writes this file')).toBeInTheDocument();
  });

  it('shows a generation failure with a retry', async () => {
    vi.mocked(stacks.compose).mockRejectedValueOnce(new AppError({ kind: 'invalid', summary: 'instance web does not resolve' }));
    const user = userEvent.setup();
    const { toasts } = renderWithApp(<ComposePage stack="shop" />);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent("Couldn't generate the compose file");
    expect(alert).toHaveTextContent('instance web does not resolve');
    expect(toasts.getSnapshot()).toHaveLength(0);
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(stacks.compose).toHaveBeenCalledTimes(2));
    await findEditor('compose-yaml');
  });
});
