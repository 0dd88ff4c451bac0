package engine

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/devarch/devarch/backend/compose"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/plan"
	"github.com/devarch/devarch/backend/runtime"
)

// The executor: it runs a plan's steps in the plan's order and decides nothing. Its other
// job is to tell the truth about each action: an instance counts as done only when its
// container runs (and passes its healthcheck, when it has one) and did not exit or restart
// while DevArch waited; a one-shot job (runInput.jobs) counts as done only when its
// container ran and exited with code 0. Every action ends done, failed (with the reason) or
// skipped.

// ResultStatus is where one action of a run stands: the executor's control state, decided
// by DevArch, never compose's display text (that travels in Progress.Status). The values are
// stored in run records and shown by `history --json` and the desktop: they never change.
type ResultStatus string

// Result statuses of an action.
const (
	// ResultPending: not run yet (only while the run goes on).
	ResultPending ResultStatus = "pending"
	// ResultDone: the action took effect (an instance's container runs, and is healthy when
	// it has a healthcheck).
	ResultDone ResultStatus = "done"
	// ResultFailed: the action was tried and failed; ActionResult.Error says why.
	ResultFailed ResultStatus = "failed"
	// ResultSkipped: not tried, because an earlier step failed or the run was canceled.
	ResultSkipped ResultStatus = "skipped"
)

// ProgressCompleted is the progress word of a one-shot job whose container exited with code
// 0 (compose's own words stop at "Started" for it).
const ProgressCompleted = "Completed"

// runInput is what an apply executes: a plan, the document it was made for, and what the
// stack's definition says about it.
type runInput struct {
	stack string
	// engine is the stack's docker context ("" the default engine): where it is applied.
	engine string
	doc    []byte
	plan   plan.Plan
	env    secretEnv
	// healthchecked lists the instances that have a healthcheck.
	healthchecked map[string]bool
	// binds are the host directories relative bind mounts resolve to (compose.BindSources).
	binds []string
	// jobs lists the one-shot instances (plan.DesiredService.Job): another waits for their
	// completion, so they are started without --wait and waited for until they exit.
	jobs map[string]bool
}

// makeBindSources creates the missing host directories of relative bind mounts, as the user
// running DevArch: left to the engine, they would be created owned by root, and the user
// could not put files in them.
func makeBindSources(dirs []string) error {
	for _, d := range dirs {
		if _, err := os.Lstat(d); err == nil {
			continue
		}
		if err := os.MkdirAll(d, 0o755); err != nil {
			return model.Wrap(model.KindInvalid, err, fmt.Sprintf("cannot create the bind mount directory %s", d),
				err.Error()+". Create it yourself, or change the project root (devarch stack set STACK --root DIR).")
		}
	}
	return nil
}

// execution is what execute learned, for the run record and the applied state.
type execution struct {
	results []ActionResult
	// failed maps an instance whose up action failed to the reason, when the failure left a
	// container with the planned configuration (unhealthy, crashed, never started): the
	// applied record then says so, and the next plan finishes the job.
	failed map[string]string
	// stderr is the redacted tail of the failing command's output, for the run record.
	stderr string
}

// watchInterval is how often a step's containers are inspected while compose waits for them;
// progressEvery is how often a waiting instance gets a progress line saying why it is not
// ready yet.
const (
	watchInterval = time.Second
	progressEvery = 5 * time.Second
)

// settleFor is how long a container without a healthcheck, started by a step, must keep
// running before the step counts it as started (like Kubernetes' minReadySeconds): compose's
// --wait returns the moment such a container runs, so a command that fails a second later
// (a missing config, a refused connection) would otherwise be reported a success. A
// healthcheck is the better signal; containers with one are judged by it and not held.
const settleFor = 3 * time.Second

// execute runs p's steps (plan.Steps): removals, then one step per dependency level (the
// level's services together: recreates, then creates and starts, then unpauses), then the
// network's removal. Every compose command reads doc, the planned document, on stdin, so
// nothing another process writes meanwhile (a preview, `devarch compose`) can change what is
// applied; the file under the stack's directory is only a copy for the user's eyes.
//
// A stopped stack (p.Stopped) gets its containers created without starting them, and no
// waiting. Otherwise `up --wait` waits for the level's containers while a watcher inspects
// them every second: a container that exits or restarts fails the step at once (compose's
// own wait would report a crash loop healthy if it catches it running), and a waiting
// instance gets a progress line every few seconds with its health and the last probe's
// output.
//
// One-shot jobs (in.jobs) are the exception: with --no-deps compose no longer sees the
// service waiting for their completion, so `up --wait` fails on a job that already exited
// ("container ... exited (0)") and calls one still running healthy (compose 2.40.3), which
// would start its dependents too early. So they are started with `up -d` alone, before the level's other services,
// and the step then waits until each has exited. Code 0 is done (progress "Completed"), any
// other code fails the step with the code and the job's last log line. A job that never
// exits keeps the apply waiting, with a progress line every few seconds, until canceled.
func (s *Service) execute(ctx context.Context, in runInput, sink Sink) (execution, error) {
	stack, doc, p := in.stack, in.doc, in.plan
	x := execution{failed: map[string]string{}}
	for _, a := range p.Actions {
		x.results = append(x.results, ActionResult{
			Action:   a.Title(),
			Kind:     a.Kind.String(),
			Instance: a.Instance, Container: a.Container, Network: a.Network,
			Status: ResultPending,
		})
	}
	if p.Empty() {
		return x, nil
	}
	// mark sets the result of the actions matching pick.
	mark := func(pick func(r ActionResult) bool, status ResultStatus, why string) {
		for i := range x.results {
			if x.results[i].Status == ResultPending && pick(x.results[i]) {
				x.results[i].Status, x.results[i].Error = status, why
			}
		}
	}
	instance := func(name string) func(ActionResult) bool {
		return func(r ActionResult) bool { return r.Instance == name && r.Kind != plan.Remove.String() }
	}
	fail := func(err error) (execution, error) {
		mark(func(ActionResult) bool { return true }, ResultSkipped, "not run: an earlier step failed")
		var ce *runtime.CommandError
		if errors.As(err, &ce) && x.stderr == "" {
			x.stderr = ce.Stderr
		}
		return x, err
	}

	eng, err := s.engineOn(ctx, in.engine)
	if err != nil {
		return fail(err)
	}
	if _, _, err := compose.WriteFile(s.StackDir(stack), doc); err != nil {
		return fail(model.Wrap(model.KindInternal, err, "cannot write the compose file", err.Error()))
	}
	if err := makeBindSources(in.binds); err != nil {
		return fail(err)
	}
	// Compose creates the network with the first step that starts something: it is done once
	// that step got past it (a refused subnet fails it, and nothing after it ran).
	network := func(r ActionResult) bool { return r.Kind == plan.CreateNetwork.String() }
	steps := p.Steps()

	// A move: what the stack has on the engine it leaves goes first, containers then network.
	for _, r := range steps.Leave {
		from := r.Engine
		if from == DefaultEngine {
			from = ""
		}
		is := func(a ActionResult) bool {
			return a.Kind == plan.Remove.String() && r.Container != "" && a.Container == r.Container ||
				a.Kind == plan.RemoveNetwork.String() && r.Network != "" && a.Network == r.Network
		}
		old, err := s.engineOn(ctx, from)
		if err == nil {
			if r.Network != "" {
				_, err = old.Run(ctx, []string{"network", "rm", r.Network}, runtime.RunOptions{})
			} else {
				sink.Progress(Progress{Instance: r.Instance, Status: ProgressRemoving, Time: time.Now()})
				_, err = old.Run(ctx, []string{"rm", "-f", r.Container}, runtime.RunOptions{})
			}
		}
		if err != nil && model.KindOf(err) != model.KindNotFound {
			mark(func(a ActionResult) bool { return is(a) && a.Status == ResultPending }, ResultFailed, model.AsError(err).Summary)
			return fail(err)
		}
		// Results of the same container name on both engines: the first pending one is this.
		for i := range x.results {
			if x.results[i].Status == ResultPending && is(x.results[i]) {
				x.results[i].Status = ResultDone
				break
			}
		}
		if r.Network == "" {
			sink.Progress(Progress{Instance: r.Instance, Status: ProgressRemoved, Time: time.Now()})
		}
	}
	// From here on the stack's containers are on its own engine: a plan after a failure
	// no longer looks for them on the one it left.
	if err := s.Store.SetPlacement(ctx, stack, &in.engine); err != nil {
		return fail(err)
	}

	for _, r := range steps.Remove {
		sink.Progress(Progress{Instance: r.Instance, Status: ProgressRemoving, Time: time.Now()})
		if _, err := eng.Run(ctx, []string{"rm", "-f", r.Container}, runtime.RunOptions{}); err != nil && model.KindOf(err) != model.KindNotFound {
			mark(func(a ActionResult) bool { return a.Container == r.Container && a.Kind == plan.Remove.String() }, ResultFailed, model.AsError(err).Summary)
			return fail(err)
		}
		mark(func(a ActionResult) bool { return a.Container == r.Container && a.Kind == plan.Remove.String() }, ResultDone, "")
		sink.Progress(Progress{Instance: r.Instance, Status: ProgressRemoved, Time: time.Now()})
	}

	for _, lvl := range steps.Levels {
		services := lvl.Services()
		step, err := s.runLevel(ctx, eng, in, lvl, sink)
		if ce := (*runtime.CommandError)(nil); err != nil && errors.As(err, &ce) && runtime.SubnetTaken(ce.Stderr) {
			mark(network, ResultFailed, model.AsError(err).Summary)
		} else {
			mark(network, ResultDone, "")
		}
		for _, inst := range services {
			switch pr, bad := step.problems[inst]; {
			case bad:
				mark(instance(inst), ResultFailed, pr.why)
				if step.exists[inst] {
					x.failed[inst] = pr.record()
				}
			case err == nil || step.ready[inst]:
				mark(instance(inst), ResultDone, "")
			default:
				why := "not finished: " + model.AsError(err).Summary
				mark(instance(inst), ResultFailed, why)
				if step.exists[inst] {
					x.failed[inst] = plan.FailedUnfinished
				}
			}
		}
		if err != nil {
			x.stderr = step.stderr
			return fail(err)
		}
	}

	mark(network, ResultDone, "") // a plan with no level to run: compose made nothing, nothing failed
	if steps.RemoveNetwork != "" {
		if _, err := eng.Run(ctx, []string{"network", "rm", steps.RemoveNetwork}, runtime.RunOptions{}); err != nil && model.KindOf(err) != model.KindNotFound {
			mark(func(a ActionResult) bool { return a.Kind == plan.RemoveNetwork.String() }, ResultFailed, model.AsError(err).Summary)
			return fail(err)
		}
	}
	mark(func(ActionResult) bool { return true }, ResultDone, "")
	return x, nil
}

// levelOutcome is what one level's step did, per instance.
type levelOutcome struct {
	problems map[string]problem // instance -> why it failed (crashed, unhealthy, not started)
	ready    map[string]bool    // instance -> its container runs (and is healthy)
	exists   map[string]bool    // instance -> a container with the planned configuration exists
	stderr   string
}

// runLevel runs one dependency level: `up --force-recreate` for its replaces, `up
// --no-recreate` for its creates and starts, `unpause` for paused ones; with `--wait` and a
// watcher, or `--no-start` for a stopped stack (in.plan.Stopped).
func (s *Service) runLevel(ctx context.Context, eng *runtime.Engine, in runInput, lvl plan.Level, sink Sink) (levelOutcome, error) {
	stack, doc, env, stopped, checked := in.stack, in.doc, in.env, in.plan.Stopped, in.healthchecked
	base := s.composeArgs(stack)
	out := levelOutcome{problems: map[string]problem{}, ready: map[string]bool{}, exists: map[string]bool{}}
	if !stopped && len(in.plan.StoppedInstances) > 0 {
		// Instances stopped on purpose are created or replaced without starting, like a
		// stopped stack's; the rest of the level runs and is waited for as usual.
		var quiet plan.Level
		quiet, lvl = splitStopped(lvl, in.plan.StoppedInstances)
		if len(quiet.Services()) > 0 {
			qin := in
			qin.plan.Stopped = true
			q, err := s.runLevel(ctx, eng, qin, quiet, sink)
			maps.Copy(out.exists, q.exists)
			if q.stderr != "" {
				out.stderr = q.stderr
			}
			if err != nil {
				return out, err
			}
		}
		if len(lvl.Services()) == 0 {
			return out, nil
		}
	}
	names := map[string]string{} // container -> instance
	for _, inst := range lvl.Services() {
		names[model.ContainerName(stack, inst)] = inst
	}
	recreate := map[string]bool{}
	for _, inst := range lvl.Recreate {
		recreate[inst] = true
	}
	var w *watcher
	stepCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	if !stopped {
		w = newWatcher(eng, names, recreate, env.values, sink, func(err error) { cancel(err) })
		w.jobs = in.jobs
		w.baseline(ctx)
		go w.run(stepCtx)
	}
	wait := []string{"-d", "--wait"}
	if stopped {
		wait = []string{"--no-start"}
	}
	jobs := map[string]bool{} // the level's jobs (none for a stopped stack: nothing runs)
	if !stopped {
		for _, inst := range append(slices.Clone(lvl.Recreate), lvl.Up...) {
			if in.jobs[inst] {
				jobs[inst] = true
			}
		}
	}
	var runErr error
	run := func(args ...string) {
		if runErr != nil {
			return
		}
		pw := progressWriter(stack, sink, checked)
		_, runErr = eng.RunCompose(stepCtx, append(append([]string{}, base...), args...), env.runOptions(doc, pw))
		pw.Close()
	}
	// up runs the level's jobs (started alone, see execute), then the others together.
	up := func(mode string, names []string) {
		var oneShot, rest []string
		for _, inst := range names {
			if jobs[inst] {
				oneShot = append(oneShot, inst)
			} else {
				rest = append(rest, inst)
			}
		}
		if len(oneShot) > 0 {
			run(append([]string{"up", "-d", "--no-deps", mode}, oneShot...)...)
			w.launched(oneShot)
		}
		if len(rest) > 0 {
			run(append(append([]string{"up"}, wait...), append([]string{"--no-deps", mode}, rest...)...)...)
		}
	}
	up("--force-recreate", lvl.Recreate)
	up("--no-recreate", lvl.Up)
	if len(lvl.Unpause) > 0 {
		run(append([]string{"unpause"}, lvl.Unpause...)...)
	}
	if runErr == nil && w != nil && len(jobs) > 0 {
		w.awaitJobs(stepCtx) // the watcher cancels stepCtx at the first failure
	}
	if runErr == nil && w != nil && w.unsettled(stepCtx) {
		select { // the watcher cancels stepCtx at the first crash
		case <-stepCtx.Done():
		case <-time.After(settleFor):
		}
	}
	var ce *runtime.CommandError
	if errors.As(runErr, &ce) {
		out.stderr = ce.Stderr
	}
	if w == nil { // stopped stack: created, not started
		for c, inst := range names {
			if states, err := eng.InspectContainers(context.WithoutCancel(ctx), []string{c}); err == nil && len(states) == 1 {
				out.exists[inst] = true
			}
		}
		if runErr != nil {
			return out, composeFailure(stack, runErr)
		}
		return out, nil
	}
	crash := context.Cause(stepCtx)
	cancel(nil)
	w.stop()
	final := w.final(context.WithoutCancel(ctx), runErr != nil)
	// A host port taken is the cause of a container "not started": say so, per instance and
	// as the step's error.
	var clash error
	if runErr != nil && ctx.Err() == nil {
		clash = portClash(context.WithoutCancel(ctx), eng, stack, runErr)
	}
	if clash != nil {
		for inst, pr := range final.problems {
			if pr.kind == plan.FailedNotStarted {
				final.problems[inst] = problem{kind: pr.kind, why: "not started: " + model.AsError(clash).Summary}
			}
		}
	}
	for inst, pr := range final.problems {
		out.problems[inst] = pr
		if !w.reported(inst) {
			sink.Progress(Progress{Instance: inst, Status: ProgressFailed, Message: pr.why, Time: time.Now()})
		}
	}
	out.ready, out.exists = final.ready, final.exists
	if clash != nil && !crashedAny(out.problems) {
		return out, clash
	}
	if len(out.problems) > 0 {
		return out, w.problemError(context.WithoutCancel(ctx), stack, out.problems)
	}
	if runErr == nil && ctx.Err() != nil {
		runErr = ctx.Err() // canceled by the user while the level settled
	}
	if runErr != nil {
		if ctx.Err() != nil {
			return out, runErr // canceled by the user
		}
		if crash != nil && !errors.Is(crash, context.Canceled) {
			return out, crash
		}
		return out, composeFailure(stack, runErr)
	}
	return out, nil
}

// splitStopped parts a level into its instances stopped on purpose (plan.StoppedInstances)
// and the others. Unpauses stay with the others: a paused container is not stopped.
func splitStopped(lvl plan.Level, stopped []string) (quiet, rest plan.Level) {
	quiet.Level, rest.Level = lvl.Level, lvl.Level
	for _, inst := range lvl.Recreate {
		if slices.Contains(stopped, inst) {
			quiet.Recreate = append(quiet.Recreate, inst)
		} else {
			rest.Recreate = append(rest.Recreate, inst)
		}
	}
	for _, inst := range lvl.Up {
		if slices.Contains(stopped, inst) {
			quiet.Up = append(quiet.Up, inst)
		} else {
			rest.Up = append(rest.Up, inst)
		}
	}
	rest.Unpause = lvl.Unpause
	return quiet, rest
}

// composeFailure turns a failed compose command into an error whose summary is the cause
// compose gave (its last meaningful line), not the command line: that moves to the detail.
// A subnet another network took since the plan (another DevArch installation or a tool on
// the same engine, between the plan's check and compose creating the network) is a conflict
// on the stack's network whose fix is to plan again: the next plan moves the stack to a free
// slice of the pool (planSubnet).
func composeFailure(stack string, err error) error {
	if model.KindOf(err) == model.KindCanceled {
		return err
	}
	me := model.AsError(err)
	var ce *runtime.CommandError
	if !errors.As(err, &ce) {
		return err
	}
	if runtime.SubnetTaken(ce.Stderr) {
		return &model.Error{Kind: model.KindConflict, Field: "network", Err: err,
			Summary: fmt.Sprintf("the subnet of stack %s's network was taken by another network since the plan", stack),
			Detail: fmt.Sprintf("Nothing of the stack was started. Plan again: a new plan moves the stack to a free slice of the network pool if its subnet is still taken (devarch plan %s).\n%s",
				stack, strings.TrimSpace(lastMeaningfulLine(ce.Stderr)))}
	}
	cause := lastMeaningfulLine(ce.Stderr)
	if cause == "" {
		return err
	}
	return &model.Error{Kind: me.Kind, Field: me.Field, Err: err, Summary: cause,
		Detail: me.Summary + ". Compose's full output is in the run's record: devarch history " + stack + "."}
}

// crashedAny tells whether a problem is a crash or a failed healthcheck (which then is the
// step's headline rather than a port clash of another instance).
func crashedAny(problems map[string]problem) bool {
	for _, p := range problems {
		if p.kind != plan.FailedNotStarted {
			return true
		}
	}
	return false
}

// portClash turns compose's "Bind for 127.0.0.1:28080 failed: port is already allocated"
// into its cause: the host port and who holds it (a DevArch container, named by stack and
// instance, or a process outside DevArch). It keeps the conflict kind and the field "ports"
// (the fix is the instance's ports); the command line and compose's output go to the detail.
// nil when err is not a port clash.
func portClash(ctx context.Context, eng *runtime.Engine, stack string, err error) error {
	var ce *runtime.CommandError
	if !errors.As(err, &ce) {
		return nil
	}
	ip, port, ok := runtime.PortTaken(ce.Stderr)
	if !ok {
		return nil
	}
	holder := "a process outside DevArch"
	if cs, lerr := eng.ListContainers(ctx, []string{model.LabelStack}); lerr == nil {
		for _, c := range cs {
			if c.State != "running" || c.Labels[model.LabelStack] == stack {
				continue
			}
			for _, hp := range c.HostPorts {
				if hp == port {
					holder = c.Labels[model.LabelStack] + "/" + c.Labels[model.LabelInstance]
				}
			}
		}
	}
	where := ""
	if ip != "" && ip != "0.0.0.0" && ip != "::" {
		where = " on " + ip
	}
	return &model.Error{Kind: model.KindConflict, Field: "ports", Err: err,
		Summary: fmt.Sprintf("host port %d%s is taken by %s", port, where, holder),
		Detail:  fmt.Sprintf("Free the port or publish another one. %s.\n%s", model.AsError(err).Summary, strings.TrimSpace(ce.Stderr))}
}

// lastMeaningfulLine is the last line of compose's output that says something: not a
// progress line ("Container x Started"), not the "decoding failed" preamble.
func lastMeaningfulLine(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(lines[i]), "…"))
		f := strings.Fields(l)
		switch {
		case l == "", strings.HasPrefix(l, "decoding failed due to"):
			continue
		case len(f) >= 3 && (f[0] == "Container" || f[0] == "Network" || f[0] == "Volume") && !strings.Contains(l, "rror"):
			continue
		}
		l = strings.TrimPrefix(l, "Error response from daemon: ")
		return l
	}
	return ""
}

// problem is why an instance failed its step.
type problem struct {
	kind string // plan.FailedCrashed, plan.FailedUnhealthy or plan.FailedNotStarted
	why  string // for people: "exited with code 3 and restarted 2 times"
}

// record is the applied record's Failed text: the kind first (the plan reads it), then why.
func (p problem) record() string {
	if p.why == "" || strings.HasPrefix(p.why, p.kind) {
		return firstNonEmpty(p.why, p.kind)
	}
	return p.kind + ": " + p.why
}

// watcher inspects a level's containers while compose runs.
type watcher struct {
	eng      *runtime.Engine
	names    map[string]string // container -> instance
	recreate map[string]bool   // instances being replaced: their old container is not judged
	redact   []string
	sink     Sink
	onCrash  func(error)
	// jobs are the stack's one-shot instances (runInput.jobs); set before run starts.
	jobs map[string]bool

	mu           sync.Mutex
	launchedJobs map[string]bool      // jobs whose compose command returned (after its "Started")
	finished     map[string]bool      // jobs said "Completed"
	since        time.Time            // when the step began
	before       map[string]startMark // containers existing before the step, by id
	problems     map[string]problem
	said         map[string]time.Time // instance -> when its last waiting line was sent
	done         chan struct{}
	stopped      chan struct{}
}

func newWatcher(eng *runtime.Engine, names map[string]string, recreate map[string]bool, redact []string, sink Sink, onCrash func(error)) *watcher {
	return &watcher{eng: eng, names: names, recreate: recreate, redact: redact, sink: sink, onCrash: onCrash,
		since: time.Now(), before: map[string]startMark{}, problems: map[string]problem{}, said: map[string]time.Time{},
		launchedJobs: map[string]bool{}, finished: map[string]bool{},
		done: make(chan struct{}), stopped: make(chan struct{})}
}

func (w *watcher) containers() []string {
	out := make([]string, 0, len(w.names))
	for c := range w.names {
		out = append(out, c)
	}
	return out
}

// startMark is how a container that existed before the step had last started.
type startMark struct {
	restarts  int
	startedAt time.Time
}

// baseline records the containers that exist before the step, with how they last started:
// an exit or a restart counts only when it happens during the step (a container stopped
// outside DevArch that the step starts again is exited until compose starts it), and a
// container being replaced is not the one judged. Comparing the engine's own start times,
// not the clock, keeps this right for a remote engine whose clock differs.
func (w *watcher) baseline(ctx context.Context) {
	states, _ := w.eng.InspectContainers(ctx, w.containers())
	for _, st := range states {
		w.before[st.ID] = startMark{restarts: st.RestartCount, startedAt: st.StartedAt}
	}
	now := time.Now()
	for _, inst := range w.names {
		w.said[inst] = now
	}
}

func (w *watcher) run(ctx context.Context) {
	defer close(w.stopped)
	t := time.NewTicker(watchInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-w.done:
			return
		case <-t.C:
		}
		states, err := w.eng.InspectContainers(ctx, w.containers())
		if err != nil {
			continue // the next tick tries again; compose reports a gone engine itself
		}
		for _, st := range states {
			inst, judged := w.judge(st)
			if !judged {
				continue
			}
			if why, bad := w.crashed(ctx, st); bad {
				w.mu.Lock()
				w.problems[inst] = problem{kind: plan.FailedCrashed, why: why}
				w.mu.Unlock()
				w.sink.Progress(Progress{Instance: inst, Status: ProgressFailed, Message: why, Time: time.Now()})
				w.onCrash(model.NewError(model.KindInternal, inst+" "+why, ""))
				return
			}
			if w.jobs[inst] && w.completed(st) {
				w.complete(inst, false)
				continue
			}
			if !w.isReady(inst, st) && time.Since(w.said[inst]) >= progressEvery {
				w.said[inst] = time.Now()
				msg := waitingFor(st)
				if w.jobs[inst] && st.Status == "running" {
					msg = "running: a one-shot job, waiting for it to exit"
				}
				w.sink.Progress(Progress{Instance: inst, Status: ProgressWaiting, Message: runtime.Redact(msg, w.redact), Time: time.Now()})
			}
		}
	}
}

// launched records that the compose command starting these jobs returned: from now on
// their completion may be said (after compose's own "Started" line for them).
func (w *watcher) launched(jobs []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, j := range jobs {
		w.launchedJobs[j] = true
	}
}

// completed: a job's container started in the step and exited with code 0 (a crash, and a
// restart after exiting 0, are crashed's).
func (w *watcher) completed(st runtime.ContainerState) bool {
	started, restarts := w.startedInStep(st)
	return started && restarts <= 0 && st.Status == "exited" && st.ExitCode == 0 && !st.OOMKilled
}

// complete says once that a job completed: only once its compose command returned, unless
// final (the step is over: nothing of compose's comes after).
func (w *watcher) complete(inst string, final bool) {
	w.mu.Lock()
	say := !w.finished[inst] && (final || w.launchedJobs[inst])
	if say {
		w.finished[inst] = true
	}
	w.mu.Unlock()
	if say {
		w.sink.Progress(Progress{Instance: inst, Status: ProgressCompleted, Message: "exited with code 0", Time: time.Now()})
	}
}

// isReady is the verdict of a judged container: a job is done once completed, any other
// once it runs (and is healthy, with a healthcheck).
func (w *watcher) isReady(inst string, st runtime.ContainerState) bool {
	if w.jobs[inst] {
		return w.completed(st)
	}
	return ready(st)
}

// awaitJobs waits until every job of the step has completed, or ctx ends (canceled, or by
// the watch loop at a crash: a job that exited with another code).
func (w *watcher) awaitJobs(ctx context.Context) {
	t := time.NewTicker(watchInterval / 4)
	defer t.Stop()
	for {
		states, err := w.eng.InspectContainers(ctx, w.containers())
		if err == nil {
			pending := 0
			seen := map[string]bool{}
			for _, st := range states {
				inst, judged := w.judge(st)
				if !judged || !w.jobs[inst] {
					continue
				}
				seen[inst] = true
				if w.completed(st) {
					w.complete(inst, false)
				} else {
					pending++
				}
			}
			for _, inst := range w.names {
				if w.jobs[inst] && !seen[inst] {
					pending++ // the new container is not there yet (or the old one is judged out)
				}
			}
			if pending == 0 {
				return
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// unsettled tells whether a container of the step runs without a healthcheck and was
// started by the step: one that must stay up for settleFor before it counts as started.
// Jobs are not held: they were waited for until they exited (awaitJobs).
func (w *watcher) unsettled(ctx context.Context) bool {
	states, _ := w.eng.InspectContainers(ctx, w.containers())
	for _, st := range states {
		if inst, judged := w.judge(st); !judged || st.Status != "running" || st.Health != nil || w.jobs[inst] {
			continue
		}
		if started, _ := w.startedInStep(st); started {
			return true
		}
	}
	return false
}

// reported tells whether the watch loop already said the instance failed.
func (w *watcher) reported(inst string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	_, ok := w.problems[inst]
	return ok
}

func (w *watcher) stop() {
	close(w.done)
	<-w.stopped
}

// judge tells whether a state is one of the step's containers to judge, and its instance.
func (w *watcher) judge(st runtime.ContainerState) (string, bool) {
	inst, ok := w.names[st.Name]
	if !ok {
		return "", false
	}
	if _, old := w.before[st.ID]; old && w.recreate[inst] {
		return inst, false // the container being replaced
	}
	return inst, true
}

// startedInStep reports whether the container was started during the step (a container
// made during the step counts as started in it), and how often it restarted since.
func (w *watcher) startedInStep(st runtime.ContainerState) (started bool, restarts int) {
	b, old := w.before[st.ID]
	return !old || !st.StartedAt.Equal(b.startedAt), st.RestartCount - b.restarts
}

// finalState is the step's verdict after compose returned.
type finalState struct {
	problems map[string]problem
	ready    map[string]bool
	exists   map[string]bool
}

// final inspects the containers once more after compose returned: a crash compose did not
// notice, or (when compose failed) which ones are unhealthy, never started or missing.
func (w *watcher) final(ctx context.Context, composeFailed bool) finalState {
	f := finalState{problems: map[string]problem{}, ready: map[string]bool{}, exists: map[string]bool{}}
	w.mu.Lock()
	for inst, why := range w.problems {
		f.problems[inst] = why
	}
	w.mu.Unlock()
	states, _ := w.eng.InspectContainers(ctx, w.containers())
	for _, st := range states {
		inst, judged := w.judge(st)
		if !judged {
			continue
		}
		f.exists[inst] = true
		if _, seen := f.problems[inst]; seen {
			continue
		}
		if why, bad := w.crashed(ctx, st); bad {
			f.problems[inst] = problem{kind: plan.FailedCrashed, why: why}
			continue
		}
		f.ready[inst] = w.isReady(inst, st)
		if w.jobs[inst] && f.ready[inst] {
			w.complete(inst, true)
		}
		if composeFailed && !f.ready[inst] {
			switch {
			case st.Health != nil && st.Health.Status == "unhealthy":
				f.problems[inst] = problem{kind: plan.FailedUnhealthy, why: "unhealthy" + probeSuffix(st.Health, w.redact)}
			case st.Status == "created":
				f.problems[inst] = problem{kind: plan.FailedNotStarted, why: "not started"}
			}
		}
	}
	return f
}

// problemError is the step's error: the first failing instance (by name) with the reason,
// and what it printed last.
func (w *watcher) problemError(ctx context.Context, stack string, problems map[string]problem) error {
	var first string
	for inst := range problems {
		if first == "" || inst < first {
			first = inst
		}
	}
	why := problems[first].why
	detail := ""
	if logs := w.eng.LogTail(ctx, model.ContainerName(stack, first), 10, w.redact); logs != "" {
		detail = "Its last lines:\n" + logs + "\n"
	}
	detail += fmt.Sprintf("All of them: devarch logs %s %s", stack, first)
	if len(problems) > 1 {
		var others []string
		for inst, r := range problems {
			if inst != first {
				others = append(others, inst+" ("+r.why+")")
			}
		}
		detail += "\nAlso failed: " + strings.Join(others, ", ")
	}
	return &model.Error{Kind: model.KindInternal, Summary: first + " " + why, Detail: detail}
}

// crashed reports a container that exited with an error, died or restarted during the step.
// A container the engine already restarted runs again and shows exit code 0, so the code is
// read from the engine's die events of the step.
func (w *watcher) crashed(ctx context.Context, st runtime.ContainerState) (string, bool) {
	started, restarts := w.startedInStep(st)
	switch {
	case !started && restarts <= 0:
		return "", false // as it was before the step: compose has not started it yet
	case st.OOMKilled && (st.Status == "exited" || st.Status == "restarting" || restarts > 0):
		return "was killed: out of memory", true
	case st.Status == "dead":
		return "died: " + firstNonEmpty(st.Error, "the engine marked it dead"), true
	case st.Status == "exited" && st.ExitCode != 0, st.Status == "restarting", restarts > 0:
		code := st.ExitCode
		if st.Status != "exited" {
			if c, ok := w.lastExitCode(ctx, st.ID); ok {
				code = c
			}
		}
		why := fmt.Sprintf("exited with code %d", code)
		if restarts > 0 {
			why += fmt.Sprintf(" and restarted %d time%s", restarts, plural(restarts))
		}
		if w.jobs[w.names[st.Name]] {
			// A job's failure is its own report: its last line says what went wrong.
			if last := w.jobLastLine(ctx, st.Name); last != "" {
				why += ": " + last
			}
		}
		return why, true
	}
	return "", false
}

// lastExitCode is the exit code of the container's last "die" event since the step began.
func (w *watcher) lastExitCode(ctx context.Context, id string) (int, bool) {
	// Not canceled with the step: the step ends as soon as compose returns, which may be
	// while this looks the code up.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	evs, err := w.eng.PastEvents(ctx, runtime.EventOptions{Since: w.since.Add(-time.Second), Until: time.Now(),
		Filters: []string{"type=container", "container=" + id, "event=die"}})
	if err != nil || len(evs) == 0 {
		return 0, false
	}
	var code int
	if _, err := fmt.Sscan(evs[len(evs)-1].Attributes["exitCode"], &code); err != nil {
		return 0, false
	}
	return code, true
}

// ready: the container runs and, when it has a healthcheck, passes it.
func ready(st runtime.ContainerState) bool {
	return st.Status == "running" && (st.Health == nil || st.Health.Status == "healthy")
}

// waitingFor says why a container is not ready yet.
func waitingFor(st runtime.ContainerState) string {
	switch {
	case st.Status != "running":
		return st.Status
	case st.Health == nil:
		return "running"
	case st.Health.FailingStreak > 0:
		return fmt.Sprintf("health %s, %d/%d checks failed%s", st.Health.Status, st.Health.FailingStreak, st.Health.Retries, probeSuffix(st.Health, nil))
	case st.Health.Probes == 0:
		return "health " + st.Health.Status + ", no check finished yet"
	default:
		return "health " + st.Health.Status
	}
}

// probeSuffix is ": <what the last probe printed>" (or its exit code), redacted.
func probeSuffix(h *runtime.Health, redact []string) string {
	if h == nil || h.Probes == 0 {
		return ""
	}
	out := h.LastOutput
	if i := strings.LastIndexByte(out, '\n'); i >= 0 {
		out = strings.TrimSpace(out[i+1:])
	}
	if out == "" {
		return fmt.Sprintf(": the check exited %d", h.LastExitCode)
	}
	if len(out) > 200 {
		out = out[:200] + "…"
	}
	return ": " + runtime.Redact(out, redact)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// jobLastLine is the last line a failed job printed on stderr, where programs say why they
// fail, else its last line on stdout; redacted. The two streams are read apart: docker logs
// delivers them on two pipes, so their order merged would be a race.
func (w *watcher) jobLastLine(ctx context.Context, container string) string {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	var stdout, stderr strings.Builder
	if _, err := w.eng.Run(ctx, []string{"logs", "--tail", "20", container}, runtime.RunOptions{Stdout: &stdout, Stderr: &stderr, Redact: w.redact}); err != nil {
		return ""
	}
	if l := lastLine(stderr.String()); l != "" {
		return l
	}
	return lastLine(stdout.String())
}

// lastLine is the last non-empty line of out, trimmed and cut to 200 bytes.
func lastLine(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	l := strings.TrimSpace(lines[len(lines)-1])
	if len(l) > 200 {
		l = strings.ToValidUTF8(l[:200], "") + "…"
	}
	return l
}
