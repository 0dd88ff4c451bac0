import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { logs, plans } from '@/lib/backend';
import { renderWithApp } from '@/test/render';
import { NodeMenu, nodeActions } from './NodeMenu';

vi.mock('@/lib/backend', async () => (await import('@/test/backendMock')).backendMock());

beforeEach(() => {
  vi.mocked(plans.operateInstance).mockResolvedValue(undefined);
  vi.mocked(logs.follow).mockResolvedValue(undefined);
  vi.mocked(logs.close).mockResolvedValue(undefined);
});

describe('nodeActions', () => {
  it('says why Start, Stop or Logs cannot apply', () => {
    expect(nodeActions('running', false)).toEqual({ start: 'Already running' });
    expect(nodeActions('exited', false)).toEqual({ stop: 'Already stopped' });
    expect(nodeActions('created', false)).toEqual({ stop: 'Not started' });
    const none = nodeActions('not created', false);
    expect(none.start).toMatch(/apply the stack first/);
    expect(none.stop).toMatch(/apply the stack first/);
    expect(none.logs).toMatch(/apply the stack first/);
    expect(nodeActions('running', true)).toEqual({ start: 'Working…', stop: 'Working…' });
  });
});

describe('NodeMenu', () => {
  it('opens by keyboard on the first enabled item and stops the instance', async () => {
    const user = userEvent.setup();
    renderWithApp(<NodeMenu stack="shop" name="worker" state="running" />);
    const button = screen.getByRole('button', { name: 'Actions for worker' });
    button.focus();
    await user.keyboard('{Enter}');
    const menu = await screen.findByRole('menu', { name: 'Actions for worker' });
    const start = screen.getByRole('menuitem', { name: /Start/ });
    expect(start).toHaveAttribute('aria-disabled', 'true');
    expect(start).toHaveAccessibleDescription('Already running');
    expect(screen.getByRole('menuitem', { name: 'Stop' })).toHaveFocus();
    // A disabled item does nothing.
    await user.click(start);
    expect(plans.operateInstance).not.toHaveBeenCalled();
    expect(menu).toBeInTheDocument();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('menu')).not.toBeInTheDocument();
    expect(button).toHaveFocus();
    await user.keyboard('{ArrowDown}');
    await screen.findByRole('menu');
    await user.keyboard('{Enter}');
    await waitFor(() => expect(plans.operateInstance).toHaveBeenCalledWith('shop', 'worker', 'stop'));
  });

  it('opens the logs viewer and closes its stream with it', async () => {
    const user = userEvent.setup();
    renderWithApp(<NodeMenu stack="shop" name="web" state="exited" />);
    await user.click(screen.getByRole('button', { name: 'Actions for web' }));
    expect(screen.getByRole('menuitem', { name: /Stop/ })).toHaveAccessibleDescription('Already stopped');
    await user.click(screen.getByRole('menuitem', { name: 'Logs' }));
    const dialog = await screen.findByTestId('logs-dialog');
    await waitFor(() => expect(logs.follow).toHaveBeenCalledWith('shop', 'web', 200, expect.stringMatching(/^logs-/)));
    const id = vi.mocked(logs.follow).mock.calls[0][3];
    await user.click(screen.getAllByRole('button', { name: 'Close' })[0]);
    expect(dialog).not.toBeInTheDocument();
    await waitFor(() => expect(logs.close).toHaveBeenCalledWith(id));
  });

  // A node low in the view: the menu opens above its button, inside the window.
  it('opens above the button when the window ends below it', async () => {
    const user = userEvent.setup();
    renderWithApp(<NodeMenu stack="shop" name="worker" state="running" />);
    const button = screen.getByRole('button', { name: 'Actions for worker' });
    const bottom = window.innerHeight - 10;
    vi.spyOn(button, 'getBoundingClientRect').mockReturnValue({
      top: bottom - 24, bottom, left: 400, right: 424, width: 24, height: 24, x: 400, y: bottom - 24, toJSON: () => ({}),
    } as DOMRect);
    await user.click(button);
    const menu = await screen.findByRole('menu', { name: 'Actions for worker' });
    const top = parseFloat(menu.style.top);
    expect(top).toBeLessThan(bottom - 24);
    expect(top).toBeGreaterThanOrEqual(8);
  });
});
