package bench

import (
	"fmt"
	"testing"

	"github.com/devarch/devarch/backend/catalog"
	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/wiring"
)

// wiredStack is a 100-instance stack of built-ins: ten groups of mysql, postgres, redis,
// php-fpm, python, adminer, nginx, node, mailpit and minio, each consumer explicitly wired
// to its group's databases (ten providers of each contract make every need ambiguous
// otherwise), plus the explicit wires.
func wiredStack(b *testing.B) (model.Stack, map[string]model.Template, []wiring.Wire) {
	b.Helper()
	ts, err := catalog.Builtins()
	if err != nil {
		b.Fatal(err)
	}
	templates := map[string]model.Template{}
	for _, t := range ts {
		templates[t.Name] = t
	}
	providerOf := map[string]string{}
	for _, t := range ts {
		for _, p := range t.Provides {
			providerOf[p.Contract] = t.Name
		}
	}
	st := model.Stack{Name: "bench"}
	var wires []wiring.Wire
	for g := range 10 {
		for _, tpl := range []string{"mysql", "postgres", "redis", "php-fpm", "python", "adminer", "nginx", "node", "mailpit", "minio"} {
			inst := model.Instance{Stack: "bench", Name: fmt.Sprintf("%s-%d", tpl, g), Template: tpl}
			if g%3 == 0 {
				inst.Overrides = model.Spec{"environment": map[string]any{"APP_ENV": "bench"}}
			}
			st.Instances = append(st.Instances, inst)
			for _, c := range templates[tpl].Consumes {
				wires = append(wires, wiring.Wire{Consumer: inst.Name, Contract: c.Contract, Provider: fmt.Sprintf("%s-%d", providerOf[c.Contract], g)})
			}
		}
	}
	return st, templates, wires
}

// BenchmarkWiring_100Instances: wiring of a resolved 100-instance stack (FromStack +
// Resolve + ApplyTo, what the engine adds to a plan). Goal: < 2 ms.
func BenchmarkWiring_100Instances(b *testing.B) {
	st, templates, wires := wiredStack(b)
	rs, err := engine.ResolveLoaded(st, templates)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		r := wiring.Resolve(wiring.Input{Stack: st.Name, Instances: wiring.FromStack(rs.Effective.Services, templates, st.Instances), Explicit: wires})
		if len(r.Wires) != len(wires) || r.Errors() {
			b.Fatalf("%d wires of %d, problems %v", len(r.Wires), len(wires), r.Problems)
		}
		_ = r.ApplyTo(rs.Effective.Services)
	}
}

// BenchmarkWiringReference_Resolve100: the reference, resolving the same stack's
// effective configs (template + overrides, every instance).
func BenchmarkWiringReference_Resolve100(b *testing.B) {
	st, templates, _ := wiredStack(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := engine.ResolveLoaded(st, templates); err != nil {
			b.Fatal(err)
		}
	}
}
