package bindings

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/plan"
)

// PlanAction is one action of a plan, for the diff view.
type PlanAction struct {
	Kind      string `json:"kind"`   // create, update, replace, remove, create-network, remove-network
	Symbol    string `json:"symbol"` // +, ~, -/+, -
	Instance  string `json:"instance"`
	Container string `json:"container"`
	Network   string `json:"network"`
	Cause     string `json:"cause"`
	// Engine is set on the removals from the engine a stack moves away from: that engine
	// ("default" or a docker context); "" for every other action (the stack's own engine).
	Engine  string       `json:"engine"`
	Changes []PlanChange `json:"changes"`
	// Config is what a create makes: the effective image, ports and command (values rendered
	// like a change's; a secret reference shows "(sensitive)").
	Config []PlanField `json:"config"`
}

// PlanField is one field of a created container's configuration.
type PlanField struct {
	Path  string `json:"path"`
	Value string `json:"value"`
}

// PlanChange is one changed field of a replace.
type PlanChange struct {
	Path string `json:"path"`
	Old  string `json:"old"`
	New  string `json:"new"`
}

// PlanSummary counts a plan's actions like Terraform.
type PlanSummary struct {
	Add     int `json:"add"`
	Change  int `json:"change"`
	Destroy int `json:"destroy"`
}

// PlanView is a stored plan as the plan page shows it.
type PlanView struct {
	ID       int64        `json:"id"`
	Stack    string       `json:"stack"`
	Revision int64        `json:"revision"`
	Text     string       `json:"text"` // the same rendering as `devarch plan`
	Empty    bool         `json:"empty"`
	Failed   bool         `json:"failed"`
	Summary  PlanSummary  `json:"summary"`
	Actions  []PlanAction `json:"actions"`
	// Diagnostics are the plan's problems, errors and warnings, in the order the text shows
	// them (warnings first); Failed says whether any is an error.
	Diagnostics []Diagnostic `json:"diagnostics"`
	// Stopped: the stack is meant to be stopped; creates and replaces do not start containers.
	Stopped bool `json:"stopped"`
	// StoppedInstances were stopped on purpose one by one (the node menu, devarch stop STACK
	// INSTANCE): the plan leaves them stopped, which is no drift.
	StoppedInstances []string `json:"stoppedInstances"`
}

// Diagnostic is one problem of a plan (plan.Diagnostic): Severity is "error" (blocks
// applying) or "warning"; Instance and Path say what it is about when known (the instance of
// the plan's stack, and its field path as the instance editor names fields).
type Diagnostic struct {
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
	Instance string `json:"instance"`
	Path     string `json:"path"`
	// Fix is the fix the window offers as a control; nil when there is none. Detail then
	// leaves out the CLI command, which is Fix.Command.
	Fix *DiagnosticFix `json:"fix"`
}

// DiagnosticFix is a diagnostic's fix (plan.Fix): Kind "set-secret" (give the stack's
// secret Secret a value: the secret dialog), "edit-field" (change the diagnostic's
// instance's field Path: the instance editor at that field) or "use-secret" (make that field
// reference the secret Secret, generating a strong value for it first when the stack has
// none); Command is the CLI equivalent, shown second ("" when there is none).
type DiagnosticFix struct {
	Kind    string `json:"kind"`
	Secret  string `json:"secret"`
	Command string `json:"command"`
}

func diagnostic(d plan.Diagnostic) Diagnostic {
	out := Diagnostic{Severity: string(d.Severity), Summary: d.Summary, Detail: d.Detail, Instance: d.Subject.Instance, Path: d.Subject.Path}
	if d.Fix != nil {
		out.Fix = &DiagnosticFix{Kind: string(d.Fix.Kind), Secret: d.Fix.Secret, Command: d.Fix.Command}
	}
	return out
}

// ApplyOutcome is a finished apply.
type ApplyOutcome struct {
	PlanID  int64          `json:"planId"`
	RunID   int64          `json:"runId"`
	Results []ActionResult `json:"results"`
}

// ActionResult is one action's outcome, as the engine reports it.
type ActionResult struct {
	Action    string `json:"action"` // "+ create web", as the plan lists it
	Kind      string `json:"kind"`   // the plan action's kind: create, replace, remove, ...
	Instance  string `json:"instance"`
	Container string `json:"container"`
	Network   string `json:"network"`
	Status    string `json:"status"` // done, failed, skipped (pending only while it runs)
	Error     string `json:"error,omitempty"`
}

func actionResults(rs []engine.ActionResult) []ActionResult {
	out := make([]ActionResult, 0, len(rs))
	for _, r := range rs {
		out = append(out, ActionResult{Action: r.Action, Kind: r.Kind, Instance: r.Instance, Container: r.Container,
			Network: r.Network, Status: string(r.Status), Error: r.Error})
	}
	return out
}

// applyProblem is a failed apply's problem document with what the run did: its id and the
// per-action results (none when the apply was refused before it ran).
func applyProblem(err error, res engine.Applied) error {
	if res.RunID == 0 && len(res.Results) == 0 {
		return problem(err)
	}
	var p Problem
	_ = json.Unmarshal([]byte(problem(err).Error()), &p)
	p.RunID = res.RunID
	p.Results = actionResults(res.Results)
	b, _ := json.Marshal(p)
	return errors.New(string(b))
}

// ProgressEvent is one step of a running apply or operation; batches of them are emitted
// as the Wails event "progress:<stack>" at most every 100 ms.
type ProgressEvent struct {
	Instance string `json:"instance"`
	Status   string `json:"status"`
	Message  string `json:"message"`
	Time     string `json:"time"`
}

func planView(id int64, p plan.Plan) PlanView {
	v := PlanView{ID: id, Stack: p.Stack, Revision: p.Revision, Text: p.String(), Empty: p.Empty(), Failed: p.Failed(),
		Summary: PlanSummary{p.Summary.Add, p.Summary.Change, p.Summary.Destroy}, Actions: []PlanAction{}, Diagnostics: []Diagnostic{}}
	for _, d := range append(p.Diagnostics.Warnings(), p.Diagnostics.Errors()...) {
		v.Diagnostics = append(v.Diagnostics, diagnostic(d))
	}
	v.Stopped = p.Stopped
	v.StoppedInstances = append([]string{}, p.StoppedInstances...)
	for _, a := range p.Actions {
		pa := PlanAction{Kind: a.Kind.String(), Symbol: a.Kind.Symbol(), Instance: a.Instance, Container: a.Container, Network: a.Network, Cause: a.Cause, Engine: a.Engine,
			Changes: []PlanChange{}, Config: []PlanField{}}
		for _, f := range a.Config {
			pa.Config = append(pa.Config, PlanField{f.Path, f.Value})
		}
		for _, c := range a.Changes {
			pa.Changes = append(pa.Changes, PlanChange{c.Path, c.Old, c.New})
		}
		v.Actions = append(v.Actions, pa)
	}
	return v
}

// Plans serves the plan page: plan, apply with live progress, cancel.
type Plans struct {
	host *Host

	mu      sync.Mutex
	running map[string]context.CancelFunc // stack -> cancel of its running apply/operation
}

// NewPlans binds Plans to host.
func NewPlans(host *Host) *Plans { return &Plans{host: host, running: map[string]context.CancelFunc{}} }

// Plan computes and stores a plan for the stack.
func (p *Plans) Plan(stack string) (PlanView, error) {
	return call(p.host, 30*time.Second, func(ctx context.Context, svc *engine.Service) (PlanView, error) {
		pl, err := svc.Plan(ctx, stack, engine.Who("desktop"), engine.PlanOptions{})
		if err != nil {
			return PlanView{}, err
		}
		return planView(pl.ID, pl.Plan), nil
	})
}

// throttledSink batches progress into one Wails event per 100 ms.
func (p *Plans) throttledSink(stack string) (engine.Sink, func()) {
	var mu sync.Mutex
	var batch []ProgressEvent
	done := make(chan struct{})
	flush := func() {
		mu.Lock()
		b := batch
		batch = nil
		mu.Unlock()
		if len(b) > 0 {
			p.host.emit("progress:"+stack, b)
		}
	}
	go func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				flush()
			case <-done:
				flush()
				return
			}
		}
	}()
	sink := engine.SinkFunc(func(ev engine.Progress) {
		mu.Lock()
		batch = append(batch, ProgressEvent{Instance: ev.Instance, Status: ev.Status, Message: ev.Message, Time: ev.Time.UTC().Format(time.RFC3339Nano)})
		mu.Unlock()
	})
	return sink, func() { close(done) }
}

// begin registers a cancellable run for a stack; only one per stack from this window.
func (p *Plans) begin(stack string) (context.Context, func(), error) {
	base, _, err := p.host.service()
	if err != nil {
		return nil, nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, busy := p.running[stack]; busy {
		return nil, nil, model.NewError(model.KindLocked, fmt.Sprintf("an operation on %s is already running in this window", stack), "Wait for it to finish or cancel it.")
	}
	ctx, cancel := context.WithTimeout(base, 30*time.Minute)
	p.running[stack] = cancel
	return ctx, func() {
		cancel()
		p.mu.Lock()
		delete(p.running, stack)
		p.mu.Unlock()
	}, nil
}

// Apply executes a stored plan, emitting "progress:<stack>" events while it runs. It
// returns when the apply ends (done, failed or canceled).
func (p *Plans) Apply(planID int64) (ApplyOutcome, error) {
	hostCtx, svc, err := p.host.service()
	if err != nil {
		return ApplyOutcome{}, problem(err)
	}
	lookup, cancel := context.WithTimeout(hostCtx, 10*time.Second)
	stack, err := svc.PlanStack(lookup, planID)
	cancel()
	if err != nil {
		return ApplyOutcome{}, problem(err)
	}
	ctx, end, err := p.begin(stack)
	if err != nil {
		return ApplyOutcome{}, problem(err)
	}
	defer end()
	sink, stop := p.throttledSink(stack)
	res, err := svc.Apply(ctx, planID, engine.Who("desktop"), sink)
	stop()
	if err != nil {
		return ApplyOutcome{}, applyProblem(err, res)
	}
	return ApplyOutcome{PlanID: planID, RunID: res.RunID, Results: actionResults(res.Results)}, nil
}

// Cancel stops the stack's running apply or operation started from this window (the
// compose process is killed; the run is recorded as canceled).
func (p *Plans) Cancel(stack string) bool {
	p.mu.Lock()
	cancel, ok := p.running[stack]
	p.mu.Unlock()
	if ok {
		cancel()
	}
	return ok
}

// Operate runs start, stop or down on a stack, with progress events like Apply.
func (p *Plans) Operate(stack, op string) error {
	_, svc, err := p.host.service()
	if err != nil {
		return problem(err)
	}
	ctx, end, err := p.begin(stack)
	if err != nil {
		return problem(err)
	}
	defer end()
	sink, stop := p.throttledSink(stack)
	_, err = svc.Operate(ctx, stack, op, engine.OpOptions{}, engine.Who("desktop"), sink)
	stop()
	return problem(err)
}

// InstanceState is one instance's live state.
type InstanceState struct {
	Instance  string `json:"instance"`
	Container string `json:"container"`
	State     string `json:"state"`
	Health    string `json:"health"`
	Status    string `json:"status"`
}

// Status lists the stack's instances with their container state.
func (p *Plans) Status(stack string) ([]InstanceState, error) {
	return call(p.host, 15*time.Second, func(ctx context.Context, svc *engine.Service) ([]InstanceState, error) {
		rows, err := svc.Status(ctx, stack)
		if err != nil {
			return nil, err
		}
		out := []InstanceState{}
		for _, r := range rows {
			out = append(out, InstanceState{r.Instance, r.Container, r.State, r.Health, r.Status})
		}
		return out, nil
	})
}

// RunSummary is one recorded run.
type RunSummary struct {
	ID         int64  `json:"id"`
	PlanID     int64  `json:"planId"` // 0 for quick operations
	Operation  string `json:"operation"`
	Status     string `json:"status"`
	StartedBy  string `json:"startedBy"`
	StartedAt  string `json:"startedAt"`
	FinishedAt string `json:"finishedAt"`
	Stderr     string `json:"stderr"`
	// Results are the apply's per-action results (empty for quick operations and for runs
	// refused before they ran).
	Results []ActionResult `json:"results"`
}

// History lists the stack's runs, newest first.
func (p *Plans) History(stack string) ([]RunSummary, error) {
	return call(p.host, 15*time.Second, func(ctx context.Context, svc *engine.Service) ([]RunSummary, error) {
		runs, err := svc.History(ctx, stack)
		if err != nil {
			return nil, err
		}
		out := []RunSummary{}
		for _, r := range runs {
			rs := RunSummary{ID: r.ID, Operation: r.Operation, Status: r.Status, StartedBy: r.StartedBy,
				StartedAt: r.StartedAt.UTC().Format(time.RFC3339), Stderr: r.StderrExcerpt, Results: []ActionResult{}}
			var results []engine.ActionResult
			if len(r.Results) > 0 && json.Unmarshal(r.Results, &results) == nil {
				rs.Results = actionResults(results)
			}
			if r.PlanID != nil {
				rs.PlanID = *r.PlanID
			}
			if r.FinishedAt != nil {
				rs.FinishedAt = r.FinishedAt.UTC().Format(time.RFC3339)
			}
			out = append(out, rs)
		}
		return out, nil
	})
}
