import { useMutation, useQuery } from '@tanstack/react-query';
import { act, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AppError } from '@/lib/errors';
import { renderWithApp } from '@/test/render';

function FailingQuery({ meta }: { meta?: Record<string, unknown> }) {
  const query = useQuery({
    queryKey: ['failing', meta],
    queryFn: (): Promise<string> =>
      Promise.reject(new AppError({ kind: 'conflict', summary: 'Name already taken', detail: 'stack "shop" exists' })),
    meta,
  });
  return <p>{query.status}</p>;
}

function FailingMutation({ problem = '{"kind":"locked","summary":"Stack is busy"}', meta }: { problem?: string; meta?: Record<string, unknown> }) {
  const mutation = useMutation({
    mutationFn: (): Promise<void> => Promise.reject(problem),
    meta,
  });
  return (
    <button type="button" onClick={() => mutation.mutate()}>
      Apply
    </button>
  );
}

describe('errors become toasts in one place', () => {
  it('toasts a failing query with the error summary and detail', async () => {
    renderWithApp(<FailingQuery />);
    const toast = await screen.findByRole('alert');
    expect(toast).toHaveTextContent('Conflict');
    expect(toast).toHaveTextContent('Name already taken');
    expect(toast).toHaveTextContent('stack "shop" exists');
    expect(screen.getByRole('region', { name: 'Notifications' })).toContainElement(toast);
  });

  it('uses the query meta title and skips queries that opt out', async () => {
    renderWithApp(
      <>
        <FailingQuery meta={{ errorTitle: 'Could not load things' }} />
        <FailingQuery meta={{ toast: false }} />
      </>,
    );
    const toast = await screen.findByRole('alert');
    expect(toast).toHaveTextContent('Could not load things');
    expect(await screen.findAllByText('error')).toHaveLength(2);
    expect(screen.getAllByRole('alert')).toHaveLength(1);
  });

  it('toasts a failing mutation (parsed from the Go problem JSON)', async () => {
    renderWithApp(<FailingMutation />);
    await userEvent.click(screen.getByRole('button', { name: 'Apply' }));
    const toast = await screen.findByRole('alert');
    expect(toast).toHaveTextContent('Busy');
    expect(toast).toHaveTextContent('Stack is busy');
  });

  it('lets the user dismiss a toast with the button or Escape', async () => {
    const user = userEvent.setup();
    const { toasts } = renderWithApp(<FailingMutation />);
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    await user.click(await screen.findByRole('button', { name: 'Dismiss notification' }));
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Apply' }));
    await screen.findByRole('alert');
    await user.tab(); // from "Apply" to the toast's dismiss button
    expect(screen.getByRole('button', { name: 'Dismiss notification' })).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(toasts.getSnapshot()).toHaveLength(0);
  });

  it('replaces a repeated query failure instead of stacking toasts', async () => {
    const { queryClient } = renderWithApp(<FailingQuery />);
    await screen.findByRole('alert');
    await act(() => queryClient.refetchQueries({ queryKey: ['failing'] }));
    expect(screen.getAllByRole('alert')).toHaveLength(1);
  });

  it('leaves errors its form shows at the field to the form', async () => {
    const { toasts } = renderWithApp(
      <FailingMutation
        problem='{"kind":"invalid","summary":"Bad port","field":"environment.APP_ENV"}'
        meta={{ fieldErrors: ['image', 'environment'] }}
      />,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Apply' }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(toasts.getSnapshot()).toHaveLength(0);
  });

  it('still toasts an error for a field the form does not show', async () => {
    renderWithApp(
      <FailingMutation problem='{"kind":"invalid","summary":"Bad stack","field":"stack"}' meta={{ fieldErrors: ['name'] }} />,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Apply' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Bad stack');
  });

  it('leaves the kinds a form explains in place to the form', async () => {
    const { toasts } = renderWithApp(
      <FailingMutation problem='{"kind":"conflict","summary":"Stack is running"}' meta={{ inlineKinds: ['conflict'] }} />,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Apply' }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(toasts.getSnapshot()).toHaveLength(0);
  });
});

