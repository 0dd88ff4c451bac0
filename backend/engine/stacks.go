package engine

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/devarch/devarch/backend/catalog"
	"github.com/devarch/devarch/backend/compose"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/plan"
	"github.com/devarch/devarch/backend/resolve"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/store"
	"github.com/devarch/devarch/backend/wiring"
)

// SyncCatalog runs the start-up housekeeping: it installs the binary's built-in templates
// (new ones added, older stored versions updated, custom templates untouched). It runs at
// every start; it writes only when something changed, and when the store recorded this
// binary's built-ins at its last sync (the everyday start) it costs one round trip.
func (s *Service) SyncCatalog(ctx context.Context) (store.SyncResult, error) {
	// Runs a crashed process left "running" are marked interrupted first, so history and
	// the stack pages show the truth from the start.
	fingerprint := catalog.BuiltinsFingerprint()
	_, current, err := s.Store.Opening(ctx, fingerprint)
	if err != nil || current {
		// The store holds this binary's built-ins already (the everyday start): nothing
		// to parse or write.
		return store.SyncResult{}, err
	}
	builtins, err := catalog.Builtins()
	if err != nil {
		return store.SyncResult{}, model.Wrap(model.KindInternal, err, "the built-in templates are broken", err.Error())
	}
	return s.Store.SyncBuiltins(ctx, builtins, fingerprint)
}

// StackDir is DevArch's own directory for a stack (under the data home): it holds the copy
// of the compose file DevArch writes, and it is the stack's project root unless the user
// chose another.
func (s *Service) StackDir(stack string) string { return filepath.Join(s.stacksDir, stack) }

// ProjectRoot is where a stack's relative bind mounts and build contexts resolve: the root
// the user chose, or the stack's directory under the data home.
func (s *Service) ProjectRoot(st model.Stack) string {
	if st.Root != "" {
		return st.Root
	}
	return s.StackDir(st.Name)
}

// ResolvedStack is a stack with every instance resolved, ready for generation.
type ResolvedStack struct {
	Stack     model.Stack
	Templates map[string]model.Template
	// Effective has the wiring applied: wired environment variables (origin wiring) and
	// depends_on.
	Effective model.EffectiveStack
	// Wiring is the stack's wiring: wires in effect, problems (plan errors and warnings),
	// start order.
	Wiring wiring.Result
}

// Resolve loads a stack (one consistent snapshot), resolves every instance and wires them,
// pinning the automatic wires the last apply made (see appliedPins).
func (s *Service) Resolve(ctx context.Context, name string) (ResolvedStack, error) {
	st, templates, err := s.Store.LoadForResolve(ctx, name)
	if err != nil {
		return ResolvedStack{}, err
	}
	id, err := s.installationID(ctx)
	if err != nil {
		return ResolvedStack{}, err
	}
	applied, err := s.Store.AppliedDependsOn(ctx, st.ID)
	if err != nil {
		return ResolvedStack{}, err
	}
	rs, err := resolveWired(st, templates, applied)
	rs.Effective.Root, rs.Effective.Installation = s.ProjectRoot(st), id
	return rs, err
}

// ResolveLoaded resolves and wires an already-loaded stack, with no applied state (no
// pinned wires): pure, so benchmarks and tests can call it without a database.
func ResolveLoaded(st model.Stack, templates map[string]model.Template) (ResolvedStack, error) {
	return resolveWired(st, templates, nil)
}

// resolveWired resolves every instance, then wires the stack; applied is what each
// instance waited for when last applied (instance -> providers), for the pins.
func resolveWired(st model.Stack, templates map[string]model.Template, applied map[string][]string) (ResolvedStack, error) {
	rs, err := resolveInstances(st, templates)
	if err != nil {
		return rs, err
	}
	instances := wiring.FromStack(rs.Effective.Services, templates, st.Instances)
	explicit := make([]wiring.Wire, len(st.Wires))
	for i, w := range st.Wires {
		explicit[i] = wiring.Wire{Consumer: w.Consumer, Contract: w.Contract, Provider: w.Provider}
	}
	rs.Wiring = wiring.Resolve(wiring.Input{Stack: st.Name, Instances: instances, Explicit: explicit,
		Pinned: wiring.PinsFromApplied(instances, applied)})
	rs.Effective.Services = rs.Wiring.ApplyTo(rs.Effective.Services)
	return rs, nil
}

// resolveInstances resolves every instance of a loaded stack (no wiring).
func resolveInstances(st model.Stack, templates map[string]model.Template) (ResolvedStack, error) {
	eff := model.EffectiveStack{Name: st.Name, VolumePrefix: st.VolumePrefix, Root: st.Root, Subnet: st.Subnet}
	for _, inst := range st.Instances {
		t, ok := templates[inst.Template]
		if !ok {
			return ResolvedStack{}, model.NewError(model.KindInternal, "template missing for "+inst.Name, inst.Template)
		}
		es, err := resolve.Resolve(t, inst)
		if err != nil {
			return ResolvedStack{}, prefixField(err, "instance "+inst.Name)
		}
		es.HostIP = st.PublishAddress
		eff.Services = append(eff.Services, es)
	}
	return ResolvedStack{Stack: st, Templates: templates, Effective: eff}, nil
}

// prefixField makes an error's summary say which instance it concerns.
func prefixField(err error, what string) error {
	e := model.AsError(err)
	c := *e
	c.Summary = what + ": " + e.Summary
	return &c
}

// Compose generates a stack's compose file; with write, it also puts it under the stack's
// directory when its bytes changed (for the user's own docker compose commands). Apply never
// reads that file (it feeds compose the planned document on stdin), so a preview can never
// change what an apply runs.
func (s *Service) Compose(ctx context.Context, name string, write bool) (ComposeResult, error) {
	rs, err := s.Resolve(ctx, name)
	if err != nil {
		return ComposeResult{}, err
	}
	doc, err := compose.Generate(rs.Effective)
	if err != nil {
		return ComposeResult{}, err
	}
	path, changed := filepath.Join(s.StackDir(name), compose.FileName), false
	if write {
		if path, changed, err = compose.WriteFile(s.StackDir(name), doc); err != nil {
			return ComposeResult{}, model.Wrap(model.KindInternal, err, "cannot write the compose file", err.Error())
		}
	}
	clashes, err := s.portClashes(ctx, rs)
	if err != nil {
		return ComposeResult{}, err
	}
	return ComposeResult{YAML: doc, Path: path, Written: changed, Clashes: clashes, Resolved: rs}, nil
}

// ComposeResult is a generated compose file and what was found while making it.
type ComposeResult struct {
	YAML     []byte
	Path     string
	Written  bool
	Clashes  []error
	Resolved ResolvedStack
}

// PortClashes reports the port problems of a stack's definition: host ports that another
// instance (any stack) also publishes, naming both sides, and the plan's findings for ports
// something holds now (another stack's running container, named; a process outside
// DevArch, named by its address). Without a container engine only the first kind is seen.
func (s *Service) PortClashes(ctx context.Context, stack string) ([]error, error) {
	own, err := s.Resolve(ctx, stack)
	if err != nil {
		return nil, err
	}
	return s.portClashes(ctx, own)
}

// portClashes is PortClashes of a stack its caller resolved already.
func (s *Service) portClashes(ctx context.Context, own ResolvedStack) ([]error, error) {
	stack := own.Stack.Name
	mine := compose.Bindings(own.Effective)
	if mine == nil {
		mine = []compose.Binding{}
	}
	others, err := s.otherBindings(ctx, stack, mine)
	if err != nil {
		return nil, err
	}
	all := append([]compose.StackBindings{{Stack: stack, Bindings: mine}}, others...)
	var out []error
	// One listing serves both checks; without an engine only the definitions are compared.
	containers, engineErr := s.devarchContainers(ctx, own.Stack.Context)
	running := map[int]bool{} // host ports this stack's running containers publish
	for _, c := range containers {
		if c.Labels[model.LabelStack] == stack && c.State == "running" {
			for _, p := range c.HostPorts {
				running[p] = true
			}
		}
	}
	for _, c := range compose.ClashesInvolving(stack, all) {
		if c.A.Stack != c.B.Stack && running[c.Port] {
			// This stack runs with the port: the clash is the other stack's to fix, shown
			// on its page (and its apply), not on the healthy one.
			continue
		}
		mineSide := c.A
		if mineSide.Stack != stack {
			mineSide = c.B
		}
		why := fmt.Sprintf("%s and %s both publish it. Change one of them", owner(c.A), owner(c.B))
		command := fmt.Sprintf("devarch instance set %s %s 'ports=[...]'", mineSide.Stack, mineSide.Instance)
		out = append(out, &PortClash{
			Err: model.Invalid("ports", fmt.Sprintf("host port %d/%s is published twice", c.Port, c.Protocol),
				why+", e.g. "+command+"."),
			Instance: mineSide.Instance, Detail: why + ".", Command: command})
	}
	d, err := plan.DesiredFrom(own.Effective, 0)
	if err != nil || engineErr != nil {
		return out, nil // the definition's own problems are reported by whoever generates it; live status unavailable: the caller says so
	}
	o := plan.Observed{Containers: containers}
	o.PortsInUse = runtime.PortsInUse(d.PortsToProbe(o))
	// Warnings (ports merely defined elsewhere) are the "published twice" above.
	for _, diag := range plan.PortDiagnostics(d, o).Errors() {
		detail := fmt.Sprintf("%s/%s: %s", stack, diag.Subject.Instance, diag.Detail)
		out = append(out, &PortClash{Err: model.Invalid(diag.Subject.Path, diag.Summary, detail), Instance: diag.Subject.Instance, Detail: detail})
	}
	return out, nil
}

// PortClash is one port problem PortClashes reports. As an error it is Err, the problem as
// the CLI prints it, whose detail gives the command that fixes it. The window offers the fix
// as a control instead: a link to the ports of Instance (an instance of the stack asked
// about), with Detail (Err's detail without the command) and Command shown second.
type PortClash struct {
	Err      *model.Error
	Instance string
	Detail   string
	Command  string // "" when the detail says what to do without one
}

func (c *PortClash) Error() string { return c.Err.Error() }

// Unwrap gives Err, so model.AsError and errors.As see the problem.
func (c *PortClash) Unwrap() error { return c.Err }

func owner(o compose.Owner) string { return fmt.Sprintf("%s/%s", o.Stack, o.Instance) }

// devarchContainers lists every container with DevArch's stack label on the engine of a
// docker context ("" the default), in one engine call: host ports are the engine host's, so
// clashes are judged per engine.
func (s *Service) devarchContainers(ctx context.Context, dockerContext string) ([]model.Container, error) {
	eng, err := s.engineOn(ctx, dockerContext)
	if err != nil {
		return nil, err
	}
	return eng.ListContainers(ctx, []string{model.LabelStack})
}

// observePorts adds to o what the plan needs to judge the stack's host ports (o.Containers
// already lists every DevArch container): the ports other stacks define (otherBindings:
// cached per stack revision, whatever their number), and which of the
// stack's addresses a process outside DevArch holds now (probed by runtime.PortsInUse,
// leaving out those DevArch containers hold).
//
// The probe runs only for a stack on an engine of this machine (local): a remote engine's
// host ports are its host's, and a process here holding the same port is no clash.
func (s *Service) observePorts(ctx context.Context, stack string, mine []compose.Binding, d plan.Desired, local bool, o *plan.Observed) error {
	if mine == nil {
		mine = []compose.Binding{}
	}
	others, err := s.otherBindings(ctx, stack, mine)
	if err != nil {
		return err
	}
	for _, st := range others {
		for _, b := range st.Bindings {
			o.OtherPorts = append(o.OtherPorts, plan.PortClaim{Stack: st.Stack, Instance: b.Instance, Port: b.Pub})
		}
	}
	if local {
		o.PortsInUse = runtime.PortsInUse(d.PortsToProbe(*o))
	}
	if o.Move != nil {
		// A move: what the stack's containers on the old engine hold is freed by the plan's
		// first actions (that engine may be on this machine, where the probe sees them).
		held := map[int]bool{}
		for _, c := range o.Move.Containers {
			for _, p := range c.HostPorts {
				held[p] = true
			}
		}
		o.PortsInUse = slices.DeleteFunc(o.PortsInUse, func(hp model.HostPort) bool { return held[hp.Port] })
	}
	return nil
}
