package plan

// Plan is the ordered list of actions that would make a stack's containers match its
// definition at Revision. It is data: stored as JSON, shown with String(), executed through
// Targets().
type Plan struct {
	Stack    string `json:"stack"`
	Revision int64  `json:"revision"`
	// Actions are in execution order (see the package doc).
	Actions []Action `json:"actions,omitempty"`
	// Errors are problems that forbid applying the plan (a dependency cycle, a container
	// name taken by another stack). They are whole sentences, shown before the actions.
	Errors []string `json:"errors,omitempty"`
	// Warnings are problems worth knowing that do not block applying (a secret used in a
	// field compose may print). Whole sentences, shown after the errors.
	Warnings []string `json:"warnings,omitempty"`
	// Summary counts Actions (see Summary); it is derived, stored for readers of the JSON.
	Summary Summary `json:"summary"`
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
}

// Summary counts actions the way Terraform does: a replace is one add and one destroy, an
// update in place one change; network actions count too.
type Summary struct {
	Add     int `json:"add"`
	Change  int `json:"change"`
	Destroy int `json:"destroy"`
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

// Empty reports a plan with nothing to do and nothing wrong: the stack is up to date.
func (p Plan) Empty() bool { return len(p.Actions) == 0 && len(p.Errors) == 0 }

// Failed reports a plan that must not be applied.
func (p Plan) Failed() bool { return len(p.Errors) > 0 }

// Targets is what the executor runs for a plan, in this order: every Up entry (one
// `compose up -d --no-deps SERVICE` each, in the order given), every Remove entry, then
// RemoveNetwork. The plan has already decided everything; the executor only maps each entry
// onto a command.
//
// A CreateNetwork action has no target of its own: the network is the compose project's
// (not external), so the first `compose up` creates it.
type Targets struct {
	Up     []UpTarget
	Remove []RemoveTarget
	// RemoveNetwork is the network to remove last (`network rm`), or "".
	RemoveNetwork string
}

// UpTarget brings one compose service to its desired state.
type UpTarget struct {
	Service string // the compose service, i.e. the instance name
	// Recreate: replace the container (`--force-recreate`). Otherwise the container is only
	// created or started (`--no-recreate`), so compose cannot recreate behind the plan's back.
	Recreate bool
	// Unpause: the container is paused; unpause it (`compose unpause SERVICE`) instead of up.
	Unpause bool
}

// RemoveTarget is a container to stop and remove. It is named by container, not service:
// its instance is no longer in the compose file (or it never had one).
type RemoveTarget struct {
	Instance  string
	Container string
}

// Targets turns the actions into the executor's commands, keeping the plan's order.
func (p Plan) Targets() Targets {
	var t Targets
	for _, a := range p.Actions {
		switch a.Kind {
		case Create:
			t.Up = append(t.Up, UpTarget{Service: a.Instance})
		case Replace:
			t.Up = append(t.Up, UpTarget{Service: a.Instance, Recreate: true})
		case Update:
			t.Up = append(t.Up, UpTarget{Service: a.Instance, Unpause: a.State == "paused"})
		case Remove:
			t.Remove = append(t.Remove, RemoveTarget{Instance: a.Instance, Container: a.Container})
		case RemoveNetwork:
			t.RemoveNetwork = a.Network
		}
	}
	return t
}
