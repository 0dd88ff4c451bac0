package plan

import (
	"encoding/json"
	"fmt"
)

// Plan is the ordered list of actions that would make a stack's containers match its
// definition at Revision. It is data: stored as JSON, shown with String(), executed through
// Targets().
type Plan struct {
	Stack    string `json:"stack"`
	Revision int64  `json:"revision"`
	// Actions are in execution order (see the package doc).
	Actions []Action `json:"actions,omitempty"`
	// Diagnostics are the plan's problems, each with a severity and the instance and field
	// it is about. Errors forbid applying the plan (a dependency cycle, a container name or
	// a host port taken by another stack); warnings do not (a secret used in a field compose
	// may print, a host port another stack publishes but does not hold now).
	Diagnostics Diagnostics `json:"diagnostics,omitempty"`
	// Summary counts Actions (see Summary); it is derived, stored for readers of the JSON.
	Summary Summary `json:"summary"`
	// Stopped: the stack is meant to be stopped (devarch stop). Its stopped containers are
	// left alone, and creates and replaces make containers without starting them.
	Stopped bool `json:"stopped,omitempty"`
	// StoppedInstances are the instances the user stopped one by one (devarch stop STACK
	// INSTANCE), sorted: like a stopped stack's, their stopped containers are left alone, and
	// the plan says so instead of planning to start them. Part of what the plan was made
	// from: starting or stopping an instance makes an earlier plan stale.
	StoppedInstances []string `json:"stopped_instances,omitempty"`
	// Replace are the instances the user asked to replace (apply --replace): part of what
	// the plan was made from, so apply computes it again the same way.
	Replace []string `json:"replace,omitempty"`
}

// Action is one step of a plan.
type Action struct {
	Kind Kind `json:"kind"`
	// Instance is the instance the container belongs to; empty for network actions and for
	// a container without an instance label.
	Instance string `json:"instance,omitempty"`
	// Container is the container's name (for removals, as observed).
	Container string `json:"container,omitempty"`
	// Network is the network's name, for network actions only.
	Network string `json:"network,omitempty"`
	// State is the observed container state an update starts from ("exited", "paused",
	// ...); it decides between start and unpause.
	State string `json:"state,omitempty"`
	// Cause says why, in words the user knows ("config changed", "not running").
	Cause string `json:"cause"`
	// Changes are the changed fields of a replace, sorted by path.
	Changes []Change `json:"changes,omitempty"`
	// Config is what a create makes: the effective image, ports and command, rendered like
	// a Change's values (a field that references a secret shows Sensitive), shown by the
	// window's plan view and by the text rendering ("+ ports: [...]" under the cause).
	Config []Field `json:"config,omitempty"`
	// Level is the dependency level of a create, replace or update: 1 for an instance that
	// waits for no other, else one more than the highest level it waits for. The executor
	// runs the instances of one level together, level after level.
	Level int `json:"level,omitempty"`
	// Engine is set on the removals from the engine a stack leaves (a move, see Move): the
	// engine they run on, "default" or a docker context. Every other action runs on the
	// stack's own engine.
	Engine string `json:"engine,omitempty"`
}

// Summary counts actions the way Terraform does: a replace is one add and one destroy, an
// update in place one change; network actions count too.
type Summary struct {
	Add     int `json:"add"`
	Change  int `json:"change"`
	Destroy int `json:"destroy"`
}

// String is the summary as the plan says it ("1 to add, 0 to change, 1 to destroy"): the one
// wording the plan text, the stored plan's summary and the faces share.
func (s Summary) String() string {
	return fmt.Sprintf("%d to add, %d to change, %d to destroy", s.Add, s.Change, s.Destroy)
}

// Past is the summary once applied ("1 added, 0 changed, 1 destroyed").
func (s Summary) Past() string {
	return fmt.Sprintf("%d added, %d changed, %d destroyed", s.Add, s.Change, s.Destroy)
}

func summarize(actions []Action) Summary {
	var s Summary
	for _, a := range actions {
		switch a.Kind {
		case Create, CreateNetwork:
			s.Add++
		case Update:
			s.Change++
		case Replace:
			s.Add++
			s.Destroy++
		case Remove, RemoveNetwork:
			s.Destroy++
		}
	}
	return s
}

// Empty reports a plan with nothing to do and no error: the stack is up to date (it may
// still carry warnings).
func (p Plan) Empty() bool { return len(p.Actions) == 0 && !p.Diagnostics.HasErrors() }

// Failed reports a plan that must not be applied: it has a diagnostic of severity Error.
func (p Plan) Failed() bool { return p.Diagnostics.HasErrors() }

// Decode reads a stored plan document, including one stored before diagnostics were typed:
// its "errors" and "warnings" lists of sentences become diagnostics without a subject, so an
// errored plan stays errored. (A function, not an UnmarshalJSON method: types embedding Plan
// would inherit the method and lose their own fields.)
func Decode(data []byte) (Plan, error) {
	var v struct {
		Plan
		Errors   []string `json:"errors"`
		Warnings []string `json:"warnings"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return Plan{}, err
	}
	p := v.Plan
	// A severity is checked when it is present (Severity.UnmarshalJSON); one left out would
	// read as neither error nor warning, and an apply would take the plan for clean.
	for i, d := range p.Diagnostics {
		if d.Severity != Error && d.Severity != Warning {
			return Plan{}, fmt.Errorf("plan diagnostic %d has no severity: want error or warning", i+1)
		}
		// A fix a face cannot act on would be a button that does nothing (or the wrong thing).
		if d.Fix != nil {
			if err := d.Fix.check(d.Subject); err != nil {
				return Plan{}, fmt.Errorf("plan diagnostic %d: %w", i+1, err)
			}
		}
	}
	// Likewise an action without a kind: the executor would not know what to run.
	for i, a := range p.Actions {
		if _, ok := kindNames[a.Kind]; !ok {
			return Plan{}, fmt.Errorf("plan action %d has no kind", i+1)
		}
	}
	for _, e := range v.Errors {
		p.Diagnostics = append(p.Diagnostics, Diagnostic{Severity: Error, Summary: e})
	}
	for _, w := range v.Warnings {
		p.Diagnostics = append(p.Diagnostics, Diagnostic{Severity: Warning, Summary: w})
	}
	return p, nil
}

// Steps is what the executor runs for a plan, in this order, each step's commands once the
// previous step succeeded: every removal (named by container: its instance is no longer in
// the compose file, or never was), then one step per dependency level (the instances of that
// level together), then the network's removal. The plan has already decided everything; the
// executor only maps each step onto commands.
//
// A CreateNetwork action has no step of its own: the network is the compose project's (not
// external), so the first `compose up` creates it.
type Steps struct {
	// Leave are the removals from the engine the stack leaves (Action.Engine), run first:
	// containers, then networks (RemoveTarget.Network).
	Leave  []RemoveTarget
	Remove []RemoveTarget
	Levels []Level
	// RemoveNetwork is the network to remove last (`network rm`), or "".
	RemoveNetwork string
}

// Level is the instances of one dependency level, by what they need.
type Level struct {
	Level int
	// Recreate: replace the container (`up --force-recreate`).
	Recreate []string
	// Up: create or start the container without recreating one (`up --no-recreate`), so
	// compose cannot recreate behind the plan's back.
	Up []string
	// Unpause: the container is paused (`compose unpause`).
	Unpause []string
}

// Services are every instance of the level.
func (l Level) Services() []string {
	return append(append(append([]string(nil), l.Recreate...), l.Up...), l.Unpause...)
}

// RemoveTarget is a container to stop and remove.
type RemoveTarget struct {
	Instance  string
	Container string
	// Network is a network to remove instead (Steps.Leave only); Engine the engine of a
	// Leave target ("default" or a docker context).
	Network string
	Engine  string
}

// Steps turns the actions into the executor's steps, keeping the plan's order.
func (p Plan) Steps() Steps {
	var st Steps
	byLevel := map[int]*Level{}
	for _, a := range p.Actions {
		var l *Level
		if a.Kind == Create || a.Kind == Replace || a.Kind == Update {
			if l = byLevel[a.Level]; l == nil {
				st.Levels = append(st.Levels, Level{Level: a.Level})
				l = &st.Levels[len(st.Levels)-1]
				byLevel[a.Level] = l
				// Appending may move the slice: re-point every level.
				for i := range st.Levels {
					byLevel[st.Levels[i].Level] = &st.Levels[i]
				}
			}
		}
		if a.Engine != "" {
			st.Leave = append(st.Leave, RemoveTarget{Instance: a.Instance, Container: a.Container, Network: a.Network, Engine: a.Engine})
			continue
		}
		switch a.Kind {
		case Create:
			l.Up = append(l.Up, a.Instance)
		case Replace:
			l.Recreate = append(l.Recreate, a.Instance)
		case Update:
			if a.State == "paused" {
				l.Unpause = append(l.Unpause, a.Instance)
			} else {
				l.Up = append(l.Up, a.Instance)
			}
		case Remove:
			st.Remove = append(st.Remove, RemoveTarget{Instance: a.Instance, Container: a.Container})
		case RemoveNetwork:
			st.RemoveNetwork = a.Network
		}
	}
	return st
}
