package compose

import (
	"cmp"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/devarch/devarch/backend/model"
)

// DefaultHostIP is where host ports are published unless a ports entry names an address:
// a development database should not be reachable from the network by default.
const DefaultHostIP = "127.0.0.1"

// portForms is the detail of every invalid-port error.
const portForms = `Accepted forms: "80" (container port; the engine picks a free host port on 127.0.0.1), ` +
	`"8080:80" (host port 8080 on 127.0.0.1), "0.0.0.0:8080:80" (all interfaces), "127.0.0.1::80", ` +
	`"[::1]:8080:80", ranges of equal length ("8000-8002:9000-9002"), each optionally followed by ` +
	`"/tcp", "/udp" or "/sctp". Ports are 1-65535.`

// Published is one ports entry as the engine will bind it.
type Published struct {
	// HostIP is the address the host side binds: DefaultHostIP unless the entry named one.
	// "0.0.0.0" and "::" mean all interfaces.
	HostIP string
	// HostPort..HostPortEnd is the host port range (equal for a single port); 0 when the
	// engine picks a free port, which can never clash.
	HostPort, HostPortEnd int
	// ContainerPort..ContainerPortEnd is the container port range.
	ContainerPort, ContainerPortEnd int
	// Protocol is "tcp", "udp" or "sctp".
	Protocol string
	// Entry is the ports entry as the spec wrote it.
	Entry string

	protoGiven bool // the entry had a "/proto" suffix, kept when rendering
}

// Wildcard reports whether the binding covers every interface.
func (p Published) Wildcard() bool { return p.HostIP == "0.0.0.0" || p.HostIP == "::" }

// String renders the entry in compose's short syntax, always with an explicit host address
// (what Generate writes).
func (p Published) String() string {
	ip := p.HostIP
	if strings.Contains(ip, ":") {
		ip = "[" + ip + "]"
	}
	host := ""
	if p.HostPort != 0 {
		host = portRange(p.HostPort, p.HostPortEnd)
	}
	s := ip + ":" + host + ":" + portRange(p.ContainerPort, p.ContainerPortEnd)
	if p.protoGiven {
		s += "/" + p.Protocol
	}
	return s
}

func portRange(a, b int) string {
	if a == b {
		return strconv.Itoa(a)
	}
	return strconv.Itoa(a) + "-" + strconv.Itoa(b)
}

// ParsePort reads one short-syntax ports entry. An entry without an address gets
// DefaultHostIP; a container-only entry ("80") gets one too, with a random host port,
// because compose would otherwise publish it on every interface.
func ParsePort(entry string) (Published, error) {
	return parsePortOn(entry, DefaultHostIP)
}

// parsePortOn is ParsePort with another default address (EffectiveService.HostIP).
func parsePortOn(entry, defaultIP string) (Published, error) {
	p := Published{Entry: entry, Protocol: "tcp"}
	bad := func(why string) (Published, error) { return Published{}, errors.New(why) }
	rest := entry
	if i := strings.LastIndexByte(rest, '/'); i >= 0 {
		proto := strings.ToLower(rest[i+1:])
		switch proto {
		case "tcp", "udp", "sctp":
		default:
			return bad(fmt.Sprintf("unknown protocol %q", rest[i+1:]))
		}
		p.Protocol, p.protoGiven, rest = proto, true, rest[:i]
	}
	var ip string
	var parts []string
	ipGiven := false
	if strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 0 || !strings.HasPrefix(rest[end+1:], ":") {
			return bad("an IPv6 address must be written [ADDRESS]:HOST:CONTAINER")
		}
		ip, ipGiven = rest[1:end], true
		parts = strings.Split(rest[end+2:], ":")
		if len(parts) != 2 {
			return bad("an IPv6 address must be written [ADDRESS]:HOST:CONTAINER")
		}
	} else {
		parts = strings.Split(rest, ":")
		switch len(parts) {
		case 1:
			parts = []string{"", parts[0]}
		case 2:
			if parts[0] == "" {
				return bad("the host port is empty")
			}
		case 3:
			ip, ipGiven, parts = parts[0], true, parts[1:]
		default:
			return bad("too many ':' (write an IPv6 address in brackets)")
		}
	}
	p.HostIP = defaultIP
	if ipGiven {
		addr, err := netip.ParseAddr(ip)
		if err != nil || addr.Zone() != "" {
			return bad(fmt.Sprintf("%q is not an IP address", ip))
		}
		p.HostIP = addr.String()
	}
	var err error
	if p.ContainerPort, p.ContainerPortEnd, err = parseRange("container port", parts[1]); err != nil {
		return bad(err.Error())
	}
	if parts[0] != "" {
		if p.HostPort, p.HostPortEnd, err = parseRange("host port", parts[0]); err != nil {
			return bad(err.Error())
		}
		if p.HostPortEnd-p.HostPort != p.ContainerPortEnd-p.ContainerPort {
			return bad("the host and container port ranges have different lengths")
		}
	}
	return p, nil
}

// parseRange reads a port or a range of ports ("8000-8002"); side names it in errors
// ("host port 99999 is out of range 1-65535").
func parseRange(side, s string) (int, int, error) {
	lo, hi, isRange := strings.Cut(s, "-")
	a, err := parsePortNumber(side, lo)
	if err != nil {
		return 0, 0, err
	}
	if !isRange {
		return a, a, nil
	}
	b, err := parsePortNumber(side, hi)
	if err != nil {
		return 0, 0, err
	}
	if b < a {
		return 0, 0, fmt.Errorf("%s range %q ends before it starts", side, s)
	}
	return a, b, nil
}

// parsePortNumber reads one port: decimal digits, 1-65535.
func parsePortNumber(side, s string) (int, error) {
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return 0, fmt.Errorf("%s %q is not a number", side, s)
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 65535 {
		return 0, fmt.Errorf("%s %s is out of range 1-65535", side, s)
	}
	return n, nil
}

// PublishedPorts returns how svc's ports entries will be bound, in spec order. An invalid
// entry is a model.Invalid error on "ports[i]" (the first one; PortProblems lists all).
func PublishedPorts(svc model.EffectiveService) ([]Published, error) {
	pubs, problems := publishedPorts(svc)
	if len(problems) > 0 {
		return nil, problems[0]
	}
	return pubs, nil
}

// PortProblems returns a problem for every invalid ports entry of svc, in spec order (nil
// when all are valid): what PublishedPorts, and so Generate, would refuse, for callers that
// report every problem of an input at once.
func PortProblems(svc model.EffectiveService) []*model.Error {
	_, problems := publishedPorts(svc)
	return problems
}

// publishedPorts returns the valid entries and a problem per invalid one, so that
// PortClashes can still check the valid ones of a service whose spec Generate will reject.
func publishedPorts(svc model.EffectiveService) ([]Published, []*model.Error) {
	v, ok := svc.Spec["ports"]
	if !ok || v == nil {
		return nil, nil
	}
	items, ok := asList(v)
	if !ok {
		return nil, []*model.Error{invalidf(svc.Instance, "ports", "ports must be a list of strings", portForms)}
	}
	var pubs []Published
	var problems []*model.Error
	first := map[string]int{} // rendered entry -> index of its first occurrence
	for i, item := range items {
		path := fmt.Sprintf("ports[%d]", i)
		s, ok := item.(string)
		if !ok {
			problems = append(problems, invalidf(svc.Instance, path, fmt.Sprintf("port must be a string, not %s", typeName(item)), portForms))
			continue
		}
		p, err := parsePortOn(s, cmp.Or(svc.HostIP, DefaultHostIP))
		if err != nil {
			problems = append(problems, invalidf(svc.Instance, path, fmt.Sprintf("invalid port %q: %v", s, err), portForms))
			continue
		}
		if j, dup := first[p.String()]; dup {
			problems = append(problems, invalidf(svc.Instance, path, fmt.Sprintf("port %q publishes the same as ports[%d] (%q)", s, j, items[j]),
				"Compose refuses a ports list with the same entry twice. Remove one of them."))
		} else {
			first[p.String()] = i
		}
		pubs = append(pubs, p)
	}
	return pubs, problems
}

// Owner is one side of a Clash.
type Owner struct {
	Stack, Instance string
	// HostIP is the address this side binds, Entry its ports entry as written.
	HostIP, Entry string
}

// Clash is a host port that two ports entries would both bind.
type Clash struct {
	Port     int    // the (first) host port both bind
	Protocol string // tcp, udp or sctp
	A, B     Owner  // A sorts before B
}

func (c Clash) String() string {
	return fmt.Sprintf("host port %d/%s is published by both %s/%s (%q) and %s/%s (%q)",
		c.Port, c.Protocol, c.A.Stack, c.A.Instance, c.A.Entry, c.B.Stack, c.B.Instance, c.B.Entry)
}

// Binding is one fixed host port (range) an instance publishes: what clash checks compare.
// A stack's bindings depend only on its effective configuration, so they can be kept (e.g.
// cached by revision) and compared without resolving the stack again.
type Binding struct {
	Instance string    `json:"instance"`
	Pub      Published `json:"published"`
}

// StackBindings are a stack's bindings under its name.
type StackBindings struct {
	Stack    string
	Bindings []Binding
}

// Bindings lists the fixed host ports st publishes (random host ports, which never clash,
// and invalid entries, which Generate reports, are left out), in spec order.
func Bindings(st model.EffectiveStack) []Binding {
	var out []Binding
	for _, svc := range st.Services {
		pubs, _ := publishedPorts(svc)
		for _, p := range pubs {
			if p.HostPort != 0 {
				out = append(out, Binding{Instance: svc.Instance, Pub: p})
			}
		}
	}
	return out
}

// PortClashes finds host ports that two ports entries anywhere in stacks (same instance, same
// stack or different stacks) would both bind: same protocol, overlapping host ports, and the
// same address or either side on all interfaces (0.0.0.0 or ::). Entries with a random host
// port never clash. Invalid entries are skipped (Generate reports them). Ports bound by other
// processes are not seen here: that takes I/O; Published has what such a check needs.
// The result is sorted by port, protocol, then owners.
func PortClashes(stacks []model.EffectiveStack) []Clash {
	sb := make([]StackBindings, len(stacks))
	for i, st := range stacks {
		sb[i] = StackBindings{Stack: st.Name, Bindings: Bindings(st)}
	}
	return ClashesAmong(sb)
}

// ClashesAmong is PortClashes over bindings already extracted.
func ClashesAmong(stacks []StackBindings) []Clash { return clashes(stacks, "") }

// ClashesInvolving is ClashesAmong restricted to clashes with at least one side in stack:
// it compares that stack's bindings with every other one, so its cost grows with the
// number of other bindings, not with its square.
func ClashesInvolving(stack string, stacks []StackBindings) []Clash { return clashes(stacks, stack) }

func clashes(stacks []StackBindings, only string) []Clash {
	type bound struct {
		owner Owner
		pub   Published
	}
	var all []bound
	mine := 0 // with only set, the first mine entries of all are its bindings
	for pass := range 2 {
		for _, st := range stacks {
			if only != "" && (pass == 0) != (st.Stack == only) {
				continue
			}
			if only == "" && pass == 1 {
				continue
			}
			for _, b := range st.Bindings {
				all = append(all, bound{Owner{st.Stack, b.Instance, b.Pub.HostIP, b.Pub.Entry}, b.Pub})
			}
		}
		if pass == 0 {
			mine = len(all)
		}
	}
	outer := len(all)
	if only != "" {
		outer = mine
	}
	var clashes []Clash
	for i := range outer {
		for j := i + 1; j < len(all); j++ {
			a, b := all[i], all[j]
			if a.pub.Protocol != b.pub.Protocol {
				continue
			}
			if a.pub.HostIP != b.pub.HostIP && !a.pub.Wildcard() && !b.pub.Wildcard() {
				continue
			}
			lo := max(a.pub.HostPort, b.pub.HostPort)
			if lo > min(a.pub.HostPortEnd, b.pub.HostPortEnd) {
				continue
			}
			if compareOwner(b.owner, a.owner) < 0 {
				a, b = b, a
			}
			clashes = append(clashes, Clash{Port: lo, Protocol: a.pub.Protocol, A: a.owner, B: b.owner})
		}
	}
	slices.SortFunc(clashes, func(x, y Clash) int {
		return cmp.Or(cmp.Compare(x.Port, y.Port), cmp.Compare(x.Protocol, y.Protocol),
			compareOwner(x.A, y.A), compareOwner(x.B, y.B))
	})
	return clashes
}

func compareOwner(a, b Owner) int {
	return cmp.Or(cmp.Compare(a.Stack, b.Stack), cmp.Compare(a.Instance, b.Instance),
		cmp.Compare(a.HostIP, b.HostIP), cmp.Compare(a.Entry, b.Entry))
}
