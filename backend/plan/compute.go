package plan

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/devarch/devarch/backend/depgraph"
	"github.com/devarch/devarch/backend/model"
)

// Causes an Action can carry. The secret cause is built by secretCause ("secret NAME
// changed"); a replace may join its causes with "; ".
const (
	CauseNewStack         = "new stack"
	CauseNetworkMissing   = "network missing"
	CauseNoInstances      = "stack has no instances"
	CauseNewInstance      = "new instance"
	CauseRemovedOutside   = "removed outside DevArch"
	CauseConfigChanged    = "config changed"
	CauseImageChanged     = "image changed"
	CauseGeneratedChanged = "generated config changed" // hash differs, no field does (e.g. a DevArch upgrade, a depends_on condition)
	CauseChangedOutside   = "changed outside DevArch"
	// CauseJobFailed begins the cause of starting again a one-shot instance whose container
	// exited with an error ("job exited with code 3").
	CauseJobFailed = "job exited with code"
	// CauseDependsOnChanged begins the cause of a replace whose only change is to the
	// instances it waits for ("depends_on changed: db -> pg"), see dependsOnCause.
	CauseDependsOnChanged = "depends_on changed"
	CauseDead             = "container is dead"
	CauseStoppedOutside   = "stopped outside DevArch"
	CausePausedOutside    = "paused outside DevArch"
	CauseNotRunning       = "not running"
	CauseInstanceRemoved  = "instance removed"
	CauseOrphan           = "orphaned container"
	CauseDuplicate        = "duplicate container"
	// CauseLastApplyFailed begins the cause of an action that finishes what a failed apply
	// left undone; the reason follows ("last apply failed: unhealthy").
	CauseLastApplyFailed  = "last apply failed"
	CauseReplaceRequested = "replace requested"
	CauseImageRebuilt     = "image rebuilt under the same tag"
	// CauseSubnetAssigned: the stack's network exists without the subnet DevArch gave the
	// stack (made before subnets were assigned, or with another one): compose recreates the
	// network, and with it every container on it.
	CauseSubnetAssigned = "network subnet assigned"
	// CauseEngineChanged begins the cause of a removal from the engine a stack leaves
	// ("engine changed: default -> build-box").
	CauseEngineChanged = "engine changed"
)

// Compute compares the desired state with the observed one and returns the plan that
// reconciles them. It is pure and total: problems become Plan.Diagnostics (errors forbid
// applying), never a missing plan. Per desired instance:
//
//   - no container: create ("new instance", or "removed outside DevArch" if DevArch had
//     applied it);
//   - a container whose config-hash label differs from the desired hash: replace, "config
//     changed" (or "image changed") with field diffs against the last applied spec when
//     DevArch made that container, else "changed outside DevArch";
//   - same hash but a secret it uses has a new version: replace ("secret NAME changed");
//   - same hash, dead: replace (the engine cannot start a dead container);
//   - same hash, not running: update in place, i.e. start it ("stopped outside DevArch" if
//     DevArch left it running, else "not running"); but when the network is gone too, replace
//     it, since a container cannot start on a network that no longer exists;
//   - running (healthy or not): nothing; nor for a one-shot instance (DesiredService.Job)
//     whose container exited with code 0: it ran to completion, and starting it again
//     would run it again (a migration, a seed). One that exited with another code is
//     started again like any stopped container.
//
// An instance the user stopped on its own (DesiredService.Stopped) is treated as the
// instances of a stopped stack: its stopped container gets no action, and it is listed in
// Plan.StoppedInstances so the plan says it is stopped on purpose.
//
// Containers of the stack that no desired instance owns are removed ("instance removed" when
// DevArch applied that instance, else "orphaned container"; extra containers of one instance
// are "duplicate container"). The network is created when missing and anything will be
// created or started, and removed when the stack has no instances left. A network that
// exists without the stack's subnet (its model.LabelSubnet label differs from
// Desired.Subnet) is recreated ("network subnet assigned"). Compose recreates it only once
// no container is attached (it does not detach the stack's other containers itself), and a
// container left on the removed network could never start again, so every container of the
// stack is removed first and created again, with that cause (joined to its own when it had
// one). Stopped ones (a stopped stack's, an instance stopped on its own) are created without
// starting, as apply does for them. Host ports the
// instances publish are checked against what holds them now (see portDiagnostics).
func Compute(d Desired, o Observed) Plan {
	p := Plan{Stack: d.Stack, Revision: d.Revision}
	network := d.network()

	services := slices.Clone(d.Services)
	slices.SortFunc(services, func(a, b DesiredService) int {
		return cmpString(a.Instance+"\x00"+a.Container+"\x00"+a.ConfigHash, b.Instance+"\x00"+b.Container+"\x00"+b.ConfigHash)
	})
	desired := make(map[string]DesiredService, len(services))
	owners := make(map[string]string, len(services)) // container name -> instance
	for _, s := range services {
		if _, dup := desired[s.Instance]; dup {
			p.Diagnostics = append(p.Diagnostics, Errorf(Subject{Instance: s.Instance},
				fmt.Sprintf("instance %s appears twice in stack %s", s.Instance, d.Stack),
				"Instance names are unique within a stack: rename or remove one of them."))
			continue
		}
		desired[s.Instance] = s
		owners[s.Container] = s.Instance
	}

	if o.Move != nil {
		o = withoutLeaving(o)
	}
	containers := slices.Clone(o.Containers)
	slices.SortFunc(containers, func(a, b model.Container) int {
		return cmpString(a.Name+"\x00"+a.ID, b.Name+"\x00"+b.ID)
	})
	mine := map[string][]model.Container{} // desired instance -> its containers
	var removes []Action
	for _, c := range containers {
		if stackOf(c) != d.Stack {
			if inst, ok := owners[c.Name]; ok {
				p.Diagnostics = append(p.Diagnostics, nameClash(d.Stack, inst, c))
			}
			continue
		}
		inst := c.Labels[model.LabelInstance]
		if _, ok := desired[inst]; ok && inst != "" {
			mine[inst] = append(mine[inst], c)
			continue
		}
		cause := CauseOrphan
		if _, ok := o.Applied[inst]; ok && inst != "" {
			cause = CauseInstanceRemoved
		}
		removes = append(removes, Action{Kind: Remove, Instance: inst, Container: containerName(c), Cause: cause})
	}

	networkExists, subnetOK := false, true
	for _, n := range o.Networks {
		if n.Name == network {
			networkExists = true
			subnetOK = d.Subnet == "" || n.Labels[model.LabelSubnet] == d.Subnet
		}
	}
	recreateNetwork := networkExists && !subnetOK

	order, cycle := startOrder(desired)
	levels := dependencyLevels(order, desired)
	if cycle != nil {
		p.Diagnostics = append(p.Diagnostics, Errorf(Subject{Instance: cycle[0], Path: "depends_on"},
			"dependency cycle: "+strings.Join(cycle, " -> "),
			"Each instance waits for the next, so none can start first. Remove one of these dependencies."))
	}
	var ups []Action
	for _, inst := range order {
		s := desired[inst]
		var current *model.Container
		if cs := mine[inst]; len(cs) > 0 {
			// Keep the container with the desired name; any other is an extra.
			keep := 0
			for i, c := range cs {
				if c.Name == s.Container {
					keep = i
					break
				}
			}
			current = &cs[keep]
			for i, c := range cs {
				if i != keep {
					removes = append(removes, Action{Kind: Remove, Instance: inst, Container: containerName(c), Cause: CauseDuplicate})
				}
			}
		}
		applied, wasApplied := o.Applied[inst]
		a, ok := serviceAction(s, current, applied, wasApplied, networkExists, d.Stopped || s.Stopped)
		if s.Stopped && !d.Stopped {
			p.StoppedInstances = append(p.StoppedInstances, inst)
		}
		switch {
		case current == nil || ok && a.Kind == Replace:
		case slices.Contains(d.Replace, inst):
			a, ok = Action{Kind: Replace, Instance: inst, Container: s.Container, Cause: CauseReplaceRequested}, true
		case !ok && imageRebuilt(s, *current, o.ImageIDs):
			a, ok = Action{Kind: Replace, Instance: inst, Container: s.Container, Cause: CauseImageRebuilt}, true
		}
		if recreateNetwork && current != nil {
			removes = append(removes, Action{Kind: Remove, Instance: inst, Container: containerName(*current), Cause: CauseSubnetAssigned})
			cause := CauseSubnetAssigned
			if ok && a.Kind == Replace {
				cause = a.Cause + "; " + CauseSubnetAssigned
			}
			a, ok = serviceAction(s, nil, applied, wasApplied, networkExists, d.Stopped || s.Stopped)
			a.Cause = cause
		}
		if ok {
			a.Level = levels[inst]
			ups = append(ups, a)
		}
	}
	slices.SortStableFunc(ups, func(a, b Action) int { return a.Level - b.Level })

	if !networkExists && len(ups) > 0 {
		cause := CauseNetworkMissing
		if len(o.Applied) == 0 {
			cause = CauseNewStack
		}
		p.Actions = append(p.Actions, Action{Kind: CreateNetwork, Network: network, Cause: cause})
	}
	if recreateNetwork && len(ups) > 0 {
		p.Actions = append(p.Actions, Action{Kind: CreateNetwork, Network: network, Cause: CauseSubnetAssigned + ": " + d.Subnet})
	}
	// Removals run before creates: a removed container frees the host ports and names a new
	// one may need.
	slices.SortFunc(removes, func(a, b Action) int {
		return cmpString(a.Container+"\x00"+a.Instance, b.Container+"\x00"+b.Instance)
	})
	p.Actions = append(moveActions(d.Stack, o.Move, &p.Diagnostics), p.Actions...)
	p.Actions = append(p.Actions, removes...)
	p.Actions = append(p.Actions, ups...)
	p.Stopped = d.Stopped
	slices.Sort(p.StoppedInstances)
	p.Replace = slices.Clone(d.Replace)
	slices.Sort(p.Replace)
	for _, inst := range p.Replace {
		if _, ok := desired[inst]; !ok {
			p.Diagnostics = append(p.Diagnostics, Errorf(Subject{Instance: inst},
				fmt.Sprintf("instance %s cannot be replaced", inst),
				fmt.Sprintf("Stack %s has no instance of that name: replace one of its instances (devarch stack show %s lists them).", d.Stack, d.Stack)))
		}
	}
	if len(desired) == 0 && networkExists {
		p.Actions = append(p.Actions, Action{Kind: RemoveNetwork, Network: network, Cause: CauseNoInstances})
	}
	sorted := o
	sorted.Containers = containers
	p.Diagnostics = append(p.Diagnostics, portDiagnostics(d.Stack, services, sorted)...)
	p.Summary = summarize(p.Actions)
	return p
}

// serviceAction decides what one desired instance needs, given its container (nil: none),
// what DevArch last applied, and whether the stack is meant to be stopped.
func serviceAction(s DesiredService, c *model.Container, applied Applied, wasApplied, networkExists, stopped bool) (Action, bool) {
	a := Action{Instance: s.Instance, Container: s.Container}
	hidden := sensitivity{}
	for _, p := range s.Sensitive {
		hidden[p] = true
	}
	for p := range secretPaths(s.Spec) {
		hidden[p] = true
	}
	if c == nil {
		a.Kind, a.Cause = Create, CauseNewInstance
		if wasApplied {
			a.Cause = CauseRemovedOutside
		}
		a.Config = createConfig(s.Spec, hidden)
		return a, true
	}

	for p := range secretPaths(applied.Spec) {
		hidden[p] = true
	}
	var changedSecrets []string
	if wasApplied {
		for _, n := range slices.Sorted(maps.Keys(s.SecretVersions)) {
			if s.SecretVersions[n] != applied.SecretVersions[n] {
				changedSecrets = append(changedSecrets, n)
			}
		}
	}

	var causes []string
	current := c.Labels[model.LabelConfigHash]
	// The last apply made this very configuration and failed on it (unhealthy, crashed,
	// never started): what it left is not what the user asked for.
	failedHere := wasApplied && applied.Failed != "" && applied.ConfigHash == s.ConfigHash && current == s.ConfigHash
	switch {
	case current != s.ConfigHash:
		if wasApplied && applied.Spec != nil {
			a.Changes = fieldChanges(applied.Spec, s.Spec, hidden)
			if ch, ok := dependsOnChange(applied.DependsOn, s.DependsOn); ok {
				a.Changes = append(a.Changes, ch)
			}
		}
		switch {
		case !wasApplied || current != applied.ConfigHash:
			// DevArch did not make this container: someone recreated or edited it, or
			// DevArch lost its record. The diff (if any) is still against what DevArch
			// applied, the last configuration it knows the container had.
			causes = append(causes, CauseChangedOutside)
		case applied.Spec == nil:
			causes = append(causes, CauseConfigChanged) // which fields is unknown: not recorded
		case len(a.Changes) == 1 && a.Changes[0].Path == "image":
			causes = append(causes, CauseImageChanged)
		case len(a.Changes) == 0:
			causes = append(causes, CauseGeneratedChanged)
		case onlyDependsOn(a.Changes):
			causes = append(causes, dependsOnCause(applied.DependsOn, s.DependsOn))
		case wiringCause(a.Changes, s.Wired) != "":
			causes = append(causes, wiringCause(a.Changes, s.Wired))
		default:
			causes = append(causes, CauseConfigChanged)
		}
	case len(changedSecrets) > 0:
		// Causes come from the secrets alone (below).
	case s.Job && c.State == "exited" && c.ExitCode == 0:
		return Action{}, false // a one-shot instance that finished: done, not stopped
	case c.State == "dead":
		causes = append(causes, CauseDead)
	case !runningStates[c.State] && !networkExists:
		causes = append(causes, CauseNetworkMissing)
	case !runningStates[c.State] && stopped:
		return Action{}, false // meant to be stopped: only configuration changes are planned
	case !runningStates[c.State]:
		a.Kind, a.State = Update, c.State
		switch {
		case failedHere:
			a.Cause = CauseLastApplyFailed + ": " + applied.Failed
		case s.Job && c.State == "exited":
			a.Cause = fmt.Sprintf("%s %d", CauseJobFailed, c.ExitCode)
		case wasApplied && applied.Running && c.State == "paused":
			a.Cause = CausePausedOutside
		case wasApplied && applied.Running:
			a.Cause = CauseStoppedOutside
		default:
			a.Cause = CauseNotRunning
		}
		return a, true
	case failedHere && failedAgain(applied.Failed, *c):
		causes = append(causes, CauseLastApplyFailed+": "+applied.Failed)
	default:
		return Action{}, false
	}

	if len(changedSecrets) > 0 {
		causes = append(causes, secretCause(changedSecrets))
		a.Changes = append(a.Changes, secretChanges(s.Spec, changedSecrets, a.Changes)...)
	}
	slices.SortStableFunc(a.Changes, func(x, y Change) int { return cmpString(x.Path, y.Path) })
	a.Kind, a.Cause = Replace, strings.Join(causes, "; ")
	return a, true
}

// imageRebuilt reports a container whose instance's image tag now points at another image
// than the one it runs (rebuilt locally, or pulled), when the engine told both ids.
func imageRebuilt(s DesiredService, c model.Container, ids map[string]string) bool {
	ref, _ := s.Spec["image"].(string)
	now := ids[ref]
	return ref != "" && now != "" && c.ImageID != "" && c.ImageID != now
}

// failedAgain decides, for a running container whose configuration the last apply made and
// failed on, whether it still needs doing: a crashed one always (a crash loop is "running"
// between restarts), an unhealthy or unfinished one while it is not healthy.
func failedAgain(failed string, c model.Container) bool {
	switch {
	case strings.HasPrefix(failed, FailedCrashed):
		return c.Health != "healthy"
	case c.State == "restarting":
		return true
	default:
		return c.Health == "unhealthy"
	}
}

// dependsOnChange compares the instances waited for, as sorted lists; none is absent.
func dependsOnChange(old, new []string) (Change, bool) {
	render := func(names []string) any {
		if len(names) == 0 {
			return nil
		}
		return slices.Sorted(slices.Values(names))
	}
	return valueChange("depends_on", render(old), render(new), nil)
}

// onlyDependsOn reports changes that are all to depends_on (the instance's own entries, the
// spec field, or the instances waited for).
func onlyDependsOn(changes []Change) bool {
	for _, c := range changes {
		if c.Path != "depends_on" && !strings.HasPrefix(c.Path, "depends_on.") {
			return false
		}
	}
	return len(changes) > 0
}

// dependsOnCause names what a depends_on-only change did to the instances waited for:
// "depends_on changed: db -> pg" (an instance renamed, whose dependents' entries follow it),
// or just "depends_on changed" when only a condition changed.
func dependsOnCause(old, new []string) string {
	o, n := slices.Sorted(slices.Values(old)), slices.Sorted(slices.Values(new))
	if slices.Equal(o, n) {
		return CauseDependsOnChanged
	}
	list := func(names []string) string {
		if len(names) == 0 {
			return "none"
		}
		return strings.Join(names, ", ")
	}
	return CauseDependsOnChanged + ": " + list(o) + " -> " + list(n)
}

func secretCause(names []string) string {
	if len(names) == 1 {
		return "secret " + names[0] + " changed"
	}
	return "secrets " + strings.Join(names, ", ") + " changed"
}

// secretChanges shows each path that references a changed secret as (sensitive) ->
// (sensitive): the value changed, but the plan never shows what it is. Paths already in
// shown (a field whose reference itself changed) are not repeated.
func secretChanges(spec model.Spec, changed []string, shown []Change) []Change {
	done := map[string]bool{}
	for _, c := range shown {
		done[c.Path] = true
	}
	var out []Change
	refs := secretPaths(spec)
	for _, path := range slices.Sorted(maps.Keys(refs)) {
		if done[path] {
			continue
		}
		for _, n := range refs[path] {
			if slices.Contains(changed, n) {
				out = append(out, Change{Path: path, Old: Sensitive, New: Sensitive})
				break
			}
		}
	}
	return out
}

// nameClash reports a desired container name held by a container of another stack (or one
// DevArch did not create): the engine would refuse to create it. Container names are
// engine-wide, and stack "a-b" + instance "c" collides with stack "a" + instance "b-c".
func nameClash(stack, instance string, c model.Container) Diagnostic {
	holder := "a container DevArch did not create"
	if other := stackOf(c); other != "" {
		holder = "stack " + other
		if inst := c.Labels[model.LabelInstance]; inst != "" {
			holder += " (instance " + inst + ")"
		}
	}
	return Errorf(Subject{Instance: instance},
		fmt.Sprintf("container name %s is taken by %s", c.Name, holder),
		fmt.Sprintf("Stack %s needs it for instance %s, and container names are engine-wide: rename one of the instances (or stacks).", stack, instance))
}

// startOrder returns the instances in dependency order: an instance comes after every
// instance it depends on, ties broken by name (Kahn's algorithm with a sorted ready list), so
// the order is a function of the graph alone. Dependencies on unknown instances are ignored
// here (the generator rejects them). If the graph has a cycle, the instances on or behind it
// follow in name order and cycle names one cycle, starting and ending at its smallest name.
func startOrder(desired map[string]DesiredService) (order, cycle []string) {
	deps := map[string][]string{}
	names := slices.Sorted(maps.Keys(desired))
	for _, n := range names {
		seen := map[string]bool{}
		for _, dep := range desired[n].DependsOn {
			if _, ok := desired[dep]; !ok || seen[dep] {
				continue
			}
			seen[dep] = true
			deps[n] = append(deps[n], dep)
		}
		slices.Sort(deps[n])
	}
	order, blocked := depgraph.Order(names, deps)
	if len(blocked) == 0 {
		return order, nil
	}
	return append(order, blocked...), depgraph.Cycle(blocked[0], deps, blocked)
}

// dependencyLevels gives each instance its level: 1 when it waits for no other desired
// instance, else one more than the highest level among those it waits for. order is a
// dependency order (startOrder), so every dependency's level is known when it is needed;
// instances on a cycle get the level their known dependencies give them (the plan has an
// error then anyway).
func dependencyLevels(order []string, desired map[string]DesiredService) map[string]int {
	levels := make(map[string]int, len(order))
	for _, n := range order {
		l := 1
		for _, dep := range desired[n].DependsOn {
			if dl, ok := levels[dep]; ok && dl+1 > l {
				l = dl + 1
			}
		}
		levels[n] = l
	}
	return levels
}

func cmpString(a, b string) int { return strings.Compare(a, b) }

// wiringCause is the cause of a replace whose every change wiring made ("wiring: DB_HOST now
// db2, depends_on changed"), "" when some change is the user's or the template's. Values
// that reference a secret are never shown.
func wiringCause(changes []Change, wired []string) string {
	var parts []string
	for _, c := range changes {
		switch {
		case c.Path == "depends_on":
			parts = append(parts, "depends_on changed")
		case !slices.Contains(wired, c.Path):
			return ""
		case c.New == Sensitive || c.New == None:
			parts = append(parts, strings.TrimPrefix(c.Path, "environment.")+" changed")
		default:
			v := c.New
			if s, err := strconv.Unquote(v); err == nil {
				v = s
			}
			parts = append(parts, strings.TrimPrefix(c.Path, "environment.")+" now "+v)
		}
	}
	if len(parts) == 0 || (len(parts) == 1 && parts[0] == "depends_on changed") {
		return ""
	}
	return "wiring: " + strings.Join(parts, ", ")
}

// moveActions are the first actions of a plan whose stack changes engine: remove its
// containers, then its network, from the engine it leaves (Action.Engine names it), so
// nothing of it keeps running there. Named volumes are not moved (their data stays on the
// old engine): a warning says so, and one says when the old engine could not be asked.
func moveActions(stack string, m *Move, diags *Diagnostics) []Action {
	if m == nil {
		return nil
	}
	cause := fmt.Sprintf("%s: %s -> %s", CauseEngineChanged, m.From, m.To)
	if m.Unreachable != "" {
		*diags = append(*diags, Warningf(Subject{},
			fmt.Sprintf("engine %s cannot be reached: what stack %s has there is left as it is", m.From, stack),
			fmt.Sprintf("%s. The stack is created on %s; once %s is back, remove its containers there with: docker --context %s compose -p %s down",
				m.Unreachable, m.To, m.From, m.From, model.ProjectName(stack))))
		return nil
	}
	var out []Action
	containers := slices.Clone(m.Containers)
	slices.SortFunc(containers, func(a, b model.Container) int { return cmpString(a.Name+"\x00"+a.ID, b.Name+"\x00"+b.ID) })
	for _, c := range containers {
		if stackOf(c) == stack {
			out = append(out, Action{Kind: Remove, Instance: c.Labels[model.LabelInstance], Container: containerName(c), Cause: cause, Engine: m.From})
		}
	}
	for _, n := range slices.Sorted(slices.Values(m.Networks)) {
		out = append(out, Action{Kind: RemoveNetwork, Network: n, Cause: cause, Engine: m.From})
	}
	if len(out) > 0 {
		*diags = append(*diags, Warningf(Subject{},
			fmt.Sprintf("stack %s moves from engine %s to %s: its named volumes stay on %s", stack, m.From, m.To, m.From),
			"Containers are made anew on "+m.To+" with empty volumes; the data in "+m.From+"'s volumes is not copied. Copy it yourself first if you need it (docker run --rm -v VOLUME:/v busybox tar c /v), or move the stack back."))
	}
	return out
}

// withoutLeaving leaves out of what the stack's new engine shows the containers and
// networks the move removes from the old one: when both contexts reach the same daemon (a
// context that is another name for the default engine), the new engine sees them too, and
// counting them would plan nothing to create for containers the move's first actions
// remove. Containers are matched by id; networks by name (a network of the stack's name on
// another daemon is reused by compose either way).
func withoutLeaving(o Observed) Observed {
	gone := map[string]bool{}
	for _, c := range o.Move.Containers {
		gone[c.ID] = true
	}
	o.Containers = slices.DeleteFunc(slices.Clone(o.Containers), func(c model.Container) bool { return gone[c.ID] })
	o.Networks = slices.DeleteFunc(slices.Clone(o.Networks), func(n model.Network) bool { return slices.Contains(o.Move.Networks, n.Name) })
	return o
}
