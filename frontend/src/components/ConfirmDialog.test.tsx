import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { AppError } from '@/lib/errors';
import { deferred } from '@/test/render';
import { ConfirmDialog, type ConfirmDialogProps } from './ConfirmDialog';

function renderConfirm(props: Partial<ConfirmDialogProps> = {}) {
  const onClose = vi.fn();
  const onConfirm = props.onConfirm ?? vi.fn(async () => undefined);
  render(
    <ConfirmDialog title="Delete shop?" confirmLabel="Delete stack" busyLabel="Deleting…" onConfirm={onConfirm} onClose={onClose} refusedTestId="refused" {...props}>
      <p>The stack is deleted.</p>
    </ConfirmDialog>,
  );
  return { user: userEvent.setup(), onClose, onConfirm, dialog: screen.getByRole('dialog', { name: 'Delete shop?' }) };
}

describe('ConfirmDialog', () => {
  it('starts on Cancel, so Enter never destroys by accident', () => {
    renderConfirm();
    expect(screen.getByRole('button', { name: 'Cancel' })).toHaveFocus();
    expect(screen.getByRole('button', { name: 'Delete stack' })).toHaveClass('button--danger');
  });

  it('shows a refusal inline, moves focus to it and stays open', async () => {
    const { user, onClose } = renderConfirm({
      onConfirm: () => Promise.reject(new AppError({ kind: 'conflict', summary: 'stack "shop" is running', detail: 'Take it down first.' })),
    });
    await user.click(screen.getByRole('button', { name: 'Delete stack' }));
    const refused = await screen.findByTestId('refused');
    expect(refused).toHaveAttribute('role', 'alert');
    expect(refused).toHaveTextContent('stack "shop" is running');
    expect(refused).toHaveTextContent('Take it down first.');
    await waitFor(() => expect(refused).toHaveFocus());
    expect(onClose).not.toHaveBeenCalled();
    // Retrying is allowed by default: the button is still there, no longer busy.
    expect(screen.getByRole('button', { name: 'Delete stack' })).toHaveAttribute('aria-disabled', 'false');
  });

  it('turns any rejection into the app error it shows (a plain Error too)', async () => {
    const { user } = renderConfirm({ onConfirm: () => Promise.reject(new Error('bridge failed')) });
    await user.click(screen.getByRole('button', { name: 'Delete stack' }));
    expect(await screen.findByTestId('refused')).toHaveTextContent('bridge failed');
  });

  it('is busy while the action runs: the button says so, a second click and Escape do nothing', async () => {
    const pending = deferred();
    const onConfirm = vi.fn(() => pending.promise);
    const { user, onClose, dialog } = renderConfirm({ onConfirm });
    await user.click(screen.getByRole('button', { name: 'Delete stack' }));
    const busy = screen.getByRole('button', { name: 'Deleting…' });
    expect(busy).toHaveAttribute('aria-disabled', 'true');
    expect(screen.getByRole('button', { name: 'Cancel' })).toHaveAttribute('aria-disabled', 'true');
    await user.click(busy);
    expect(onConfirm).toHaveBeenCalledTimes(1);
    fireEvent(dialog, new Event('cancel', { cancelable: true }));
    expect(onClose).not.toHaveBeenCalled();
    await act(async () => pending.resolve());
    expect(screen.getByRole('button', { name: 'Delete stack' })).toHaveAttribute('aria-disabled', 'false');
  });

  it('closes on Escape and on Cancel', async () => {
    const { user, onClose, dialog } = renderConfirm();
    // The browser turns Escape in a modal <dialog> into a "cancel" event (jsdom does not).
    fireEvent(dialog, new Event('cancel', { cancelable: true }));
    expect(onClose).toHaveBeenCalledTimes(1);
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onClose).toHaveBeenCalledTimes(2);
  });

  it('passes its options to the action', async () => {
    const { user, onConfirm } = renderConfirm({ options: [{ name: 'volumes', label: 'Also remove its volumes' }] });
    const box = screen.getByRole('checkbox', { name: 'Also remove its volumes' });
    expect(box).not.toBeChecked();
    await user.click(box);
    await user.click(screen.getByRole('button', { name: 'Delete stack' }));
    expect(onConfirm).toHaveBeenCalledWith({ volumes: true });
  });

  it('after a refusal that offers a way out, that action takes the place of the button with the options', async () => {
    const force = vi.fn(async () => undefined);
    const { user } = renderConfirm({
      onConfirm: () => Promise.reject(new AppError({ kind: 'conflict', summary: 'running' })),
      options: [{ name: 'volumes', label: 'Also remove its volumes', initial: true }],
      refusal: () => ({ tone: 'warning', body: <p>Force it.</p>, next: { label: 'Take down and delete', busyLabel: 'Taking down…', run: force } }),
    });
    const confirm = screen.getByRole('button', { name: 'Delete stack' });
    await user.click(confirm);
    const refused = await screen.findByTestId('refused');
    expect(refused).toHaveClass('callout--warning');
    expect(refused).toHaveTextContent('Force it.');
    const takeDown = screen.getByRole('button', { name: 'Take down and delete' });
    // A new button, not the clicked one relabelled: focus cannot be on it by replacement.
    expect(takeDown).not.toBe(confirm);
    expect(takeDown).not.toHaveFocus();
    await user.click(takeDown);
    expect(force).toHaveBeenCalledWith({ volumes: true });
  });

  it('after a final refusal, drops the button and Cancel reads Close', async () => {
    const { user, onClose } = renderConfirm({
      onConfirm: () => Promise.reject(new AppError({ kind: 'conflict', summary: 'in use' })),
      refusal: () => ({ next: 'none' }),
    });
    await user.click(screen.getByRole('button', { name: 'Delete stack' }));
    await screen.findByTestId('refused');
    expect(screen.queryByRole('button', { name: 'Delete stack' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Cancel' })).not.toBeInTheDocument();
    await user.click(screen.getAllByRole('button', { name: 'Close' })[0]);
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});
