package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/wiring"
)

// Wiring on the command line: `wire list|set|unset` and `graph` (docs/wiring.md). The JSON
// documents follow docs/cli-json.md: lists always present, absent values left out.

// wireJSON is one wire in effect, in `wire list --json` (edges of `graph --format json`
// use the same keys under from/to).
type wireJSON struct {
	Consumer string `json:"consumer"`
	Contract string `json:"contract"`
	Provider string `json:"provider"`
	Kind     string `json:"kind"`
}

// wiringProblemJSON is a wiring problem: severity error (blocks apply) or warning.
type wiringProblemJSON struct {
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
	Field    string `json:"field,omitempty"`
}

// wireListJSON is `wire list STACK --json`.
type wireListJSON struct {
	Stack    string              `json:"stack"`
	Revision int64               `json:"revision"`
	Wires    []wireJSON          `json:"wires"`
	Problems []wiringProblemJSON `json:"problems"`
}

// graphJSON is `graph STACK --format json`: nodes in start order (providers first).
type graphJSON struct {
	Stack    string              `json:"stack"`
	Revision int64               `json:"revision"`
	Nodes    []graphNodeJSON     `json:"nodes"`
	Edges    []graphEdgeJSON     `json:"edges"`
	Problems []wiringProblemJSON `json:"problems"`
}

type graphNodeJSON struct {
	Name     string `json:"name"`
	Template string `json:"template"`
}

// graphEdgeJSON goes consumer (from) -> provider (to), labelled with the contract.
type graphEdgeJSON struct {
	From     string `json:"from"`
	To       string `json:"to"`
	Contract string `json:"contract"`
	Kind     string `json:"kind"`
}

func wiresJSON(ws []wiring.Wire) []wireJSON {
	out := []wireJSON{}
	for _, w := range ws {
		out = append(out, wireJSON{Consumer: w.Consumer, Contract: w.Contract, Provider: w.Provider, Kind: string(w.Kind)})
	}
	return out
}

func wiringProblemsJSON(ps []wiring.Problem) []wiringProblemJSON {
	out := []wiringProblemJSON{}
	for _, p := range ps {
		out = append(out, wiringProblemJSON{Severity: string(p.Severity), Summary: p.Summary, Detail: p.Detail, Instance: p.Instance, Field: p.Field})
	}
	return out
}

// consumedContracts completes CONTRACT: what the instance typed second consumes.
func consumedContracts(ctx context.Context, svc *engine.Service, args []string) ([]string, error) {
	return svc.ConsumedContracts(ctx, args[0], args[1])
}

// providersOfContract completes PROVIDER: the instances providing the contract typed third.
func providersOfContract(ctx context.Context, svc *engine.Service, args []string) ([]string, error) {
	return svc.ProvidersOf(ctx, args[0], args[2])
}

func (env *cmdEnv) wireListCommand() *cobra.Command {
	c := &cobra.Command{
		Use:     "list STACK",
		Aliases: []string{"ls"},
		Short:   "List the wires in effect (explicit, automatic, pinned) and wiring problems",
		Long: `List how a stack's instances are wired: every consumer's need (contract) and the instance that
provides it, with why: explicit (devarch wire set), automatic (the only provider in the
stack) or pinned (an automatic wire an apply made, kept when another provider appears).
Problems follow: errors (an ambiguous or missing required need, a wrong wire, a cycle) block
apply; warnings do not.`,
		Example:           "  devarch wire list shop\n  devarch wire list shop --json | jq '.problems[]'",
		Args:              args(1, 1, "exactly one STACK", nil),
		ValidArgsFunction: env.completeArgs(stackNames),
	}
	asJSON := jsonFlag(c)
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			w, err := svc.WireList(c.Context(), a[0])
			if err != nil {
				return err
			}
			if *asJSON {
				return env.printJSON(wireListJSON{Stack: w.Stack, Revision: w.Revision, Wires: wiresJSON(w.Wires), Problems: wiringProblemsJSON(w.Problems)})
			}
			if len(w.Wires) == 0 {
				fmt.Fprintf(env.stdout, "Stack %s has no wires.\n", w.Stack)
			} else {
				tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "CONSUMER\tCONTRACT\tPROVIDER\tKIND")
				for _, x := range w.Wires {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", x.Consumer, x.Contract, x.Provider, x.Kind)
				}
				_ = tw.Flush()
			}
			printWiringProblems(env.stdout, w.Problems)
			return nil
		})
	})
}

// printWiringProblems prints problems as "error: SUMMARY" / "warning: SUMMARY" with the
// detail indented under each.
func printWiringProblems(w io.Writer, ps []wiring.Problem) {
	for _, p := range ps {
		fmt.Fprintf(w, "%s: %s\n", p.Severity, p.Summary)
		if p.Detail != "" {
			fmt.Fprintf(w, "  %s\n", p.Detail)
		}
	}
}

func (env *cmdEnv) wireSetCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "set STACK CONSUMER CONTRACT PROVIDER",
		Short: "Wire a consumer's need for a contract to a chosen provider",
		Long: `Wire CONSUMER's need for CONTRACT to PROVIDER explicitly. An explicit wire wins over automatic
wiring: use it when two instances provide the contract (ambiguous), or to switch a pinned
wire to another provider. The consumer's template must consume the contract and the
provider's provide it. The change takes effect at the next plan and apply; plans saved
before it are stale.`,
		Example:           "  devarch wire set shop app mysql db-a\n  devarch plan shop",
		Args:              args(4, 4, "STACK CONSUMER CONTRACT PROVIDER", nil),
		ValidArgsFunction: env.completeArgs(stackNames, instanceNames, consumedContracts, providersOfContract),
	}
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			ch, err := svc.WireSet(c.Context(), a[0], a[1], a[2], a[3])
			if err != nil {
				return err
			}
			if !ch.Changed {
				fmt.Fprintf(env.stderr, "%s's %s is already wired to %s; nothing changed.\n", a[1], a[2], a[3])
			} else {
				fmt.Fprintf(env.stderr, "Wired %s's %s to %s (stack %s, revision %d). Apply it: devarch apply %s\n", a[1], a[2], a[3], a[0], ch.Revision, a[0])
			}
			printWiringProblems(env.stderr, ch.Wiring.Problems)
			return nil
		})
	})
}

func (env *cmdEnv) wireUnsetCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "unset STACK CONSUMER CONTRACT",
		Short: "Remove an explicit wire (the need is wired automatically again)",
		Long: `Remove CONSUMER's explicit wire for CONTRACT. The need is then wired automatically again: to
the only provider in the stack, or, when the wire was applied, kept on that provider
(pinned) until you choose another with devarch wire set.`,
		Example:           "  devarch wire unset shop app mysql",
		Args:              args(3, 3, "STACK CONSUMER CONTRACT", nil),
		ValidArgsFunction: env.completeArgs(stackNames, instanceNames, consumedContracts),
	}
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			ch, err := svc.WireUnset(c.Context(), a[0], a[1], a[2])
			if err != nil {
				return err
			}
			fmt.Fprintf(env.stderr, "Removed %s's explicit wire for %s (stack %s, revision %d). Apply it: devarch apply %s\n", a[1], a[2], a[0], ch.Revision, a[0])
			printWiringProblems(env.stderr, ch.Wiring.Problems)
			return nil
		})
	})
}

// graphFormats are graph's --format values.
var graphFormats = []string{"dot", "mermaid", "json"}

func (env *cmdEnv) graphCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "graph STACK",
		Short: "Print the stack's wiring graph (dot, mermaid or json)",
		Long: `Print a stack's wiring as a graph: nodes are instances, edges go from a consumer to its
provider, labelled with the contract. Explicit wires are solid, automatic and pinned ones
dashed. dot is for Graphviz, mermaid for Markdown pages, json for scripts (docs/cli-json.md).`,
		Example: `  devarch graph shop | dot -Tsvg > shop.svg
  devarch graph shop --format mermaid
  devarch graph shop --format json | jq '.edges[]'`,
		Args:              args(1, 1, "exactly one STACK", nil),
		ValidArgsFunction: env.completeArgs(stackNames),
	}
	format := c.Flags().String("format", "dot", "dot, mermaid or json")
	_ = c.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(graphFormats, cobra.ShellCompDirectiveNoFileComp))
	c.PreRunE = func(c *cobra.Command, a []string) error {
		for _, f := range graphFormats {
			if *format == f {
				return nil
			}
		}
		return usageError{fmt.Sprintf("--format %q: use dot, mermaid or json", *format)}
	}
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			g, err := svc.Graph(c.Context(), a[0])
			if err != nil {
				return err
			}
			switch *format {
			case "json":
				return env.printJSON(graphDocument(g))
			case "mermaid":
				_, err = io.WriteString(env.stdout, mermaid(g))
			default:
				_, err = io.WriteString(env.stdout, dot(g))
			}
			if err == nil {
				for _, p := range g.Problems {
					fmt.Fprintf(env.stderr, "%s: %s\n", p.Severity, p.Summary)
				}
			}
			return err
		})
	})
}

func graphDocument(g engine.Wiring) graphJSON {
	out := graphJSON{Stack: g.Stack, Revision: g.Revision, Nodes: []graphNodeJSON{}, Edges: []graphEdgeJSON{}, Problems: wiringProblemsJSON(g.Problems)}
	for _, n := range g.Instances {
		out.Nodes = append(out.Nodes, graphNodeJSON{Name: n, Template: g.Templates[n]})
	}
	for _, w := range g.Wires {
		out.Edges = append(out.Edges, graphEdgeJSON{From: w.Consumer, To: w.Provider, Contract: w.Contract, Kind: string(w.Kind)})
	}
	return out
}

// dot renders the graph for Graphviz. Names are DNS labels and contracts
// [a-z0-9._-], so quoting them is enough.
func dot(g engine.Wiring) string {
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %q {\n  rankdir=LR;\n  node [shape=box];\n", g.Stack)
	for _, n := range g.Instances {
		fmt.Fprintf(&b, "  %q [label=%q];\n", n, n+"\n"+g.Templates[n])
	}
	for _, w := range g.Wires {
		style := "solid"
		if w.Kind != wiring.Explicit {
			style = "dashed"
		}
		fmt.Fprintf(&b, "  %q -> %q [label=%q, style=%s];\n", w.Consumer, w.Provider, w.Contract, style)
	}
	b.WriteString("}\n")
	return b.String()
}

// mermaid renders the graph as a Mermaid flowchart. Nodes get ids n0, n1... (an instance
// may be named like a Mermaid keyword, e.g. end) and their names as labels.
func mermaid(g engine.Wiring) string {
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	id := map[string]string{}
	for i, n := range g.Instances {
		id[n] = fmt.Sprintf("n%d", i)
		fmt.Fprintf(&b, "  %s[\"%s<br/>%s\"]\n", id[n], n, g.Templates[n])
	}
	for _, w := range g.Wires {
		arrow := "-->"
		if w.Kind != wiring.Explicit {
			arrow = "-.->"
		}
		fmt.Fprintf(&b, "  %s %s|%s| %s\n", id[w.Consumer], arrow, w.Contract, id[w.Provider])
	}
	return b.String()
}
