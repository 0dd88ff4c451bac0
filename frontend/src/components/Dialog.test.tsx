import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { Dialog, DialogCancel } from './Dialog';

function Editor({ onClose }: { onClose: () => void }) {
  const [text, setText] = useState('');
  return (
    <Dialog title="Edit" onClose={onClose} dirty={text !== ''} discardText="The note is not saved." footer={<DialogCancel />}>
      <label>
        Note
        <input value={text} onChange={(event) => setText(event.target.value)} />
      </label>
    </Dialog>
  );
}

describe('Dialog', () => {
  it('closes at once while nothing is typed', async () => {
    const user = userEvent.setup();
    const onClose = vi.fn();
    render(<Editor onClose={onClose} />);
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('asks before it throws typed text away, from Cancel and from the close button', async () => {
    const user = userEvent.setup();
    const onClose = vi.fn();
    render(<Editor onClose={onClose} />);
    await user.type(screen.getByRole('textbox', { name: 'Note' }), 'hello');

    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onClose).not.toHaveBeenCalled();
    expect(screen.getByText(/The note is not saved/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Keep editing' }));
    expect(screen.queryByText(/The note is not saved/)).not.toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Note' })).toHaveValue('hello');

    await user.click(screen.getAllByRole('button', { name: 'Close' })[0]);
    await user.click(screen.getByRole('button', { name: 'Discard' }));
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});
