package engine

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/devarch/devarch/backend/compose"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/plan"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/store"
)

// Progress is one step of a running operation, for the CLI's live lines and the UI's
// events. Instance is empty for stack-wide messages.
//
// Progress is display, not control: what each action came to is its ActionResult's
// ResultStatus, decided by the executor. Status is text for people: for an instance, compose's
// own words ("Creating", "Started", "Healthy") or the executor's (ProgressRemoving, ...); for
// the whole run (Instance empty), one of ProgressInfo, ProgressDone or ProgressError, which
// the faces key on to end their live display.
type Progress struct {
	Instance string    `json:"instance,omitempty"`
	Status   string    `json:"status"`
	Message  string    `json:"message,omitempty"`
	Time     time.Time `json:"time"`
}

// Progress statuses of a whole run (Instance empty). Their text is on the wire (the CLI's
// progress lines, the desktop's progress events): it never changes.
const (
	// ProgressInfo: a line of compose output about no container (Message holds it).
	ProgressInfo = "info"
	// ProgressDone: the run succeeded; Message is the plan's summary line.
	ProgressDone = "done"
	// ProgressError: the run failed or was refused; Message is why.
	ProgressError = "error"
)

// The executor's own progress words for one instance, next to compose's.
const (
	ProgressRemoving = "Removing"
	ProgressRemoved  = "Removed"
	ProgressWaiting  = "Waiting" // Message says what the container waits for
	ProgressFailed   = "Failed"  // Message says why
	// ProgressRunning replaces compose's "Healthy" for a container without a healthcheck.
	ProgressRunning = "Running"
)

// Sink receives progress. Implementations must be safe for concurrent use and fast; the
// UI adapter throttles.
type Sink interface{ Progress(Progress) }

// SinkFunc adapts a function to Sink.
type SinkFunc func(Progress)

// Progress implements Sink.
func (f SinkFunc) Progress(p Progress) { f(p) }

func discard() Sink { return SinkFunc(func(Progress) {}) }

// Who names the current user and process for plan and lock records ("alice@host (cli, pid 42)").
func Who(face string) string {
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	host, _ := os.Hostname()
	return fmt.Sprintf("%s@%s (%s, pid %d)", name, host, face, os.Getpid())
}

// Planned is a computed plan, stored (ID) unless it was only previewed.
type Planned struct {
	ID   int64
	Plan plan.Plan
}

// observe reads what exists for a stack: every DevArch container (the plan ignores other
// stacks' except for container-name clashes) and the stack's labelled networks (their
// labels tell the subnet each was made with, see plan.Compute); a network the containers
// are attached to but the listing lacks counts as existing. Plus what DevArch last applied,
// from the database.
//
// The engine is the stack's context's. When an apply placed the stack on another engine
// (model.Stack.PlacedOn), the stack moves: what it has on that engine is observed too
// (plan.Move), and nothing applied counts on the new engine.
func (s *Service) observe(ctx context.Context, eng *runtime.Engine, st model.Stack) (plan.Observed, error) {
	stackID, stack := st.ID, st.Name
	cs, err := eng.ListContainers(ctx, []string{model.LabelStack})
	if err != nil {
		return plan.Observed{}, err
	}
	nets, err := eng.ListNetworks(ctx, []string{model.LabelStack + "=" + stack})
	if err != nil {
		return plan.Observed{}, err
	}
	seen := map[string]bool{}
	for _, n := range nets {
		seen[n.Name] = true
	}
	for _, c := range cs {
		if c.Labels[model.LabelStack] != stack {
			continue
		}
		for _, n := range c.Networks {
			if !seen[n] {
				seen[n] = true
				nets = append(nets, runtime.Network{Name: n, Labels: map[string]string{model.LabelStack: stack}})
			}
		}
	}
	applied, err := s.Store.AppliedState(ctx, stackID)
	if err != nil {
		return plan.Observed{}, err
	}
	o := plan.Observed{Containers: cs, Networks: nets, Applied: map[string]plan.Applied{}}
	if st.Placed && st.PlacedOn != st.Context {
		o.Move = s.observeLeaving(ctx, st)
		return o, nil
	}
	for name, a := range applied {
		o.Applied[name] = plan.Applied{ConfigHash: a.ConfigHash, Spec: a.Config, DependsOn: a.DependsOn, Running: a.Running, SecretVersions: a.SecretVersions, Failed: a.Failed}
	}
	return o, nil
}

// observeLeaving is what a stack whose context changed has on the engine it was placed on.
// An engine that cannot be asked is no reason to refuse the move (it may be gone for good:
// that is often why the user moves the stack); the plan then warns.
func (s *Service) observeLeaving(ctx context.Context, st model.Stack) *plan.Move {
	m := &plan.Move{From: EngineLabel(st.PlacedOn), To: EngineLabel(st.Context)}
	old, err := s.engineOn(ctx, st.PlacedOn)
	if err != nil {
		m.Unreachable = model.AsError(err).Summary
		return m
	}
	filter := []string{model.LabelStack + "=" + st.Name}
	if m.Containers, err = old.ListContainers(ctx, filter); err != nil {
		m.Unreachable = model.AsError(err).Summary
		return m
	}
	nets, err := old.ListNetworks(ctx, filter)
	if err != nil {
		m.Unreachable = model.AsError(err).Summary
		return m
	}
	for _, n := range nets {
		m.Networks = append(m.Networks, n.Name)
	}
	return m
}

// computed is a plan with what it was computed from.
type computed struct {
	plan    plan.Plan
	rs      ResolvedStack
	desired plan.Desired
	secrets []store.SealedSecret // the referenced secrets that exist
	// compose is the generated compose document: what apply feeds compose, byte for byte.
	compose []byte
}

// composeHash names a compose document: a plan records the hash of the document it was made
// for, and apply refuses to run any other.
func composeHash(doc []byte) string {
	sum := sha256.Sum256(doc)
	return hex.EncodeToString(sum[:])
}

// compute makes the plan for a stack's current revision. References to secrets that do
// not exist are plan errors naming instance and field.
func (s *Service) compute(ctx context.Context, stack string, opts PlanOptions) (computed, error) {
	var c computed
	subnetWarnings, err := s.planSubnet(ctx, stack)
	if err != nil {
		return c, err
	}
	rs, err := s.Resolve(ctx, stack)
	if err != nil {
		return c, err
	}
	c.rs = rs
	d, err := plan.DesiredFrom(rs.Effective, rs.Stack.Revision)
	if err != nil {
		return c, err
	}
	versions, problems, used, err := s.secretsForStack(ctx, rs)
	if err != nil {
		return c, err
	}
	c.desired, c.secrets = d.WithSecretVersions(versions), used
	if c.compose, err = compose.Generate(rs.Effective); err != nil {
		return c, err
	}
	var stoppedOnes []string
	if c.desired.Stopped, stoppedOnes, err = s.Store.StopState(ctx, rs.Stack.ID); err != nil {
		return c, err
	}
	for i, svc := range c.desired.Services {
		c.desired.Services[i].Stopped = slices.Contains(stoppedOnes, svc.Instance)
	}
	c.desired.Replace = opts.Replace
	eng, err := s.engineOn(ctx, rs.Stack.Context)
	if err != nil {
		return c, err
	}
	o, err := s.observe(ctx, eng, rs.Stack)
	if err != nil {
		return c, err
	}
	if o.ImageIDs, err = s.imageIDs(ctx, eng, c.desired, o); err != nil {
		return c, err
	}
	if err := s.observePorts(ctx, stack, compose.Bindings(rs.Effective), c.desired, !remoteEndpoint(eng.Endpoint()), &o); err != nil {
		return c, err
	}
	c.plan = plan.Compute(c.desired, o)
	// The engine's own diagnostics come first: secrets before what the plan found.
	c.plan.Diagnostics = append(append(problems, secretFieldWarnings(rs)...), c.plan.Diagnostics...)
	c.plan.Diagnostics = append(c.plan.Diagnostics, defaultCredentialWarnings(rs, func() bool { return s.keyStoreAvailable(ctx) })...)
	c.plan.Diagnostics = append(c.plan.Diagnostics, subnetWarnings...)
	c.plan.Diagnostics = append(c.plan.Diagnostics, remoteDiagnostics(rs, eng.Endpoint())...)
	c.plan.Diagnostics = append(c.plan.Diagnostics, s.unopenedSecrets(ctx, c.secrets)...)
	wiringToPlan(&c.plan, rs.Wiring)
	return c, nil
}

// PlanOptions are the user's choices for a plan.
type PlanOptions struct {
	// Replace names instances to replace whatever their state (apply --replace).
	Replace []string
}

// imageIDs asks the engine which image id each image of the stack's instances points at
// now, when its listing told which id each container runs (the Engine API path): the plan
// then notices a tag rebuilt or pulled under the same name.
func (s *Service) imageIDs(ctx context.Context, eng *runtime.Engine, d plan.Desired, o plan.Observed) (map[string]string, error) {
	known := false
	for _, c := range o.Containers {
		if c.Labels[model.LabelStack] == d.Stack && c.ImageID != "" {
			known = true
			break
		}
	}
	if !known {
		return nil, nil
	}
	var refs []string
	seen := map[string]bool{}
	for _, svc := range d.Services {
		if ref, _ := svc.Spec["image"].(string); ref != "" && !seen[ref] {
			seen[ref] = true
			refs = append(refs, ref)
		}
	}
	return eng.ImageIDs(ctx, refs)
}

// Plan computes and stores the plan for a stack, recording the revision it came from.
func (s *Service) Plan(ctx context.Context, stack, who string, opts PlanOptions) (Planned, error) {
	if err := s.Store.CheckUnlocked(ctx, stack); err != nil {
		return Planned{}, err
	}
	c, err := s.compute(ctx, stack, opts)
	if err != nil {
		return Planned{}, err
	}
	p := c.plan
	doc, err := json.Marshal(p)
	if err != nil {
		return Planned{}, err
	}
	id, err := s.Store.SavePlan(ctx, store.NewPlan{Stack: stack, Revision: p.Revision, Document: doc, Summary: summaryLine(p),
		Errored: p.Failed(), CreatedBy: who, ComposeHash: composeHash(c.compose)})
	return Planned{ID: id, Plan: p}, err
}

// StoredPlan returns a stored plan by id, whatever its status.
func (s *Service) StoredPlan(ctx context.Context, id int64) (Planned, error) {
	sp, err := s.Store.GetPlan(ctx, id)
	if err != nil {
		return Planned{}, err
	}
	p, err := plan.Decode(sp.Document)
	if err != nil {
		return Planned{}, model.Wrap(model.KindInternal, err, "the stored plan cannot be read", err.Error())
	}
	return Planned{ID: sp.ID, Plan: p}, nil
}

func summaryLine(p plan.Plan) string {
	if p.Empty() {
		return "up to date"
	}
	return p.Summary.String()
}

// ActionResult is the outcome of one action of an apply.
type ActionResult struct {
	Action    string       `json:"action"` // "+ create web", as the plan lists it
	Kind      string       `json:"kind,omitempty"`
	Instance  string       `json:"instance,omitempty"`
	Container string       `json:"container,omitempty"`
	Network   string       `json:"network,omitempty"`
	Status    ResultStatus `json:"status"` // done, failed, skipped (pending only while it runs)
	Error     string       `json:"error,omitempty"`
}

// Applied is the outcome of an apply.
type Applied struct {
	RunID   int64
	Plan    plan.Plan
	Results []ActionResult
}

func staleError(stack string, why string) error {
	return &model.Error{Kind: model.KindStale, Field: "plan",
		Summary: "the plan is stale: " + why,
		Detail:  "Make a new plan and apply that one: devarch plan " + stack}
}

// Apply executes exactly a stored plan: it refuses an errored, applied or stale plan (the
// stack's revision changed, or the containers no longer match what the plan saw), holds
// the stack's advisory lock for the whole run, writes the compose file, runs the plan's
// targets through compose with ctx (cancel stops compose), and records the run.
// PlanStack names the stack a stored plan is for (a face that starts an apply by plan id
// needs it first, to show progress under the stack's name).
func (s *Service) PlanStack(ctx context.Context, planID int64) (string, error) {
	sp, err := s.Store.GetPlan(ctx, planID)
	if err != nil {
		return "", err
	}
	return sp.Stack, nil
}

func (s *Service) Apply(ctx context.Context, planID int64, who string, sink Sink) (Applied, error) {
	if sink == nil {
		sink = discard()
	}
	sp, err := s.Store.GetPlan(ctx, planID)
	if err != nil {
		return Applied{}, err
	}
	stored, err := plan.Decode(sp.Document)
	if err != nil {
		return Applied{}, model.Wrap(model.KindInternal, err, "the stored plan cannot be read", err.Error())
	}
	switch sp.Status {
	case store.PlanPlanned:
	case store.PlanErrored:
		return Applied{}, &model.Error{Kind: model.KindInvalid, Field: "plan", Summary: "the plan has errors and cannot be applied",
			Detail: stored.Diagnostics.Err() + "\nFix them and plan again: devarch plan " + sp.Stack}
	case store.PlanApplied:
		return Applied{}, &model.Error{Kind: model.KindConflict, Field: "plan", Summary: fmt.Sprintf("plan %d was already applied", planID),
			Detail: "A plan is applied once. Make a new plan: devarch plan " + sp.Stack}
	default:
		return Applied{}, staleError(sp.Stack, fmt.Sprintf("it was %s", sp.Status))
	}
	if _, rev, err := s.Store.StackRevision(ctx, sp.Stack); err != nil {
		return Applied{}, err
	} else if rev != sp.Revision {
		return Applied{}, staleError(sp.Stack, fmt.Sprintf("stack %s changed since (revision %d -> %d)", sp.Stack, sp.Revision, rev))
	}

	lock, err := s.lockStack(ctx, sp.Stack, store.OpApply, who, &planID)
	if err != nil {
		return Applied{}, err
	}
	finishCtx := context.WithoutCancel(ctx)
	refuse := func(err error) (Applied, error) {
		_ = lock.Finish(finishCtx, store.Outcome{Status: store.RunFailed, Stderr: recordText(err), PlanID: &planID, PlanStatus: store.PlanFailed})
		sink.Progress(Progress{Status: ProgressError, Message: model.AsError(err).Summary, Time: time.Now()})
		return Applied{RunID: lock.RunID, Plan: stored}, err
	}

	// Under the lock, the plan must still describe reality exactly: same revision, and the
	// same actions when computed now (a container changed meanwhile makes it stale).
	c, err := s.compute(ctx, sp.Stack, PlanOptions{Replace: stored.Replace})
	if err != nil {
		return refuse(err)
	}
	now, d := c.plan, c.desired
	if now.Revision != stored.Revision {
		return refuse(staleError(sp.Stack, fmt.Sprintf("stack %s changed since (revision %d -> %d)", sp.Stack, stored.Revision, now.Revision)))
	}
	// An error found now (a host port another stack or process took since the plan was
	// made) refuses the run before anything is touched, naming the problem itself.
	if now.Failed() {
		return refuse(&model.Error{Kind: model.KindInvalid, Field: "plan", Summary: "the plan has errors now and cannot be applied",
			Detail: now.Diagnostics.Err() + "\nFix them and plan again: devarch plan " + sp.Stack})
	}
	if withoutSubnetMoves(now).String() != withoutSubnetMoves(stored).String() {
		return refuse(staleError(sp.Stack, "the containers changed since it was made"))
	}
	if composeHash(c.compose) != sp.ComposeHash {
		// The one change allowed: the stack's network, not created yet, moved to a free
		// slice because another network took its subnet since the plan (planSubnet). The
		// plan's actions are the same (compared above); refusing would ask the user to
		// plan again for something they neither did nor can prevent.
		moved := subnetMove(now)
		if moved == "" {
			return refuse(staleError(sp.Stack, "its compose file is not the one the stack generates now"))
		}
		sink.Progress(Progress{Status: ProgressInfo, Message: moved + " (another network took its subnet since the plan)", Time: time.Now()})
	}
	if err := lock.MarkPlan(ctx, planID, store.PlanApplying); err != nil {
		return refuse(err)
	}
	env, err := s.secretEnv(ctx, c.secrets)
	if err != nil {
		return refuse(err)
	}

	// run executes the stored plan with the compose file and environment computed now.
	run := func() (execution, error) {
		return s.execute(ctx, runInput{stack: sp.Stack, engine: c.rs.Stack.Context, doc: c.compose, plan: stored, env: env,
			healthchecked: healthchecked(c.rs), binds: compose.BindSources(c.rs.Effective), jobs: jobs(d)}, sink)
	}
	x, err := run()
retries:
	for retry := 1; err != nil && retry <= subnetRetries && subnetTakenMeanwhile(err, x.results); retry++ {
		// Another network took the subnet in the instant between the check above and compose
		// creating the stack's network (two installations, or parallel test suites, applying
		// at once on one engine). Nothing was done yet, so the same plan runs again: on a
		// free slice when the taker is still there (the recomputed plan moves the stack), on
		// the same one after a moment when it is gone already (a network that lived for an
		// instant, or one whose creation failed). A clash left after the retries is reported
		// as it is.
		c2, cerr := s.compute(ctx, sp.Stack, PlanOptions{Replace: stored.Replace})
		if cerr != nil || c2.plan.Failed() || withoutSubnetMoves(c2.plan).String() != withoutSubnetMoves(stored).String() {
			break
		}
		env2, eerr := s.secretEnv(ctx, c2.secrets)
		if eerr != nil {
			break
		}
		if moved := subnetMove(c2.plan); moved != "" {
			sink.Progress(Progress{Status: ProgressInfo, Message: moved + " (another network took its subnet as the apply created it)", Time: time.Now()})
		} else {
			sink.Progress(Progress{Status: ProgressInfo, Message: "another network held the subnet of the stack's network for a moment as the apply created it; creating it again", Time: time.Now()})
			select {
			case <-ctx.Done():
				break retries // the failed run stands; ctx.Err() records it as canceled below
			case <-time.After(subnetRetryPause):
			}
		}
		c, d, env = c2, c2.desired, env2
		x, err = run()
	}
	out := Applied{RunID: lock.RunID, Plan: stored, Results: x.results}
	record := func(svc plan.DesiredService, failed string) store.AppliedInstance {
		return store.AppliedInstance{Instance: svc.Instance, Container: svc.Container, ConfigHash: svc.ConfigHash, Config: svc.Spec,
			Running: !d.Stopped && !svc.Stopped, DependsOn: svc.DependsOn, SecretVersions: svc.SecretVersions, Failed: failed}
	}
	if err != nil {
		// What happened is recorded action by action: instances brought up count as applied,
		// one left failing is recorded with why, removed ones are forgotten; the next plan
		// shows what is still to do.
		o := store.Outcome{Status: store.RunFailed, Results: x.results, Stderr: tail(firstNonEmpty(x.stderr, recordText(err)), 2000),
			PlanID: &planID, PlanStatus: store.PlanFailed}
		if model.KindOf(err) == model.KindCanceled || ctx.Err() != nil {
			o.Status, o.PlanStatus = store.RunCanceled, store.PlanCanceled
			err = canceledApply(err, x.results)
		}
		for _, svc := range d.Services {
			for _, r := range x.results {
				switch {
				case r.Instance != svc.Instance || r.Kind == plan.Remove.String():
				case r.Status == ResultDone:
					o.Applied = append(o.Applied, record(svc, ""))
				case r.Status == ResultFailed && x.failed[svc.Instance] != "":
					o.Applied = append(o.Applied, record(svc, x.failed[svc.Instance]))
				}
			}
		}
		for _, r := range x.results {
			if r.Kind == plan.Remove.String() && r.Status == ResultDone && r.Instance != "" {
				o.Forget = append(o.Forget, r.Instance)
			}
		}
		_ = lock.Finish(finishCtx, o)
		sink.Progress(Progress{Status: ProgressError, Message: model.AsError(err).Summary, Time: time.Now()})
		return out, err
	}
	applied := make([]store.AppliedInstance, 0, len(d.Services))
	for _, svc := range d.Services {
		applied = append(applied, record(svc, ""))
	}
	if err := lock.Finish(finishCtx, store.Outcome{Status: store.RunSucceeded, Results: x.results, PlanID: &planID, PlanStatus: store.PlanApplied,
		Applied: applied, ReplaceApplied: true}); err != nil {
		return out, err
	}
	sink.Progress(Progress{Status: ProgressDone, Message: summaryLine(stored), Time: time.Now()})
	return out, nil
}

// jobs lists the one-shot instances of the desired state (plan.DesiredService.Job).
func jobs(d plan.Desired) map[string]bool {
	out := map[string]bool{}
	for _, s := range d.Services {
		if s.Job {
			out[s.Instance] = true
		}
	}
	return out
}

// subnetRetries is how many times an apply whose network's subnet the engine refused runs
// the plan again (subnetTakenMeanwhile), and subnetRetryPause how long it waits first when
// the network that took the subnet is gone already (it may still be in the engine's address
// books for a moment).
const (
	subnetRetries    = 2
	subnetRetryPause = 250 * time.Millisecond
)

// subnetTakenMeanwhile tells whether an apply failed because the engine refused the stack
// network's subnet (runtime.SubnetTaken) before any action was done.
func subnetTakenMeanwhile(err error, results []ActionResult) bool {
	var ce *runtime.CommandError
	if !errors.As(err, &ce) || !runtime.SubnetTaken(ce.Stderr) {
		return false
	}
	for _, r := range results {
		if r.Status == ResultDone {
			return false
		}
	}
	return true
}

// healthchecked lists the instances that have a healthcheck.
func healthchecked(rs ResolvedStack) map[string]bool {
	out := map[string]bool{}
	for _, es := range rs.Effective.Services {
		if hc, ok := es.Spec["healthcheck"].(map[string]any); ok && hc["disable"] != true {
			if test, ok := hc["test"].([]any); !ok || len(test) == 0 || test[0] != "NONE" {
				out[es.Instance] = true
			}
		}
	}
	return out
}

// canceledApply says what a canceled apply left: which actions were done and which not.
func canceledApply(err error, results []ActionResult) error {
	var left []string
	for _, r := range results {
		if r.Status != ResultDone && r.Instance != "" && r.Kind != plan.Remove.String() {
			left = append(left, r.Instance)
		}
	}
	detail := "Nothing was left half-done."
	if len(left) > 0 {
		detail = fmt.Sprintf("Not brought up: %s; they may be down now (a replaced container is removed before its new one starts). Plan and apply again to finish.",
			strings.Join(left, ", "))
	}
	return model.Wrap(model.KindCanceled, err, "apply canceled", detail)
}

// recordText is what a failed run's record keeps of its error: the failing command's
// (redacted) output when a command failed, else the error's summary and detail.
func recordText(err error) string {
	var ce *runtime.CommandError
	if errors.As(err, &ce) && ce.Stderr != "" {
		return tail(ce.Stderr, 2000)
	}
	e := model.AsError(err)
	return tail(strings.TrimSpace(e.Summary+"\n"+e.Detail), 2000)
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

// progressWriter turns compose's progress lines (" Container devarch-shop-web  Started")
// into Progress events. Compose says "Healthy" for every container it finished waiting for;
// for one without a healthcheck (not in healthchecked, when that is given) that is not true,
// and the event says "Running" instead.
func progressWriter(stack string, sink Sink, healthchecked map[string]bool) io.WriteCloser {
	prefix := model.ContainerName(stack, "")
	pr, pw := io.Pipe()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" {
				continue
			}
			f := strings.Fields(line)
			p := Progress{Status: ProgressInfo, Message: line, Time: time.Now()}
			if len(f) >= 3 && (f[0] == "Container" || f[0] == "Network" || f[0] == "Volume") {
				name := f[1]
				p.Status = strings.Join(f[2:], " ")
				p.Message = ""
				if f[0] == "Container" {
					p.Instance = strings.TrimPrefix(name, prefix)
					if p.Status == "Healthy" && healthchecked != nil && !healthchecked[p.Instance] {
						p.Status = ProgressRunning
					}
				} else {
					p.Message = f[0] + " " + name
				}
			}
			sink.Progress(p)
		}
	}()
	return closer{pw: pw, wait: wg.Wait}
}

type closer struct {
	pw   *io.PipeWriter
	wait func()
}

func (c closer) Write(b []byte) (int, error) { return c.pw.Write(b) }
func (c closer) Close() error {
	err := c.pw.Close()
	c.wait()
	return err
}

// composeArgs are the project arguments of every compose command on a stack: its project
// name, the document on stdin, and the stack's directory as the project directory (where
// relative paths in the document resolve).
func (s *Service) composeArgs(stack string) []string {
	return []string{"-p", model.ProjectName(stack), "-f", "-", "--project-directory", s.StackDir(stack)}
}

// runOptions runs a compose command on doc (stdin; none when nil) with the secrets in its
// environment, its output to w with every secret value redacted. No working directory is
// needed: --project-directory (composeArgs) is absolute.
func (e secretEnv) runOptions(doc []byte, w io.Writer) runtime.RunOptions {
	o := runtime.RunOptions{Env: e.env, Redact: e.values, Stdout: w, Stderr: w}
	if doc != nil {
		o.Stdin = bytes.NewReader(doc)
	}
	return o
}

// unopenedSecrets warns, once per master key version, when a secret the stack uses cannot be
// opened here (the key is not in this machine's keychain or key file: a shared store's
// client without the team's key). The plan itself reads no value, but the apply would
// refuse: better to say so at the plan than after the user confirmed it.
func (s *Service) unopenedSecrets(ctx context.Context, used []store.SealedSecret) []plan.Diagnostic {
	var out []plan.Diagnostic
	tried := map[int]bool{}
	for _, x := range used {
		if tried[x.KeyVersion] {
			continue
		}
		tried[x.KeyVersion] = true
		if _, err := s.open(ctx, x); err != nil {
			e := model.AsError(err)
			out = append(out, plan.Warningf(plan.Subject{},
				fmt.Sprintf("apply will fail: secret %s cannot be opened here (%s)", x.Name, e.Summary), e.Detail))
		}
	}
	return out
}
