package engine

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/devarch/devarch/backend/compose"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/secrets"
)

// CloneOptions are devarch stack clone's choices.
type CloneOptions struct {
	// Root is the clone's project root, an absolute existing directory (typically a git
	// worktree of the same project): its relative bind mounts and build contexts resolve
	// there. "" keeps the source's project root (its chosen root, or its folder under the
	// data home when it has none), so both stacks mount the same files.
	Root string
	// DryRun validates everything and reports the clone (ports included), writing nothing.
	DryRun bool
}

// PortChange is one published host port (or range) the clone moves so that both stacks
// can run side by side.
type PortChange struct {
	Instance string
	// From and To are the ports entries before and after ("8080:80" -> "8081:80").
	From, To string
	// OldPort..OldPortEnd and NewPort..NewPortEnd are the host port ranges (equal ends for
	// a single port).
	OldPort, OldPortEnd int
	NewPort, NewPortEnd int
	Protocol            string
}

// CloneResult says what a clone created (or, for a dry run, would create).
type CloneResult struct {
	Source string
	Stack  string
	// Root is the clone's project root (absolute).
	Root      string
	Instances []string
	Wires     int
	// Ports are the host ports moved, in instance then entry order.
	Ports []PortChange
	// Secrets are the secrets copied (re-sealed for the new stack), generated database
	// passwords included; MissingSecrets those the instances reference that neither stack
	// has a value for.
	Secrets        []string
	MissingSecrets []string
	Warnings       []string
	DryRun         bool
}

// CloneStack copies the stack src as a new stack dst: its instances with their overrides,
// explicit wires, extensions, the custom templates they use (shared, not copied) and every
// secret value, re-sealed for dst (a sealed value is bound to its stack's id, so the
// ciphertext cannot be copied as it is). Generated database passwords are copied too: a
// clone is the same definition, and its fresh, empty volumes are initialised with them.
//
// Every published host port gets a free one so that both stacks run side by side: for
// each entry in instance-name then entry order, the lowest port (or block of ports, for a
// range) above the source's that no stack in the database publishes (the source included),
// that no earlier entry of the clone took, and that nothing on this host holds now (a
// listen probe on the entry's address). The choice is deterministic for a given database
// and host; it is recorded in the clone's overrides, so `devarch plan NEW` shows it and
// later runs do not move it. Container-only entries ("80") keep their engine-chosen port.
//
// Named volumes are not copied: the clone has its own volume prefix and starts empty.
//
// Everything is validated before anything is written, and the clone is written in one
// transaction (importDocument): an error leaves the database as it was.
func (s *Service) CloneStack(ctx context.Context, src, dst string, opts CloneOptions) (CloneResult, error) {
	if err := model.ValidateStackName(dst); err != nil {
		return CloneResult{}, err
	}
	if opts.Root != "" {
		if err := validRoot(opts.Root); err != nil {
			return CloneResult{}, err
		}
	}
	st, templates, err := s.Store.LoadForResolve(ctx, src)
	if model.KindOf(err) == model.KindNotFound {
		names, _ := s.StackNames(ctx)
		return CloneResult{}, &model.Error{Kind: model.KindNotFound, Field: "stack",
			Summary: fmt.Sprintf("no stack named %q to clone", src),
			Detail:  nearest(src, names) + "Stacks: " + listOrNone(names) + ". Nothing was created."}
	}
	if err != nil {
		return CloneResult{}, err
	}
	if src == dst {
		return CloneResult{}, model.Invalid("name", "a stack cannot be cloned onto itself", "Give the clone a new name: devarch stack clone "+src+" "+src+"-2.")
	}
	if exists, err := s.Store.StackExists(ctx, dst); err != nil {
		return CloneResult{}, err
	} else if exists {
		return CloneResult{}, &model.Error{Kind: model.KindConflict, Field: "name",
			Summary: fmt.Sprintf("a stack named %q already exists", dst),
			Detail:  "Nothing was cloned. Choose another name, or delete that stack first: devarch stack delete " + dst + "."}
	}

	d, err := s.exportDocument(ctx, st, templates)
	if err != nil {
		return CloneResult{}, err
	}
	d.Name = dst

	// Ports: the source's effective ports (template and overrides), against every port
	// the database publishes.
	own, err := resolveInstances(st, templates)
	if err != nil {
		return CloneResult{}, model.Wrap(model.KindInvalid, err, fmt.Sprintf("stack %q does not resolve, so its ports cannot be moved", src), "Fix it first (devarch plan "+src+" names the problem). Nothing was cloned.")
	}
	taken := portSet{}
	others, err := s.otherBindings(ctx, src, nil)
	if err != nil {
		return CloneResult{}, err
	}
	for _, o := range others {
		for _, b := range o.Bindings {
			taken.add(b.Pub.Protocol, b.Pub.HostPort, b.Pub.HostPortEnd)
		}
	}
	taken.addStack(own.Effective)
	res := CloneResult{Source: src, Stack: dst, DryRun: opts.DryRun}
	for i, ti := range d.Instances {
		var svc model.EffectiveService
		for _, es := range own.Effective.Services {
			if es.Instance == ti.Name {
				svc = es
			}
		}
		entries, _ := svc.Spec["ports"].([]any)
		if len(entries) == 0 {
			continue
		}
		moved := make([]any, len(entries))
		changed := false
		for j, e := range entries {
			moved[j] = e
			entry, _ := e.(string)
			p, err := compose.ParsePort(entry)
			if err != nil || p.HostPort == 0 {
				continue
			}
			n := p.HostPortEnd - p.HostPort
			next, ok := taken.free(p, hostFree)
			if !ok {
				return CloneResult{}, model.Invalid("ports", fmt.Sprintf("%s/%s: no free host port above %d for %q", src, ti.Name, p.HostPort, entry),
					"Every port up to 65535 is taken. Free some, or change the source's port first. Nothing was cloned.")
			}
			to := withHostPort(entry, p, next, next+n)
			moved[j] = to
			changed = true
			taken.add(p.Protocol, next, next+n)
			res.Ports = append(res.Ports, PortChange{Instance: ti.Name, From: entry, To: to,
				OldPort: p.HostPort, OldPortEnd: p.HostPortEnd, NewPort: next, NewPortEnd: next + n, Protocol: p.Protocol})
		}
		if changed {
			o := model.Spec{}
			for k, v := range ti.Overrides {
				o[k] = v
			}
			o["ports"] = moved
			d.Instances[i].Overrides = o
		}
	}

	// Secrets: every stored value of the source, opened with its key and given to the
	// import, which seals each for the new stack's id inside its transaction.
	sealed, err := s.Store.StackSecrets(ctx, src)
	if err != nil {
		return CloneResult{}, err
	}
	values := map[string]secrets.Value{}
	for _, x := range sealed {
		v, err := s.open(ctx, x)
		if err != nil {
			return CloneResult{}, err
		}
		values[x.Name] = v
	}

	root := opts.Root
	if root == "" {
		root = s.ProjectRoot(st)
	}
	imp, err := s.importDocument(ctx, d, ImportOptions{DryRun: opts.DryRun}, importExtras{Secrets: values, Root: root, Context: st.Context})
	if err != nil {
		return CloneResult{}, err
	}
	res.Root = root
	res.Instances = imp.Instances
	res.Wires = imp.Wires
	res.Secrets = slices.Compact(slices.Sorted(slices.Values(append(slices.Clone(imp.SecretsSet), imp.SecretsGenerated...))))
	res.MissingSecrets = imp.MissingSecrets
	for _, w := range imp.Warnings {
		if !strings.Contains(w, "is an absolute host path") { // the clone is on this machine
			res.Warnings = append(res.Warnings, w)
		}
	}
	return res, nil
}

// portSet is the host ports taken, by protocol. Addresses are not told apart: a port one
// stack publishes on 127.0.0.1 is not given to the clone on another address either (the
// simplest rule that can never produce a clash).
type portSet map[string]map[int]bool

func (ps portSet) add(proto string, from, to int) {
	if ps[proto] == nil {
		ps[proto] = map[int]bool{}
	}
	for p := from; p <= to; p++ {
		ps[proto][p] = true
	}
}

func (ps portSet) addStack(st model.EffectiveStack) {
	for _, svc := range st.Services {
		pubs, _ := compose.PublishedPorts(svc)
		for _, p := range pubs {
			if p.HostPort != 0 {
				ps.add(p.Protocol, p.HostPort, p.HostPortEnd)
			}
		}
	}
}

// free is the lowest start above p.HostPort of a block as long as p's range whose every
// port is neither in the set nor held on the host (inUse).
func (ps portSet) free(p compose.Published, hostFree func(ip, proto string, port int) bool) (int, bool) {
	n := p.HostPortEnd - p.HostPort
	for start := p.HostPort + 1; start+n <= 65535; start++ {
		ok := true
		for q := start; q <= start+n; q++ {
			if ps[p.Protocol][q] || !hostFree(p.HostIP, p.Protocol, q) {
				ok = false
				start = q // the next candidate block starts after q
				break
			}
		}
		if ok {
			return start, true
		}
	}
	return 0, false
}

// hostFree reports whether nothing on this host holds the port now (runtime.PortsInUse's
// listen probe).
func hostFree(ip, proto string, port int) bool {
	return len(runtime.PortsInUse([]model.HostPort{{IP: ip, Port: port, Protocol: proto}})) == 0
}

// withHostPort rewrites a ports entry's host port (range) in the entry's own form, so the
// clone's overrides read like the source's ("8080:80" -> "8081:80").
func withHostPort(entry string, p compose.Published, from, to int) string {
	host := strconv.Itoa(from)
	if p.HostPortEnd != p.HostPort {
		host += "-" + strconv.Itoa(to)
	}
	rest, proto := entry, ""
	if i := strings.LastIndexByte(rest, '/'); i >= 0 {
		rest, proto = rest[:i], rest[i:]
	}
	c := strings.LastIndexByte(rest, ':') // before the container part
	ipPart := ""                          // "ADDRESS:" when the entry names one
	if h := strings.LastIndexByte(rest[:c], ':'); h >= 0 {
		ipPart = rest[:h+1]
	}
	return ipPart + host + rest[c:] + proto
}
