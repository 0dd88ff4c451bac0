import { fireEvent, render, screen, within } from '@testing-library/react';
import { LogsViewerContext, type LogsViewerProps } from '@/components/LogsViewer';
import { describe, expect, it, vi } from 'vitest';
import { AppError } from '@/lib/errors';
import { createPlan } from '@/test/fixtures';
import { ApplyPanel, isRefusal } from './ApplyPanel';

const clash = new AppError({
  kind: 'conflict',
  field: 'ports',
  summary: 'host port 28080 on 127.0.0.1 is taken by blog/web',
  detail: 'Free the port or publish another one.\nError response from daemon: Bind for 127.0.0.1:28080 failed: port is already allocated',
  runId: 7,
  results: [
    { action: '+ create network devarch-shop-net', kind: 'create-network', network: 'devarch-shop-net', status: 'done' },
    { action: '+ create cache', kind: 'create', instance: 'cache', status: 'done' },
    { action: '+ create web', kind: 'create', instance: 'web', status: 'failed', error: 'not started: host port 28080 on 127.0.0.1 is taken by blog/web' },
  ],
});

function renderPanel(error: AppError) {
  return render(
    <ApplyPanel stack="shop" plan={createPlan} state="failed" events={[]} error={error} canceling={false} onCancel={vi.fn()} onReplan={vi.fn()} onRetry={vi.fn()} />,
  );
}

describe('ApplyPanel', () => {
  it('tells a refusal (nothing ran) from a conflict met while running', () => {
    expect(isRefusal(new AppError({ kind: 'conflict', field: 'plan', summary: 'plan 3 was already applied' }))).toBe(true);
    expect(isRefusal(new AppError({ kind: 'stale', summary: 'the plan is stale' }))).toBe(true);
    expect(isRefusal(clash)).toBe(false);
    expect(isRefusal(new AppError({ kind: 'conflict', field: 'ports', summary: 'host port taken' }))).toBe(false);
  });

  it('shows a port clash at apply as a failure with its cause, what ran, and the fix', () => {
    renderPanel(clash);
    expect(screen.getByRole('heading', { name: 'Apply failed' })).toBeInTheDocument();
    expect(screen.queryByTestId('apply-conflict')).not.toBeInTheDocument();
    const callout = screen.getByTestId('apply-error');
    expect(within(callout).getByText('host port 28080 on 127.0.0.1 is taken by blog/web')).toBeInTheDocument();
    // Compose's output is folded away.
    expect(screen.getByTestId('apply-error-detail')).not.toHaveAttribute('open');
    expect(callout).toHaveTextContent('run #7');
    expect(screen.getByText('2 of 3 actions done, 1 failed, 0 not attempted.')).toBeInTheDocument();
    const steps = screen.getAllByTestId('apply-step');
    expect(steps.map((step) => [step.dataset.step, step.dataset.tone])).toEqual([
      ['devarch-shop-net', 'done'],
      ['cache', 'done'],
      ['web', 'error'],
    ]);
    expect(steps[2]).toHaveTextContent('not started: host port 28080');
    expect(screen.getByRole('link', { name: 'Change the ports of web' })).toHaveAttribute('href', '#/stacks/shop/instances/web?field=ports');
  });

  it('offers the logs of an instance that failed to start, in the window', () => {
    const crash = new AppError({
      kind: 'internal',
      summary: 'app exited with code 3',
      detail: 'Its last lines:\nboom\nAll of them: devarch logs shop app',
      results: [{ action: '+ create app', kind: 'create', instance: 'app', status: 'failed', error: 'exited with code 3' }],
    });
    const Viewer = ({ stack, instance, onClose }: LogsViewerProps) => (
      <div role="dialog" aria-label={`Logs of ${stack}/${instance}`}>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    );
    render(
      <LogsViewerContext.Provider value={Viewer}>
        <ApplyPanel stack="shop" plan={createPlan} state="failed" events={[]} error={crash} canceling={false} onCancel={vi.fn()} onReplan={vi.fn()} onRetry={vi.fn()} />
      </LogsViewerContext.Provider>,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Logs of app' }));
    expect(screen.getByRole('dialog', { name: 'Logs of shop/app' })).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    // A port clash has no logs to read: its fix is the ports.
    renderPanel(clash);
    expect(screen.queryByRole('button', { name: 'Logs of web' })).not.toBeInTheDocument();
  });

  it('still says "already applied" for that refusal', () => {
    renderPanel(new AppError({ kind: 'conflict', field: 'plan', summary: 'plan 3 was already applied' }));
    expect(screen.getByRole('heading', { name: 'Nothing was applied' })).toBeInTheDocument();
    expect(screen.getByTestId('apply-conflict')).toBeInTheDocument();
    expect(screen.queryAllByTestId('apply-step')).toHaveLength(0);
  });

  it('sends a plan refused for its errors back to the plan, where each has its fix', () => {
    renderPanel(new AppError({ kind: 'invalid', summary: 'the plan has errors', detail: 'instance web: secret x does not exist.' }));
    const callout = screen.getByTestId('apply-invalid');
    expect(callout).toHaveTextContent('Re-plan to see each problem in the plan, with the button that fixes it');
    expect(screen.getByRole('button', { name: 'Re-plan' })).toBeInTheDocument();
  });
});
