package engine

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"strconv"

	"github.com/devarch/devarch/backend/catalog"
	"github.com/devarch/devarch/backend/compose"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/resolve"
	"github.com/devarch/devarch/backend/store"
)

// SyncCatalog runs the start-up housekeeping: it installs the binary's built-in templates (new ones added, older stored
// versions updated, custom templates untouched). It runs at every start; it writes only
// when something changed.
func (s *Service) SyncCatalog(ctx context.Context) (store.SyncResult, error) {
	// Runs a crashed process left "running" are marked interrupted first, so history and
	// the stack pages show the truth from the start.
	if _, err := s.Store.MarkInterrupted(ctx); err != nil {
		return store.SyncResult{}, err
	}
	builtins, err := catalog.Builtins()
	if err != nil {
		return store.SyncResult{}, model.Wrap(model.KindInternal, err, "the built-in templates are broken", err.Error())
	}
	return s.Store.SyncBuiltins(ctx, builtins)
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
	Effective model.EffectiveStack
}

// Resolve loads a stack (one consistent snapshot) and resolves every instance.
func (s *Service) Resolve(ctx context.Context, name string) (ResolvedStack, error) {
	st, templates, err := s.Store.LoadForResolve(ctx, name)
	if err != nil {
		return ResolvedStack{}, err
	}
	id, err := s.installationID(ctx)
	if err != nil {
		return ResolvedStack{}, err
	}
	rs, err := ResolveLoaded(st, templates)
	rs.Effective.Root, rs.Effective.Installation = s.ProjectRoot(st), id
	return rs, err
}

// ResolveLoaded resolves an already-loaded stack: pure, so benchmarks and tests can call it
// without a database.
func ResolveLoaded(st model.Stack, templates map[string]model.Template) (ResolvedStack, error) {
	eff := model.EffectiveStack{Name: st.Name, VolumePrefix: st.VolumePrefix, Root: st.Root}
	for _, inst := range st.Instances {
		t, ok := templates[inst.Template]
		if !ok {
			return ResolvedStack{}, model.NewError(model.KindInternal, "template missing for "+inst.Name, inst.Template)
		}
		es, err := resolve.Resolve(t, inst)
		if err != nil {
			return ResolvedStack{}, prefixField(err, "instance "+inst.Name)
		}
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
	clashes, err := s.PortClashes(ctx, name)
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

// PortClashes reports host ports of stack that another instance (any stack) also
// publishes, or that another process already holds, naming both sides.
func (s *Service) PortClashes(ctx context.Context, stack string) ([]error, error) {
	names, err := s.Store.ListStacks(ctx)
	if err != nil {
		return nil, err
	}
	var all []model.EffectiveStack
	var mine *model.EffectiveStack
	for _, n := range names {
		rs, err := s.Resolve(ctx, n.Name)
		if err != nil {
			if n.Name == stack {
				return nil, err
			}
			continue // another stack's own problem is reported on its own page
		}
		all = append(all, rs.Effective)
		if n.Name == stack {
			mine = &all[len(all)-1]
		}
	}
	var out []error
	running, _ := s.runningPorts(ctx, stack)
	for _, c := range compose.PortClashes(all) {
		if c.A.Stack != stack && c.B.Stack != stack {
			continue
		}
		if c.A.Stack != c.B.Stack && running[c.Port] {
			// This stack runs with the port: the clash is the other stack's to fix, shown
			// on its page (and its apply), not on the healthy one.
			continue
		}
		out = append(out, model.Invalid("ports",
			fmt.Sprintf("host port %d/%s is published twice", c.Port, c.Protocol),
			fmt.Sprintf("%s and %s both publish it. Change one of them (devarch instance set STACK NAME ports=[...]).", owner(c.A), owner(c.B))))
	}
	if mine == nil {
		return out, nil
	}
	for _, svc := range mine.Services {
		ports, err := compose.PublishedPorts(svc)
		if err != nil {
			continue
		}
		for _, p := range ports {
			if p.HostPort == 0 || running[p.HostPort] {
				continue
			}
			if holder := boundElsewhere(p.HostIP, p.HostPort, p.Protocol); holder != "" {
				out = append(out, model.Invalid("ports",
					fmt.Sprintf("host port %d/%s is already in use on this machine", p.HostPort, p.Protocol),
					fmt.Sprintf("%s/%s publishes it, but another process (%s) holds it. Stop that process or choose another port.", stack, svc.Instance, holder)))
			}
		}
	}
	return out, nil
}

func owner(o compose.Owner) string { return fmt.Sprintf("%s/%s", o.Stack, o.Instance) }

// runningPorts are host ports this stack's own running containers hold: not clashes.
func (s *Service) runningPorts(ctx context.Context, stack string) (map[int]bool, error) {
	out := map[int]bool{}
	eng, err := s.Engine(ctx)
	if err != nil {
		return out, err
	}
	cs, err := eng.ListContainers(ctx, []string{model.LabelStack + "=" + stack})
	if err != nil {
		return out, err
	}
	for _, c := range cs {
		if c.State == "running" {
			for _, p := range c.HostPorts {
				out[p] = true
			}
		}
	}
	return out, nil
}

// boundElsewhere tries to bind the port: failure means another process holds it.
func boundElsewhere(ip string, port int, proto string) string {
	if ip == "" {
		ip = "127.0.0.1"
	}
	addr := net.JoinHostPort(ip, strconv.Itoa(port))
	if proto == "udp" {
		c, err := net.ListenPacket("udp", addr)
		if err != nil {
			return "bound: " + err.Error()
		}
		c.Close()
		return ""
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return "listening on " + addr
	}
	l.Close()
	return ""
}
