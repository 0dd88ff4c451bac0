package engine

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/plan"
	"github.com/devarch/devarch/backend/spelling"
	"github.com/devarch/devarch/backend/wiring"
)

// contractName is the wires table's check on contract names (and the template format's).
var contractName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// Wiring is a stack's wiring as wire list and graph show it.
type Wiring struct {
	Stack    string
	Revision int64
	// Instances are the graph's nodes, in start order (providers first).
	Instances []string
	// Templates maps each instance to its template's name.
	Templates map[string]string
	// Wires are the wires in effect (explicit, automatic, pinned), by consumer and contract.
	Wires []wiring.Wire
	// Problems are the wiring's errors (they block apply) and warnings.
	Problems []wiring.Problem
}

// WireChange is what a wire set or unset did.
type WireChange struct {
	Wire     model.Wire
	Revision int64
	// Changed is false when the wire was already there (nothing stored, revision kept).
	Changed bool
	// Wiring is the stack's wiring after the change.
	Wiring Wiring
}

// WireList returns a stack's wiring: the wires in effect, with their kind, and the
// problems. The same data draws the graph (Graph).
func (s *Service) WireList(ctx context.Context, stack string) (Wiring, error) {
	rs, err := s.Resolve(ctx, stack)
	if err != nil {
		return Wiring{}, err
	}
	return wiringOf(rs), nil
}

// Graph is WireList under the name the graph command uses: nodes are instances, edges go
// consumer -> provider labelled with the contract.
func (s *Service) Graph(ctx context.Context, stack string) (Wiring, error) {
	return s.WireList(ctx, stack)
}

func wiringOf(rs ResolvedStack) Wiring {
	templates := map[string]string{}
	for _, inst := range rs.Stack.Instances {
		templates[inst.Name] = inst.Template
	}
	return Wiring{Stack: rs.Stack.Name, Revision: rs.Stack.Revision, Instances: slices.Clone(rs.Wiring.Order),
		Templates: templates, Wires: rs.Wiring.Wires, Problems: rs.Wiring.Problems}
}

// WireSet records an explicit wire: consumer's need for contract is met by provider. The
// stack, both instances and the contract must exist, the consumer's template must consume
// the contract and the provider's provide it; otherwise the error names what is wrong (and
// what would fit) and nothing changes. A new or changed wire bumps the stack's revision, so
// plans saved before it go stale; the same wire again changes nothing.
func (s *Service) WireSet(ctx context.Context, stack, consumer, contract, provider string) (WireChange, error) {
	rs, err := s.Resolve(ctx, stack)
	if err != nil {
		return WireChange{}, err
	}
	if err := checkWire(rs, consumer, contract, &provider); err != nil {
		return WireChange{}, err
	}
	w := model.Wire{Consumer: consumer, Contract: contract, Provider: provider}
	rev, changed, err := s.Store.SetWire(ctx, stack, w)
	if err != nil {
		return WireChange{}, err
	}
	return s.wireChange(ctx, stack, w, rev, changed)
}

// WireUnset removes a consumer's explicit wire for a contract; the need is then wired
// automatically again (or kept on its pinned provider). No such wire is an error naming
// it, and changes nothing.
func (s *Service) WireUnset(ctx context.Context, stack, consumer, contract string) (WireChange, error) {
	rs, err := s.Resolve(ctx, stack)
	if err != nil {
		return WireChange{}, err
	}
	if err := checkWire(rs, consumer, contract, nil); err != nil {
		return WireChange{}, err
	}
	rev, err := s.Store.UnsetWire(ctx, stack, consumer, contract)
	if err != nil {
		return WireChange{}, err
	}
	return s.wireChange(ctx, stack, model.Wire{Consumer: consumer, Contract: contract}, rev, true)
}

func (s *Service) wireChange(ctx context.Context, stack string, w model.Wire, rev int64, changed bool) (WireChange, error) {
	after, err := s.WireList(ctx, stack)
	if err != nil {
		return WireChange{}, err
	}
	return WireChange{Wire: w, Revision: rev, Changed: changed, Wiring: after}, nil
}

// checkWire checks a wire against the loaded stack: the consumer exists and its template
// consumes contract; with provider, the provider exists and its template provides it.
func checkWire(rs ResolvedStack, consumer, contract string, provider *string) error {
	stack := rs.Stack.Name
	templateOf := map[string]model.Template{}
	var names []string
	for _, inst := range rs.Stack.Instances {
		templateOf[inst.Name] = rs.Templates[inst.Template]
		names = append(names, inst.Name)
	}
	unknown := func(field, name string) error {
		return &model.Error{Kind: model.KindNotFound, Field: field,
			Summary: fmt.Sprintf("stack %q has no instance named %q", stack, name),
			Detail:  fmt.Sprintf("%sIts instances: %s.", nearest(name, names), listOrNone(names))}
	}
	ct, ok := templateOf[consumer]
	if !ok {
		return unknown("consumer", consumer)
	}
	if !contractName.MatchString(contract) {
		return model.Invalid("contract", fmt.Sprintf("%q is not a contract name", contract),
			"Contract names use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit, e.g. mysql.")
	}
	var consumes []string
	for _, c := range ct.Consumes {
		consumes = append(consumes, c.Contract)
	}
	if !slices.Contains(consumes, contract) {
		return model.Invalid("contract", fmt.Sprintf("%s (template %s) does not consume %s", consumer, ct.Name, contract),
			fmt.Sprintf("%sIt consumes: %s.", nearest(contract, consumes), listOrNone(consumes)))
	}
	if provider == nil {
		return nil
	}
	if *provider == consumer {
		return model.Invalid("provider", fmt.Sprintf("%s cannot be wired to itself", consumer), "Choose another instance as the provider.")
	}
	var providers []string
	for _, n := range names {
		if slices.ContainsFunc(templateOf[n].Provides, func(p model.Provide) bool { return p.Contract == contract }) && n != consumer {
			providers = append(providers, n)
		}
	}
	pt, ok := templateOf[*provider]
	if !ok {
		e := unknown("provider", *provider)
		e.(*model.Error).Detail = fmt.Sprintf("%sInstances that provide %s: %s.", nearest(*provider, providers), contract, listOrNone(providers))
		return e
	}
	if !slices.Contains(providers, *provider) {
		return model.Invalid("provider", fmt.Sprintf("%s (template %s) does not provide %s", *provider, pt.Name, contract),
			fmt.Sprintf("Instances that provide %s: %s.", contract, listOrNone(providers)))
	}
	return nil
}

// nearest is "Did you mean X? " for the closest name within two edits, else "".
func nearest(name string, among []string) string {
	best, bestD := "", 3
	for _, n := range among {
		if d := spelling.Distance(name, n); d < bestD {
			best, bestD = n, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("Did you mean %s? ", best)
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// wiringToPlan hands the wiring's problems to the plan as diagnostics (wiring.Problem has
// the same fields): errors block the apply, warnings do not. The subject is the consumer and
// its field, so the summary drops the consumer's name the wiring package starts it with.
// Cycles are left to plan.Compute, which finds the same cycle in depends_on.
func wiringToPlan(p *plan.Plan, r wiring.Result) {
	for _, pr := range r.Problems {
		if pr.IsCycle() {
			continue
		}
		subject := plan.Subject{Instance: pr.Instance, Path: pr.Field}
		summary := "wiring: " + strings.TrimPrefix(pr.Summary, pr.Instance+": ")
		if pr.Severity == wiring.SeverityError {
			p.Diagnostics = append(p.Diagnostics, plan.Errorf(subject, summary, pr.Detail))
		} else {
			p.Diagnostics = append(p.Diagnostics, plan.Warningf(subject, summary, pr.Detail))
		}
	}
}

// ConsumedContracts lists the contracts an instance's template consumes (for completion).
func (s *Service) ConsumedContracts(ctx context.Context, stack, instance string) ([]string, error) {
	st, templates, err := s.Store.LoadForResolve(ctx, stack)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, inst := range st.Instances {
		if inst.Name == instance {
			for _, c := range templates[inst.Template].Consumes {
				out = append(out, c.Contract)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

// ProvidersOf lists the instances of a stack whose templates provide a contract (for
// completion), by name.
func (s *Service) ProvidersOf(ctx context.Context, stack, contract string) ([]string, error) {
	st, templates, err := s.Store.LoadForResolve(ctx, stack)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, inst := range st.Instances {
		if slices.ContainsFunc(templates[inst.Template].Provides, func(p model.Provide) bool { return p.Contract == contract }) {
			out = append(out, inst.Name)
		}
	}
	return out, nil
}
