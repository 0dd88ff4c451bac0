import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { stacks } from '@/lib/backend';
import { AppError } from '@/lib/errors';
import { renderWithApp } from '@/test/render';
import { RenameStackDialog } from './RenameStackDialog';

vi.mock('@/lib/backend', async () => (await import('@/test/backendMock')).backendMock());

describe('Rename stack dialog', () => {
  it('names the Down button when the stack has containers, the CLI command second', async () => {
    const user = userEvent.setup();
    vi.mocked(stacks.rename).mockRejectedValue(
      new AppError({
        kind: 'conflict',
        field: 'stack',
        summary: 'stack shop has 1 container (devarch-shop-web)',
        detail: 'Containers are named after their stack. Take it down first (devarch down shop; volumes keep your data), rename, then apply: devarch apply shop2',
      }),
    );
    renderWithApp(<RenameStackDialog name="shop" onClose={() => {}} />);
    const dialog = await screen.findByRole('dialog', { name: 'Rename shop' });
    const input = within(dialog).getByRole('textbox', { name: 'New name' });
    await user.clear(input);
    await user.type(input, 'shop2{Enter}');
    const refused = await within(dialog).findByTestId('rename-refused');
    expect(refused).toHaveTextContent('stack shop has 1 container (devarch-shop-web)');
    expect(refused).toHaveTextContent('take shop down with Down in its toolbar');
    expect(refused).toHaveTextContent(/From a terminal: devarch down shop$/);
  });
});
