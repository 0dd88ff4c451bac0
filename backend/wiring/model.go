package wiring

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/devarch/devarch/backend/model"
)

// FromStack builds the wiring view of a stack's instances from their effective configs,
// their templates (for contracts) and their overrides (for the variables the user set by
// hand). An instance whose template is missing from templates has no contracts.
func FromStack(services []model.EffectiveService, templates map[string]model.Template, instances []model.Instance) []Instance {
	overrides := make(map[string]model.Spec, len(instances))
	for _, inst := range instances {
		overrides[inst.Name] = inst.Overrides
	}
	out := make([]Instance, 0, len(services))
	for _, es := range services {
		t := templates[es.Template]
		wi := Instance{Name: es.Instance, Healthcheck: HasHealthcheck(es.Spec), Env: stringMap(es.Spec["environment"])}
		for _, p := range t.Provides {
			wi.Provides = append(wi.Provides, Offer{Contract: p.Contract, Values: p.Values})
		}
		for _, c := range t.Consumes {
			wi.Consumes = append(wi.Consumes, Need{Contract: c.Contract, Required: c.Required, Env: c.Env})
		}
		if m, ok := overrides[es.Instance]["environment"].(map[string]any); ok {
			for k, v := range m {
				if v != nil {
					if wi.UserEnv == nil {
						wi.UserEnv = map[string]bool{}
					}
					wi.UserEnv[k] = true
				}
			}
		}
		out = append(out, wi)
	}
	return out
}

// HasHealthcheck reports whether an effective spec has an enabled healthcheck (one that
// is neither disable: true nor test: [NONE]).
func HasHealthcheck(spec model.Spec) bool {
	hc, ok := spec["healthcheck"].(map[string]any)
	if !ok || hc["disable"] == true {
		return false
	}
	test, ok := hc["test"].([]any)
	return !ok || len(test) == 0 || test[0] != "NONE"
}

// ApplyTo returns copies of services with the wiring applied: each consumer's environment
// gains its wired variables (origin wiring; the environment field itself is origin wiring
// when the consumer had none), and its DependsOn the providers it waits for (added to the
// instances its own depends_on names). Services the
// wiring does not touch are returned unchanged (their maps shared with the input).
func (r Result) ApplyTo(services []model.EffectiveService) []model.EffectiveService {
	out := slices.Clone(services)
	for i, es := range out {
		env, deps := r.Env[es.Instance], r.DependsOn[es.Instance]
		if len(env) == 0 && len(deps) == 0 {
			continue
		}
		if len(env) > 0 {
			spec := maps.Clone(es.Spec)
			origins := maps.Clone(es.Origins)
			if spec == nil {
				spec = model.Spec{}
			}
			if origins == nil {
				origins = map[string]model.Origin{}
			}
			merged := map[string]any{}
			if m, ok := spec["environment"].(map[string]any); ok {
				maps.Copy(merged, m)
			} else {
				origins["environment"] = model.OriginWiring
			}
			for k, v := range env {
				merged[k] = v
				origins["environment."+k] = model.OriginWiring
			}
			spec["environment"] = merged
			es.Spec, es.Origins = spec, origins
		}
		if len(deps) > 0 {
			// The instance's own depends_on entries win: the user chose their condition.
			merged := maps.Clone(es.DependsOn)
			if merged == nil {
				merged = map[string]bool{}
			}
			for p, healthy := range deps {
				if _, own := merged[p]; !own {
					merged[p] = healthy
				}
			}
			es.DependsOn = merged
		}
		out[i] = es
	}
	return out
}

// IsCycle tells a cycle problem apart: a cycle of wires is also a cycle of depends_on, which
// plan.Compute reports itself, so the plan leaves these out to say it once.
func (p Problem) IsCycle() bool {
	return p.Field == "depends_on" && strings.HasPrefix(p.Summary, CyclePrefix)
}

// stringMap reads a keyed map of the effective spec (canonical: string values).
func stringMap(v any) map[string]string {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, x := range m {
		if s, ok := x.(string); ok {
			out[k] = s
		} else {
			out[k] = fmt.Sprint(x)
		}
	}
	return out
}
