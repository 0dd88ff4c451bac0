import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { StackPage } from '@/app/pages/StackPage';
import { instances, plans, secrets, stacks } from '@/lib/backend';
import { AppError } from '@/lib/errors';
import type { ApplyOutcome, PlanView } from '@/lib/types';
import { eventBus, progress } from '@/test/events';
import { createPlan, emptyPlan, failedPlan, sampleInstance, samplePlan, sampleStackDetail } from '@/test/fixtures';
import { pending, renderWithApp } from '@/test/render';
import { PlanPage } from './PlanPage';

vi.mock('@/lib/backend', async () => (await import('@/test/backendMock')).backendMock());

/** A promise the test settles when it wants. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const applied: ApplyOutcome = {
  planId: 11,
  runId: 4,
  results: [
    { action: '+ create-network devarch-shop-net', status: 'done' },
    { action: '+ create cache', status: 'done' },
    { action: '+ create web', status: 'done' },
  ],
};

beforeEach(() => {
  vi.mocked(plans.plan).mockResolvedValue(samplePlan);
});

const card = (instance: string) => screen.getAllByTestId('plan-action').find((element) => element.dataset.instance === instance)!;
const applyButton = () => screen.getByRole('button', { name: 'Apply' });

describe('PlanPage', () => {
  it('says it is planning first', () => {
    vi.mocked(plans.plan).mockReturnValue(pending());
    renderWithApp(<PlanPage stack="shop" />);
    expect(screen.getByRole('heading', { level: 1, name: 'Plan' })).toBeInTheDocument();
    expect(screen.getByTestId('plan-loading')).toHaveTextContent("Comparing shop's definition with its containers");
  });

  it('shows every kind of action with its symbol, cause and field changes', async () => {
    renderWithApp(<PlanPage stack="shop" />);
    await screen.findByTestId('plan-diff');
    expect(plans.plan).toHaveBeenCalledWith('shop');
    expect(screen.getByTestId('plan-summary')).toHaveTextContent('Plan: 3 to add, 1 to change, 2 to destroy.');
    expect(screen.getByTestId('plan-id')).toHaveTextContent('#7');

    // Grouped by what they do, each group headed with its count.
    for (const [group, count] of [
      ['create', 1],
      ['update', 1],
      ['replace', 1],
      ['remove', 1],
      ['network', 1],
    ] as const) {
      const section = screen.getByTestId(`plan-group-${group}`);
      expect(within(section).getAllByTestId('plan-action')).toHaveLength(count);
    }

    const db = card('db');
    expect(db).toHaveAttribute('data-kind', 'create');
    expect(db).toHaveTextContent('+create db devarch-shop-db');
    expect(db).toHaveTextContent('cause new instance');
    expect(db.querySelector('.plan-symbol')).toHaveClass('plan-symbol--add');

    const cache = card('cache');
    expect(cache).toHaveTextContent('update in place cache');
    expect(cache).toHaveTextContent('stopped outside DevArch · will start');
    expect(cache.querySelector('.plan-symbol')).toHaveClass('plan-symbol--change');

    const web = card('web');
    expect(web.querySelector('.plan-symbol')).toHaveTextContent('-/+');
    expect(web.querySelector('.plan-symbol')).toHaveClass('plan-symbol--replace');
    expect(web).toHaveTextContent('config changed');
    const changes = within(web).getByRole('table', { name: 'Changed fields of web' });
    const rows = within(changes).getAllByRole('row').slice(1);
    expect(rows.map((row) => row.getAttribute('data-path'))).toEqual(['environment.APP_ENV', 'environment.DB_PASSWORD', 'environment.API_KEY']);
    expect(rows[0]).toHaveTextContent('environment.APP_ENV"production"→"local"');
    // Secret values never show: a muted lock badge stands for them.
    expect(within(rows[1]).getAllByTestId('sensitive')).toHaveLength(2);
    expect(rows[1]).not.toHaveTextContent('(sensitive)');
    expect(rows[2]).toHaveTextContent('none→sensitive');

    const old = card('old');
    expect(old).toHaveTextContent('remove old devarch-shop-old');
    expect(old.querySelector('.plan-symbol')).toHaveClass('plan-symbol--destroy');

    const network = screen.getAllByTestId('plan-action').find((element) => element.dataset.kind === 'create-network')!;
    expect(network).toHaveTextContent('create network devarch-shop-net');
    expect(network).toHaveTextContent('network missing');

    expect(applyButton()).toBeEnabled();
  });

  it('shows the CLI rendering on request', async () => {
    const user = userEvent.setup();
    renderWithApp(<PlanPage stack="shop" />);
    await screen.findByTestId('plan-diff');
    const toggle = screen.getByRole('button', { name: 'Show as text' });
    expect(toggle).toHaveAttribute('aria-pressed', 'false');
    await user.click(toggle);
    expect(toggle).toHaveAttribute('aria-pressed', 'true');
    const text = screen.getByTestId('plan-text');
    expect(text).toHaveTextContent('-/+ replace web (devarch-shop-web)');
    expect(text.querySelector('.plan-text__line--replace')).toHaveTextContent('-/+ replace web');
    expect(screen.queryByTestId('plan-diff')).not.toBeInTheDocument();
    await user.click(toggle);
    expect(screen.getByTestId('plan-diff')).toBeInTheDocument();
  });

  it('says an up-to-date stack has nothing to apply', async () => {
    vi.mocked(plans.plan).mockResolvedValue(emptyPlan);
    renderWithApp(<PlanPage stack="shop" />);
    const empty = await screen.findByTestId('plan-empty');
    expect(within(empty).getByRole('heading', { name: 'No changes. Stack shop is up to date.' })).toBeInTheDocument();
    expect(within(empty).getByRole('link', { name: 'Back to shop' })).toHaveAttribute('href', '#/stacks/shop');
    expect(applyButton()).toBeDisabled();
  });

  it('lists the errors of a failed plan and does not let it be applied', async () => {
    vi.mocked(plans.plan).mockResolvedValue(failedPlan);
    renderWithApp(<PlanPage stack="shop" />);
    const errors = await screen.findByTestId('plan-errors');
    expect(errors).toHaveTextContent('Plan cannot be applied');
    // Each error with what it is about: the instance (a link to its page) and the field.
    const [error] = within(errors).getAllByTestId('plan-diagnostic');
    expect(within(errors).getAllByTestId('plan-diagnostic')).toHaveLength(1);
    expect(error).toHaveAttribute('data-severity', 'error');
    expect(error).toHaveTextContent('secret db_password does not exist');
    // Its fix is a button; the CLI command is there, second.
    expect(within(error).getByRole('button', { name: 'Set secret db_password' })).toBeInTheDocument();
    expect(within(error).getByTestId('plan-diagnostic-cli')).toHaveTextContent('devarch secret set shop db_password');
    expect(within(error).getByRole('link', { name: 'web' })).toHaveAttribute('href', '#/stacks/shop/instances/web');
    expect(within(error).getByTestId('plan-diagnostic-subject')).toHaveTextContent('web · environment.DB_PASSWORD');
    // Warnings are listed apart, and do not count as errors.
    const warnings = screen.getByTestId('plan-warnings');
    expect(warnings).toHaveTextContent('Warning');
    expect(warnings).toHaveTextContent('host port 8080/tcp is also published by stack blog');
    expect(within(warnings).getByTestId('plan-diagnostic')).toHaveAttribute('data-path', 'ports');
    // A port problem's fix is the instance's ports, focused on arrival.
    expect(within(warnings).getByRole('link', { name: 'Change the ports of web' })).toHaveAttribute('href', '#/stacks/shop/instances/web?field=ports');
    expect(within(warnings).queryByTestId('plan-diagnostic-cli')).toBeNull();
    expect(screen.getByRole('heading', { name: 'Apply would perform these actions' })).toBeInTheDocument();
    expect(applyButton()).toBeDisabled();
    await userEvent.click(applyButton());
    expect(plans.apply).not.toHaveBeenCalled();
  });

  it('sets a missing secret from its diagnostic, then plans again and can apply', async () => {
    const user = userEvent.setup();
    vi.mocked(plans.plan).mockResolvedValueOnce(failedPlan).mockResolvedValue(createPlan);
    vi.mocked(secrets.set).mockResolvedValue(undefined);
    renderWithApp(<PlanPage stack="shop" />);
    const errors = await screen.findByTestId('plan-errors');
    expect(applyButton()).toBeDisabled();
    await user.click(within(errors).getByRole('button', { name: 'Set secret db_password' }));
    const dialog = await screen.findByRole('dialog', { name: 'Set db_password' });
    await user.type(within(dialog).getByLabelText('Value'), 's3cret');
    await user.click(within(dialog).getByRole('button', { name: 'Save secret' }));
    expect(secrets.set).toHaveBeenCalledWith('shop', 'db_password', 's3cret');
    await waitFor(() => expect(screen.queryByTestId('plan-errors')).toBeNull());
    expect(plans.plan).toHaveBeenCalledTimes(2);
    await waitFor(() => expect(applyButton()).toBeEnabled());
    // The button that had focus went with its diagnostic: focus goes on to Apply.
    await waitFor(() => expect(applyButton()).toHaveFocus());
  });

  it('uses a generated secret for a default password, generating it only when the stack has no value', async () => {
    const user = userEvent.setup();
    const command = "devarch secret set shop db_password, then devarch instance set shop db 'environment.MYSQL_PASSWORD=${secret:db_password}'";
    const warned: PlanView = {
      ...createPlan,
      diagnostics: [
        {
          severity: 'warning',
          summary: "MYSQL_PASSWORD is the template's default, a well-known password",
          detail: '',
          instance: 'db',
          path: 'environment.MYSQL_PASSWORD',
          fix: { kind: 'use-secret', secret: 'db_password', command },
        },
      ],
    };
    vi.mocked(plans.plan).mockResolvedValueOnce(warned).mockResolvedValue(createPlan);
    vi.mocked(secrets.list).mockResolvedValue([{ name: 'db_password', set: false, usedBy: [], updatedAt: '' }]);
    vi.mocked(secrets.generate).mockResolvedValue(undefined);
    vi.mocked(instances.setField).mockResolvedValue(sampleInstance);
    renderWithApp(<PlanPage stack="shop" />);
    const warnings = await screen.findByTestId('plan-warnings');
    expect(within(warnings).getByTestId('plan-diagnostic-cli')).toHaveTextContent(command);
    await user.click(within(warnings).getByRole('button', { name: 'Use a generated secret db_password for environment.MYSQL_PASSWORD of db' }));
    await waitFor(() => expect(screen.queryByTestId('plan-warnings')).toBeNull());
    expect(secrets.generate).toHaveBeenCalledWith('shop', 'db_password');
    expect(instances.setField).toHaveBeenCalledWith('shop', 'db', 'environment.MYSQL_PASSWORD', '${secret:db_password}');
    expect(plans.plan).toHaveBeenCalledTimes(2);

    // A value the user set is kept: only the reference is written.
    vi.mocked(secrets.generate).mockClear();
    vi.mocked(plans.plan).mockResolvedValueOnce(warned);
    vi.mocked(secrets.list).mockResolvedValue([{ name: 'db_password', set: true, usedBy: [], updatedAt: '2026-11-30T20:00:00Z' }]);
    await user.click(screen.getByRole('button', { name: 'Re-plan' }));
    const again = await screen.findByTestId('plan-warnings');
    await user.click(within(again).getByRole('button', { name: /^Use a generated secret/ }));
    await waitFor(() => expect(instances.setField).toHaveBeenCalledTimes(2));
    expect(secrets.generate).not.toHaveBeenCalled();
  });

  it('does not plan again when the secret dialog is canceled', async () => {
    const user = userEvent.setup();
    vi.mocked(plans.plan).mockResolvedValue(failedPlan);
    renderWithApp(<PlanPage stack="shop" />);
    const errors = await screen.findByTestId('plan-errors');
    await user.click(within(errors).getByRole('button', { name: 'Set secret db_password' }));
    const dialog = await screen.findByRole('dialog', { name: 'Set db_password' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(plans.plan).toHaveBeenCalledTimes(1);
    expect(secrets.set).not.toHaveBeenCalled();
  });

  it('shows the apply progress live, and Cancel calls Plans.Cancel', async () => {
    const user = userEvent.setup();
    vi.mocked(plans.plan).mockResolvedValue(createPlan);
    const run = deferred<ApplyOutcome>();
    vi.mocked(plans.apply).mockReturnValue(run.promise);
    vi.mocked(plans.cancel).mockResolvedValue(true);
    const { toasts } = renderWithApp(<PlanPage stack="shop" />);
    await screen.findByTestId('plan-diff');
    expect(eventBus.count('progress:shop')).toBe(1);

    await user.click(applyButton());
    expect(plans.apply).toHaveBeenCalledWith(11);
    const panel = await screen.findByTestId('apply-panel');
    expect(panel).toHaveAttribute('data-state', 'running');
    const heading = within(panel).getByRole('heading', { name: 'Applying plan #11…' });
    await waitFor(() => expect(heading).toHaveFocus());
    expect(screen.getByRole('button', { name: 'Applying…' })).toHaveAttribute('aria-disabled', 'true');
    const step = (name: string) => within(panel).getAllByTestId('apply-step').find((element) => element.dataset.step === name)!;
    expect(step('cache')).toHaveAttribute('data-tone', 'queued');

    eventBus.emit('progress:shop', [progress('', 'Creating', 'Network devarch-shop-net'), progress('cache', 'Creating')]);
    expect(step('devarch-shop-net')).toHaveAttribute('data-tone', 'active');
    expect(step('cache')).toHaveTextContent('Creating');
    expect(step('cache')).toHaveAttribute('data-tone', 'active');

    eventBus.emit('progress:shop', [
      progress('', 'Created', 'Network devarch-shop-net'),
      progress('cache', 'Started'),
      progress('web', 'Starting'),
    ]);
    expect(step('devarch-shop-net')).toHaveAttribute('data-tone', 'done');
    expect(step('cache')).toHaveAttribute('data-tone', 'done');
    expect(step('cache')).toHaveTextContent('Started');
    expect(step('web')).toHaveAttribute('data-tone', 'active');
    expect(within(panel).getByRole('status')).toHaveTextContent('2 of 3 done');
    const log = within(panel).getByRole('log', { name: 'Apply log' });
    expect(log).toHaveTextContent('cacheStarted');
    expect(log).toHaveTextContent('Network devarch-shop-net Created');

    await user.click(within(panel).getByRole('button', { name: 'Cancel apply' }));
    expect(plans.cancel).toHaveBeenCalledWith('shop');
    expect(await within(panel).findByRole('button', { name: 'Canceling…' })).toHaveAttribute('aria-disabled', 'true');

    run.reject(new AppError({ kind: 'canceled', summary: 'apply canceled' }));
    expect(await screen.findByRole('heading', { name: 'Apply canceled' })).toBeInTheDocument();
    expect(screen.getByTestId('apply-panel')).toHaveAttribute('data-state', 'failed');
    expect(screen.getByTestId('apply-canceled')).toHaveTextContent('Plan again to see where shop stands now.');
    expect(applyButton()).toBeDisabled();
    expect(toasts.getSnapshot()).toHaveLength(0);
  });

  it('ends in a success state that links back to the stack', async () => {
    const user = userEvent.setup();
    vi.mocked(plans.plan).mockResolvedValue(createPlan);
    const run = deferred<ApplyOutcome>();
    vi.mocked(plans.apply).mockReturnValue(run.promise);
    renderWithApp(<PlanPage stack="shop" />);
    await screen.findByTestId('plan-diff');
    await user.click(applyButton());
    eventBus.emit('progress:shop', [progress('cache', 'Started'), progress('web', 'Healthy')]);
    run.resolve(applied);
    eventBus.emit('progress:shop', [progress('', 'done', '3 to add, 0 to change, 0 to destroy')]);

    const heading = await screen.findByRole('heading', { name: 'Applied plan #11' });
    await waitFor(() => expect(heading).toHaveFocus());
    const panel = screen.getByTestId('apply-panel');
    expect(panel).toHaveTextContent('shop now matches its definition.');
    expect(within(panel).getAllByTestId('apply-step').map((element) => element.dataset.tone)).toEqual(['done', 'done', 'done']);
    expect(within(panel).getByRole('link', { name: 'Back to shop' })).toHaveAttribute('href', '#/stacks/shop');
    expect(applyButton()).toBeDisabled();

    vi.mocked(plans.plan).mockResolvedValue(emptyPlan);
    await user.click(within(panel).getByRole('button', { name: 'Plan again' }));
    expect(await screen.findByTestId('plan-empty')).toBeInTheDocument();
    expect(screen.queryByTestId('apply-panel')).not.toBeInTheDocument();
  });

  it('says a stale plan is stale and re-plans', async () => {
    const user = userEvent.setup();
    vi.mocked(plans.apply).mockRejectedValue(
      new AppError({ kind: 'stale', summary: 'the plan is stale: stack shop changed since (revision 5 -> 6)', field: 'plan' }),
    );
    const { toasts } = renderWithApp(<PlanPage stack="shop" />);
    await screen.findByTestId('plan-diff');
    await user.click(applyButton());
    const stale = await screen.findByTestId('apply-stale');
    expect(stale).toHaveTextContent('This plan is stale');
    expect(stale).toHaveTextContent('revision 5 -> 6');
    expect(screen.getByRole('heading', { name: 'Nothing was applied' })).toBeInTheDocument();
    expect(applyButton()).toBeDisabled();
    expect(toasts.getSnapshot()).toHaveLength(0);

    vi.mocked(plans.plan).mockResolvedValue({ ...samplePlan, id: 12, revision: 6 });
    await user.click(within(screen.getByTestId('apply-panel')).getByRole('button', { name: 'Re-plan' }));
    await waitFor(() => expect(screen.getByTestId('plan-id')).toHaveTextContent('#12'));
    expect(plans.plan).toHaveBeenCalledTimes(2);
    expect(screen.queryByTestId('apply-panel')).not.toBeInTheDocument();
    expect(applyButton()).toBeEnabled();
  });

  it('names who holds a busy stack and retries the same plan', async () => {
    const user = userEvent.setup();
    const holder = 'stack "shop" is locked: apply of plan 17 by alice@host (cli, pid 4242) since 10:42:03';
    vi.mocked(plans.apply).mockRejectedValueOnce(new AppError({ kind: 'locked', summary: holder }));
    vi.mocked(plans.apply).mockResolvedValueOnce({ planId: 7, runId: 9, results: [] });
    renderWithApp(<PlanPage stack="shop" />);
    await screen.findByTestId('plan-diff');
    await user.click(applyButton());
    const locked = await screen.findByTestId('apply-locked');
    expect(locked).toHaveTextContent('shop is busy');
    expect(within(locked).getByTestId('lock-holder')).toHaveTextContent(holder);
    // The same plan may go once the holder is done.
    expect(applyButton()).toBeEnabled();
    await user.click(within(screen.getByTestId('apply-panel')).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('heading', { name: 'Applied plan #7' })).toBeInTheDocument();
    expect(plans.apply).toHaveBeenCalledTimes(2);
    expect(plans.apply).toHaveBeenLastCalledWith(7);
  });

  it('shows a failed apply with compose\'s words', async () => {
    const user = userEvent.setup();
    vi.mocked(plans.apply).mockRejectedValue(
      new AppError({ kind: 'internal', summary: 'compose up failed', detail: 'Error response from daemon: port is already allocated' }),
    );
    renderWithApp(<PlanPage stack="shop" />);
    await screen.findByTestId('plan-diff');
    await user.click(applyButton());
    const failure = await screen.findByTestId('apply-error');
    expect(failure).toHaveTextContent('compose up failed');
    expect(failure).toHaveTextContent('port is already allocated');
    expect(screen.getByRole('heading', { name: 'Apply failed' })).toBeInTheDocument();
  });

  it('says who holds the stack when planning is refused', async () => {
    vi.mocked(plans.plan).mockRejectedValueOnce(
      new AppError({ kind: 'locked', summary: 'stack "shop" is locked: stop by bob@host (desktop, pid 1) since 10:00:00' }),
    );
    const { toasts } = renderWithApp(<PlanPage stack="shop" />);
    const locked = await screen.findByTestId('plan-locked');
    expect(locked).toHaveTextContent('stop by bob@host');
    expect(toasts.getSnapshot()).toHaveLength(0);
    await userEvent.click(within(locked).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByTestId('plan-diff')).toBeInTheDocument();
  });

  it('notices containers changing while the plan is read', async () => {
    renderWithApp(<PlanPage stack="shop" />);
    await screen.findByTestId('plan-diff');
    eventBus.emit('status:changed', { stack: 'blog', instance: 'web', action: 'die', time: '' });
    expect(screen.queryByTestId('plan-drift')).not.toBeInTheDocument();
    eventBus.emit('status:changed', { stack: 'shop', instance: 'web', action: 'die', time: '' });
    expect(screen.getByTestId('plan-drift')).toHaveTextContent('web: die. Re-plan to see what apply would do now.');
  });

  it('keeps a running apply visible on the stack page, with Cancel', async () => {
    const user = userEvent.setup();
    vi.mocked(stacks.get).mockResolvedValue(sampleStackDetail);
    vi.mocked(plans.status).mockResolvedValue([]);
    vi.mocked(plans.apply).mockReturnValue(pending());
    vi.mocked(plans.cancel).mockResolvedValue(true);
    renderWithApp(
      <>
        <PlanPage stack="shop" />
        <StackPage name="shop" />
      </>,
    );
    await screen.findByTestId('plan-diff');
    await user.click(applyButton());
    const banner = await screen.findByTestId('operation-progress');
    expect(banner).toHaveTextContent('Applying plan #7 to shop…');
    const toolbar = screen.getByRole('group', { name: 'Operations on shop' });
    expect(within(toolbar).getByRole('button', { name: 'Stop' })).toHaveAttribute('aria-disabled', 'true');
    await user.click(within(banner).getByRole('button', { name: 'Cancel' }));
    expect(plans.cancel).toHaveBeenCalledWith('shop');
    expect(plans.operate).not.toHaveBeenCalled();
  });
});
