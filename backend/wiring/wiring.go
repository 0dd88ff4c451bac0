// Package wiring decides which instance of a stack provides each contract another instance
// consumes (DOMAIN.md, Wiring), and what that means for the consumer: the environment it
// receives, the instances it waits for, and the order in which the stack starts.
//
// It is part of the pure core: no I/O, no clock, no randomness. The same input gives the
// same Result, whatever the order of its slices, because every loop runs over names sorted
// first. It never chooses a provider by order or by name: a need is wired by an explicit
// wire, by the one instance that provides the contract, or by the pinned wire an earlier
// apply made; anything else is a problem for the user to settle with `devarch wire set`.
package wiring

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/devarch/devarch/backend/depgraph"
)

// Kind says why a wire exists.
type Kind string

const (
	// Explicit wires were set by the user (devarch wire set) and always win.
	Explicit Kind = "explicit"
	// Automatic wires join a consumer to the only instance providing the contract.
	Automatic Kind = "automatic"
	// Pinned wires are automatic wires an apply already made: they stay when a second
	// provider appears, so a running stack never switches providers silently.
	Pinned Kind = "pinned"
)

// Severity is a Problem's weight: errors block an apply, warnings do not.
type Severity string

const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Problem is one thing wiring found wrong or worth knowing. It maps 1:1 onto the plan's
// diagnostics (severity, summary, detail, subject instance and field path), so that the
// plan, the CLI and the UI show wiring problems like every other plan problem. Summary
// names every instance involved; Detail says how to fix it, with the command to run.
type Problem struct {
	Severity Severity `json:"severity"`
	Summary  string   `json:"summary"`
	Detail   string   `json:"detail,omitempty"`
	// Instance is the subject: the consumer whose need or wire is in question.
	Instance string `json:"instance,omitempty"`
	// Field is the path within the instance: consumes.CONTRACT for a need,
	// environment.VAR for a variable, depends_on for a cycle.
	Field string `json:"field,omitempty"`
}

// Wire joins a consumer's need for a contract to the instance that provides it.
type Wire struct {
	Consumer string `json:"consumer"`
	Contract string `json:"contract"`
	Provider string `json:"provider"`
	// Kind is left empty in inputs (Input.Explicit, Input.Pinned say which they are).
	Kind Kind `json:"kind,omitempty"`
}

// Need is a contract an instance consumes.
type Need struct {
	Contract string
	Required bool
	// Env maps a consumer variable to the name of a value the contract exports
	// (DB_HOST: host).
	Env map[string]string
}

// Offer is a contract an instance provides, with the values it exports, still holding
// their ${host} and ${env.NAME} references (Render resolves them).
type Offer struct {
	Contract string
	Values   map[string]string
}

// Instance is one instance of the stack as wiring sees it: its effective config reduced to
// what wiring needs.
type Instance struct {
	Name     string
	Provides []Offer
	Consumes []Need
	// Healthcheck is true when the instance's effective config has an enabled healthcheck:
	// its consumers then wait for service_healthy rather than service_started.
	Healthcheck bool
	// Env is the instance's effective environment, for ${env.NAME} in the values it offers.
	Env map[string]string
	// UserEnv holds the environment variables the user set by hand (instance overrides).
	// They win over wired values, with a warning that they shadow the wire.
	UserEnv map[string]bool
}

// Input is everything Resolve needs.
type Input struct {
	// Stack names the stack in fix commands.
	Stack     string
	Instances []Instance
	// Explicit are the user's wires (Kind ignored).
	Explicit []Wire
	// Pinned are the automatic wires the last apply made (Kind ignored). A pin whose
	// provider no longer provides the contract, or whose need is gone, is dropped.
	Pinned []Wire
}

// Result is the stack's wiring.
type Result struct {
	// Wires are the wires in effect, sorted by consumer then contract. Explicit wires that
	// are wrong (missing instance, contract not provided or not consumed) are not among
	// them; they are Problems.
	Wires    []Wire
	Problems []Problem
	// Env is what each consumer receives: consumer -> variable -> value. Variables the user
	// set by hand are left out (they win).
	Env map[string]map[string]string
	// DependsOn is consumer -> provider -> whether to wait for service_healthy (the provider
	// has a healthcheck) rather than service_started.
	DependsOn map[string]map[string]bool
	// Order is a deterministic start order: every provider before its consumers, ties by
	// name. Instances on a cycle (and those that wait for them) come last, by name.
	Order []string
}

// Errors reports whether any problem is an error (an apply must be refused).
func (r Result) Errors() bool {
	return slices.ContainsFunc(r.Problems, func(p Problem) bool { return p.Severity == SeverityError })
}

// CyclePrefix starts the summary of a cycle problem. A cycle of wires is also a cycle of
// depends_on, which plan.Compute reports on its own; callers merging both can skip these.
const CyclePrefix = "dependency cycle: "

// Resolve wires a stack (see the package doc and DOMAIN.md for the rules).
func Resolve(in Input) Result {
	r := Result{Env: map[string]map[string]string{}, DependsOn: map[string]map[string]bool{}}
	byName := make(map[string]*Instance, len(in.Instances))
	names := make([]string, 0, len(in.Instances))
	for i := range in.Instances {
		inst := &in.Instances[i]
		if _, dup := byName[inst.Name]; !dup {
			names = append(names, inst.Name)
		}
		byName[inst.Name] = inst
	}
	slices.Sort(names)

	// providers[contract] = sorted names of instances that provide it.
	providers := map[string][]string{}
	for _, n := range names {
		for _, o := range byName[n].Provides {
			providers[o.Contract] = append(providers[o.Contract], n)
		}
	}
	for c := range providers {
		providers[c] = slices.Compact(providers[c])
	}

	type key struct{ consumer, contract string }
	explicit := map[key]string{}
	refused := map[key]bool{}
	for _, w := range sortedWires(in.Explicit) {
		k := key{w.Consumer, w.Contract}
		if p := checkExplicit(in.Stack, w, byName); p != nil {
			r.Problems = append(r.Problems, *p)
			refused[k] = true
			continue
		}
		explicit[k] = w.Provider
	}
	pinned := map[key]string{}
	for _, w := range sortedWires(in.Pinned) {
		pinned[key{w.Consumer, w.Contract}] = w.Provider
	}

	for _, n := range names {
		inst := byName[n]
		needs := slices.Clone(inst.Consumes)
		slices.SortFunc(needs, func(a, b Need) int { return cmp.Compare(a.Contract, b.Contract) })
		for _, need := range needs {
			k := key{n, need.Contract}
			field := "consumes." + need.Contract
			if refused[k] {
				continue // the wrong explicit wire is the problem; never fall back silently
			}
			var w Wire
			others := without(providers[need.Contract], n)
			switch p, ok := explicit[k]; {
			case ok:
				w = Wire{n, need.Contract, p, Explicit}
			case pinned[k] != "" && slices.Contains(others, pinned[k]):
				w = Wire{n, need.Contract, pinned[k], Pinned}
				if len(others) > 1 {
					newer := without(others, w.Provider)
					r.Problems = append(r.Problems, Problem{SeverityWarning,
						fmt.Sprintf("%s also %s %s; %s stays wired to %s", orList(newer, "and"), provideVerb(newer), need.Contract, n, w.Provider),
						fmt.Sprintf("The applied wire is kept. To switch, run: devarch wire set %s %s %s %s", in.Stack, n, need.Contract, newer[0]),
						n, field})
				}
			case len(others) == 1:
				w = Wire{n, need.Contract, others[0], Automatic}
			case len(others) > 1:
				r.Problems = append(r.Problems, Problem{SeverityError,
					fmt.Sprintf("%s: %s is ambiguous: choose %s", n, need.Contract, orList(others, "or")),
					fmt.Sprintf("%s provide %s. Choose one: devarch wire set %s %s %s %s",
						orList(others, "and"), need.Contract, in.Stack, n, need.Contract, others[0]),
					n, field})
				continue
			default:
				sev, what := SeverityWarning, "optional"
				if need.Required {
					sev, what = SeverityError, "required"
				}
				r.Problems = append(r.Problems, Problem{sev,
					fmt.Sprintf("%s needs %s (%s) but no instance in stack %s provides it", n, need.Contract, what, in.Stack),
					fmt.Sprintf("Add an instance whose template provides %s (devarch instance add %s NAME --template TEMPLATE), then plan again.", need.Contract, in.Stack),
					n, field})
				continue
			}
			r.Wires = append(r.Wires, w)
			r.inject(in.Stack, inst, need, byName[w.Provider])
		}
	}
	r.Order, r.Problems = order(names, r.DependsOn, r.Problems)
	return r
}

// inject records what a wire gives its consumer: the mapped variables and the dependency.
func (r *Result) inject(stack string, consumer *Instance, need Need, provider *Instance) {
	deps := r.DependsOn[consumer.Name]
	if deps == nil {
		deps = map[string]bool{}
		r.DependsOn[consumer.Name] = deps
	}
	deps[provider.Name] = provider.Healthcheck
	var offer Offer
	for _, o := range provider.Provides {
		if o.Contract == need.Contract {
			offer = o
		}
	}
	for _, v := range slices.Sorted(maps.Keys(need.Env)) {
		valueName := need.Env[v]
		field := "environment." + v
		raw, ok := offer.Values[valueName]
		if !ok {
			r.Problems = append(r.Problems, Problem{SeverityError,
				fmt.Sprintf("%s maps %s to %s value %q, which %s does not export", consumer.Name, v, need.Contract, valueName, provider.Name),
				fmt.Sprintf("%s exports %s. Wire another provider (devarch wire set %s %s %s PROVIDER) or map %s to an exported value.",
					provider.Name, orList(slices.Sorted(maps.Keys(offer.Values)), "and"), stack, consumer.Name, need.Contract, v),
				consumer.Name, field})
			continue
		}
		if consumer.UserEnv[v] {
			r.Problems = append(r.Problems, Problem{SeverityWarning,
				fmt.Sprintf("%s: %s set by hand shadows the wire to %s (%s.%s)", consumer.Name, v, provider.Name, need.Contract, valueName),
				fmt.Sprintf("Your value is used. To take the wired one, remove yours: devarch instance set %s %s --unset %s", stack, consumer.Name, field),
				consumer.Name, field})
			continue
		}
		val, err := Render(raw, provider.Name, provider.Env)
		if err != nil {
			r.Problems = append(r.Problems, Problem{SeverityError,
				fmt.Sprintf("%s: %s value %q of %s: %v", consumer.Name, need.Contract, valueName, provider.Name, err),
				fmt.Sprintf("Fix the value in %s's template or set %s in %s's environment.", provider.Name, v, consumer.Name),
				consumer.Name, field})
			continue
		}
		env := r.Env[consumer.Name]
		if env == nil {
			env = map[string]string{}
			r.Env[consumer.Name] = env
		}
		env[v] = val
	}
}

// checkExplicit returns the problem with a user's wire, or nil when it can be used.
func checkExplicit(stack string, w Wire, byName map[string]*Instance) *Problem {
	field := "consumes." + w.Contract
	bad := func(summary, detail string) *Problem {
		return &Problem{SeverityError, summary, detail, w.Consumer, field}
	}
	unset := fmt.Sprintf("Remove the wire: devarch wire unset %s %s %s", stack, w.Consumer, w.Contract)
	consumer, ok := byName[w.Consumer]
	if !ok {
		return bad(fmt.Sprintf("wire %s %s -> %s: no instance named %s", w.Consumer, w.Contract, w.Provider, w.Consumer), unset)
	}
	provider, ok := byName[w.Provider]
	if !ok {
		return bad(fmt.Sprintf("wire %s %s -> %s: no instance named %s", w.Consumer, w.Contract, w.Provider, w.Provider),
			fmt.Sprintf("Wire another provider (devarch wire set %s %s %s PROVIDER) or %s.", stack, w.Consumer, w.Contract, lowerFirst(unset)))
	}
	if w.Consumer == w.Provider {
		return bad(fmt.Sprintf("wire %s %s -> %s: an instance cannot provide for itself", w.Consumer, w.Contract, w.Provider), unset)
	}
	if !slices.ContainsFunc(consumer.Consumes, func(n Need) bool { return n.Contract == w.Contract }) {
		return bad(fmt.Sprintf("wire %s %s -> %s: %s does not consume %s", w.Consumer, w.Contract, w.Provider, w.Consumer, w.Contract), unset)
	}
	if !slices.ContainsFunc(provider.Provides, func(o Offer) bool { return o.Contract == w.Contract }) {
		return bad(fmt.Sprintf("wire %s %s -> %s: %s does not provide %s", w.Consumer, w.Contract, w.Provider, w.Provider, w.Contract),
			fmt.Sprintf("Wire an instance that provides %s (devarch wire set %s %s %s PROVIDER) or %s.", w.Contract, stack, w.Consumer, w.Contract, lowerFirst(unset)))
	}
	return nil
}

// order is Kahn's topological sort of the instances, providers first, the smallest ready
// name next (deterministic), followed by the instances it could not place, sorted. Each
// cycle among them is reported once, from its smallest name.
func order(names []string, deps map[string]map[string]bool, problems []Problem) ([]string, []Problem) {
	waits := make(map[string][]string, len(deps))
	for n, ps := range deps {
		waits[n] = slices.Sorted(maps.Keys(ps))
	}
	out, left := depgraph.Order(names, waits)
	if len(left) == 0 {
		return out, problems
	}
	reported := map[string]bool{}
	for _, start := range left {
		cycle := depgraph.Cycle(start, waits, left)
		if cycle == nil {
			continue
		}
		// One report per cycle (Cycle starts it at its smallest name).
		text := strings.Join(cycle, " -> ")
		if reported[text] {
			continue
		}
		reported[text] = true
		problems = append(problems, Problem{SeverityError, CyclePrefix + text,
			"Each instance waits for the next, so none can start first. Remove one of these wires (devarch wire unset) or choose another provider (devarch wire set).",
			cycle[0], "depends_on"})
	}
	return append(out, left...), problems
}

// sortedWires is ws sorted by consumer, then contract, with the first of duplicates kept.
func sortedWires(ws []Wire) []Wire {
	out := slices.Clone(ws)
	slices.SortStableFunc(out, func(a, b Wire) int {
		return cmp.Or(cmp.Compare(a.Consumer, b.Consumer), cmp.Compare(a.Contract, b.Contract))
	})
	return slices.CompactFunc(out, func(a, b Wire) bool { return a.Consumer == b.Consumer && a.Contract == b.Contract })
}

// without is names without name (a copy).
func without(names []string, name string) []string {
	return slices.DeleteFunc(slices.Clone(names), func(n string) bool { return n == name })
}

// orList joins names as "a", "a or b", "a, b or c".
func orList(names []string, conj string) string {
	switch len(names) {
	case 0:
		return "nothing"
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " " + conj + " " + names[len(names)-1]
}

func provideVerb(names []string) string {
	if len(names) == 1 {
		return "provides"
	}
	return "provide"
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// PinsFromApplied derives the pinned wires from what the last apply made each instance
// wait for (applied: instance -> the providers in its applied depends_on). A consumer's
// need is pinned to a provider it waited for when that provider is the only one of them
// that provides the contract now; when none or several of them do, the need has no pin
// (never a choice by order or name). Deriving pins from the applied record, rather than
// storing them, means they exist exactly when an apply made them, and vanish with the
// applied record when the consumer is removed or renamed.
//
// An explicit wire that was applied and then unset leaves the same trace, so its provider
// stays the pin: unsetting a wire does not switch a running consumer to another provider
// either.
func PinsFromApplied(instances []Instance, applied map[string][]string) []Wire {
	if len(applied) == 0 {
		return nil
	}
	provides := map[string]map[string]bool{} // instance -> contract -> true
	for _, inst := range instances {
		m := map[string]bool{}
		for _, o := range inst.Provides {
			m[o.Contract] = true
		}
		provides[inst.Name] = m
	}
	var out []Wire
	for _, inst := range instances {
		deps := slices.Sorted(slices.Values(applied[inst.Name]))
		deps = slices.Compact(deps)
		for _, need := range inst.Consumes {
			var from []string
			for _, p := range deps {
				if p != inst.Name && provides[p][need.Contract] {
					from = append(from, p)
				}
			}
			if len(from) == 1 {
				out = append(out, Wire{Consumer: inst.Name, Contract: need.Contract, Provider: from[0], Kind: Pinned})
			}
		}
	}
	return sortedWires(out)
}
