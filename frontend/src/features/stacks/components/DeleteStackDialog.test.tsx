import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { stacks } from '@/lib/backend';
import { AppError } from '@/lib/errors';
import { renderWithApp } from '@/test/render';
import { DeleteStackDialog } from './DeleteStackDialog';

vi.mock('@/lib/backend', async () => (await import('@/test/backendMock')).backendMock());

describe('Delete stack dialog', () => {
  it('offers to delete only the definition when the engine does not answer, the CLI command second', async () => {
    const user = userEvent.setup();
    vi.mocked(stacks.delete)
      .mockRejectedValueOnce(
        new AppError({
          kind: 'engine_unavailable',
          summary: 'cannot tell whether the stack has containers',
          detail: 'the Docker engine is not running. Start the container engine, or delete with --force to delete the definition anyway.',
        }),
      )
      .mockResolvedValueOnce({ keptVolumes: [], keptFiles: [], keptDir: '', unchecked: 'the Docker engine is not running' });
    const onClose = vi.fn();
    renderWithApp(<DeleteStackDialog name="shop" instances={2} onClose={onClose} />);
    const dialog = await screen.findByRole('dialog', { name: 'Delete shop?' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete stack' }));
    const refused = await within(dialog).findByTestId('delete-refused');
    expect(refused).toHaveTextContent('The container engine did not answer');
    // The window's way out is a button; the flag is only in the terminal equivalent.
    expect(refused).not.toHaveTextContent(/delete with --force/);
    expect(within(refused).getByTestId('cli-equivalent')).toHaveTextContent('devarch stack delete shop --force');
    // Focus is on the refusal, never on the destructive button that replaced the first.
    const force = within(dialog).getByRole('button', { name: 'Delete the definition only' });
    expect(force).not.toHaveFocus();
    await user.click(force);
    expect(vi.mocked(stacks.delete)).toHaveBeenLastCalledWith('shop', true, false);
    expect(onClose).toHaveBeenCalled();
    expect(await screen.findByText(/The container engine was not asked \(the Docker engine is not running\)/)).toBeInTheDocument();
  });
});
