package plan

import (
	"fmt"
	"slices"

	"github.com/devarch/devarch/backend/compose"
	"github.com/devarch/devarch/backend/model"
)

// holdsPorts are the container states in which the engine keeps a container's published
// ports bound.
var holdsPorts = map[string]bool{"running": true, "paused": true, "restarting": true}

// bindings are the host addresses one ports entry binds, one per host port; none for an
// entry whose host port the engine picks.
func bindings(p compose.Published) []model.HostPort {
	if p.HostPort == 0 {
		return nil
	}
	var out []model.HostPort
	for n := p.HostPort; n <= max(p.HostPortEnd, p.HostPort); n++ {
		out = append(out, model.HostPort{IP: p.HostIP, Port: n, Protocol: p.Protocol})
	}
	return out
}

// holder is the first DevArch container in cs holding an address overlapping want, whose
// stack is (mine) or is not (!mine) stack.
func holder(cs []model.Container, stack string, mine bool, want model.HostPort) (model.Container, model.HostPort, bool) {
	for _, c := range cs {
		if (stackOf(c) == stack) != mine || stackOf(c) == "" || !holdsPorts[c.State] {
			continue
		}
		for _, b := range c.Published {
			if want.Overlaps(b) {
				return c, b, true
			}
		}
	}
	return model.Container{}, model.HostPort{}, false
}

// PortsToProbe are the host addresses the stack's instances publish that no running DevArch
// container holds: the engine tries to bind these (runtime.PortsInUse) and passes those in
// use as Observed.PortsInUse. An address held by a DevArch container is left out because
// the engine's port proxy would make it look like another process's: the plan names the
// container instead (or, for the stack's own, it is no clash at all).
func (d Desired) PortsToProbe(o Observed) []model.HostPort {
	var out []model.HostPort
	for _, s := range d.Services {
		for _, p := range s.Ports {
			for _, want := range bindings(p) {
				_, _, own := holder(o.Containers, d.Stack, true, want)
				_, _, other := holder(o.Containers, d.Stack, false, want)
				if !own && !other && !slices.Contains(out, want) {
					out = append(out, want)
				}
			}
		}
	}
	return out
}

// portDiagnostics checks each host port the stack's instances publish (services sorted by
// instance) against what holds it now, the first that applies:
//
//   - a running container of this stack: no clash (it is the container the plan keeps or
//     replaces, or one it removes first);
//   - a running container of another stack: an error naming that stack and instance;
//   - a process outside DevArch (Observed.PortsInUse): an error naming the address;
//
// and, unless another stack's container holds it, against other stacks' definitions
// (Observed.OtherPorts): a warning naming each, since the two cannot run at the same time.
//
// A ports entry gets one diagnostic per holder, at the first port of its range that clashes.
//
// services and o.Containers come sorted (by Compute), claims are sorted here: the result
// does not depend on the order of the inputs.
func portDiagnostics(stack string, services []DesiredService, o Observed) Diagnostics {
	claims := slices.Clone(o.OtherPorts)
	slices.SortFunc(claims, func(a, b PortClaim) int {
		return cmpString(a.Stack+"\x00"+a.Instance+"\x00"+a.Port.Entry, b.Stack+"\x00"+b.Instance+"\x00"+b.Port.Entry)
	})
	var out Diagnostics
	seen := map[string]bool{}
	once := func(key string, d Diagnostic) {
		if !seen[key] {
			seen[key] = true
			out = append(out, d)
		}
	}
	// Every port problem is fixed in the instance's ports (or by stopping whatever holds
	// the port, which the detail says): faces link to that field.
	fix := func(d Diagnostic) Diagnostic {
		d.Fix = &Fix{Kind: FixEditField}
		return d
	}
	for _, s := range services {
		subject := Subject{Instance: s.Instance, Path: "ports"}
		for _, p := range s.Ports {
			for _, want := range bindings(p) {
				_, _, own := holder(o.Containers, stack, true, want)
				if c, b, ok := holder(o.Containers, stack, false, want); ok && !own {
					other, inst := stackOf(c), c.Labels[model.LabelInstance]
					who := "container " + containerName(c)
					if inst != "" {
						who += " (instance " + inst + ")"
					}
					once(s.Instance+"\x00"+p.Entry+"\x00held\x00"+c.ID, fix(Errorf(subject,
						fmt.Sprintf("host port %d/%s is in use by stack %s", want.Port, want.Protocol, other),
						fmt.Sprintf("Stack %s's running %s holds %s, which ports entry %q needs. Stop that stack (devarch stop %s) or publish another port here.",
							other, who, b, p.Entry, other))))
					continue
				}
				if !own && slices.ContainsFunc(o.PortsInUse, want.Overlaps) {
					once(s.Instance+"\x00"+p.Entry+"\x00process", fix(Errorf(subject,
						fmt.Sprintf("host address %s is in use by a process outside DevArch", want),
						fmt.Sprintf("Ports entry %q needs it, and another program (or a container DevArch did not create) is listening there. Stop it, or publish another port here.", p.Entry))))
					continue
				}
				for _, claim := range claims {
					for _, b := range bindings(claim.Port) {
						if want.Overlaps(b) {
							once(s.Instance+"\x00"+p.Entry+"\x00claim\x00"+claim.Stack+"\x00"+claim.Instance, fix(Warningf(subject,
								fmt.Sprintf("host port %d/%s is also published by stack %s", want.Port, want.Protocol, claim.Stack),
								fmt.Sprintf("Instance %s of stack %s publishes it (%q) and does not hold it now, but the two cannot run at the same time: whichever starts second fails.",
									claim.Instance, claim.Stack, claim.Port.Entry))))
							break
						}
					}
				}
			}
		}
	}
	return out
}

// PortDiagnostics are the port diagnostics Compute gives the plan of d against o, for faces
// that show a stack's port problems without planning (devarch compose, stack show).
func PortDiagnostics(d Desired, o Observed) Diagnostics {
	services := slices.Clone(d.Services)
	slices.SortFunc(services, func(a, b DesiredService) int { return cmpString(a.Instance, b.Instance) })
	o.Containers = slices.Clone(o.Containers)
	slices.SortFunc(o.Containers, func(a, b model.Container) int { return cmpString(a.Name+"\x00"+a.ID, b.Name+"\x00"+b.ID) })
	return portDiagnostics(d.Stack, services, o)
}
