package bindings

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/wiring"
)

// GraphNeed is one contract an instance consumes, with the instances that could meet it
// (the choices of the "choose a provider" menu; never the instance itself).
type GraphNeed struct {
	Contract   string   `json:"contract"`
	Required   bool     `json:"required"`
	Candidates []string `json:"candidates"`
}

// GraphNode is one instance of the graph: what it provides and what it needs.
type GraphNode struct {
	Name     string      `json:"name"`
	Template string      `json:"template"`
	Provides []string    `json:"provides"`
	Needs    []GraphNeed `json:"needs"`
}

// GraphWire is one wire in effect: consumer -> provider for a contract, with its kind
// (explicit, automatic, pinned).
type GraphWire struct {
	Consumer string `json:"consumer"`
	Contract string `json:"contract"`
	Provider string `json:"provider"`
	Kind     string `json:"kind"`
}

// GraphProblem is a wiring problem; Contract is set when it is about one need
// (its field is consumes.CONTRACT), so the UI can draw it on that need.
type GraphProblem struct {
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
	Instance string `json:"instance"`
	Field    string `json:"field"`
	Contract string `json:"contract"`
}

// StackGraph is a stack's wiring as the graph view draws it. Nodes are in start order
// (providers first), the order the engine's wiring resolution gives.
type StackGraph struct {
	Stack    string         `json:"stack"`
	Revision int64          `json:"revision"`
	Nodes    []GraphNode    `json:"nodes"`
	Wires    []GraphWire    `json:"wires"`
	Problems []GraphProblem `json:"problems"`
}

// WireResult is what a set or unset did: Changed is false when the wire was already there.
type WireResult struct {
	Changed  bool  `json:"changed"`
	Revision int64 `json:"revision"`
}

// Wires serves the graph view and the instance page's needs: the same engine calls as
// `devarch wire list|set|unset` and `devarch graph`.
type Wires struct{ host *Host }

// NewWires binds Wires to host.
func NewWires(host *Host) *Wires { return &Wires{host: host} }

// Graph returns the stack's wiring with, per instance, its contracts: what the graph needs
// to draw needs, offers and the providers a need could choose from.
func (w *Wires) Graph(stack string) (StackGraph, error) {
	return call(w.host, 15*time.Second, func(ctx context.Context, svc *engine.Service) (StackGraph, error) {
		rs, err := svc.Resolve(ctx, stack)
		if err != nil {
			return StackGraph{}, err
		}
		return stackGraph(rs), nil
	})
}

// Set chooses provider for consumer's need of contract (engine.WireSet: wins over
// automatic wiring; unknown names are refused, changing nothing).
func (w *Wires) Set(stack, consumer, contract, provider string) (WireResult, error) {
	return call(w.host, 15*time.Second, func(ctx context.Context, svc *engine.Service) (WireResult, error) {
		ch, err := svc.WireSet(ctx, stack, consumer, contract, provider)
		return WireResult{Changed: ch.Changed, Revision: ch.Revision}, err
	})
}

// Unset removes consumer's explicit wire for contract (engine.WireUnset).
func (w *Wires) Unset(stack, consumer, contract string) (WireResult, error) {
	return call(w.host, 15*time.Second, func(ctx context.Context, svc *engine.Service) (WireResult, error) {
		ch, err := svc.WireUnset(ctx, stack, consumer, contract)
		return WireResult{Changed: ch.Changed, Revision: ch.Revision}, err
	})
}

// stackGraph formats a resolved stack for the graph: nodes in the wiring's start order,
// every list non-nil (the frontend maps them without checks).
func stackGraph(rs engine.ResolvedStack) StackGraph {
	byName := map[string]model.Instance{}
	for _, inst := range rs.Stack.Instances {
		byName[inst.Name] = inst
	}
	provides := func(name string) []string {
		out := []string{}
		for _, p := range rs.Templates[byName[name].Template].Provides {
			out = append(out, p.Contract)
		}
		return out
	}
	order := slices.Clone(rs.Wiring.Order)
	for _, inst := range rs.Stack.Instances { // the order names every instance; be safe anyway
		if !slices.Contains(order, inst.Name) {
			order = append(order, inst.Name)
		}
	}
	g := StackGraph{Stack: rs.Stack.Name, Revision: rs.Stack.Revision, Nodes: []GraphNode{}, Wires: []GraphWire{}, Problems: []GraphProblem{}}
	for _, name := range order {
		inst, ok := byName[name]
		if !ok {
			continue
		}
		n := GraphNode{Name: name, Template: inst.Template, Provides: provides(name), Needs: []GraphNeed{}}
		for _, c := range rs.Templates[inst.Template].Consumes {
			need := GraphNeed{Contract: c.Contract, Required: c.Required, Candidates: []string{}}
			for _, other := range order {
				if other != name && slices.Contains(provides(other), c.Contract) {
					need.Candidates = append(need.Candidates, other)
				}
			}
			n.Needs = append(n.Needs, need)
		}
		g.Nodes = append(g.Nodes, n)
	}
	for _, wr := range rs.Wiring.Wires {
		g.Wires = append(g.Wires, GraphWire{Consumer: wr.Consumer, Contract: wr.Contract, Provider: wr.Provider, Kind: string(wr.Kind)})
	}
	for _, p := range rs.Wiring.Problems {
		g.Problems = append(g.Problems, graphProblem(p))
	}
	return g
}

func graphProblem(p wiring.Problem) GraphProblem {
	gp := GraphProblem{Severity: string(p.Severity), Summary: p.Summary, Detail: p.Detail, Instance: p.Instance, Field: p.Field}
	if c, ok := strings.CutPrefix(p.Field, "consumes."); ok {
		gp.Contract = c
	}
	return gp
}
