package resolve

import (
	"fmt"
	"strings"

	"github.com/devarch/devarch/backend/model"
)

// DefaultRestart is the restart policy an effective config gets when neither the template
// nor the overrides mention restart. It is DevArch's only default: local environments should
// come back after a reboot or a daemon restart, but not when the user stopped them.
const DefaultRestart = "unless-stopped"

// Resolve merges a template with an instance's overrides into the instance's effective
// configuration (DOMAIN.md, Overrides), one rule per kind of field:
//
//   - scalar: the override replaces the value;
//   - argv and list: the override replaces the whole list ([] gives an empty list);
//   - keyed map: merged by key, override keys win, a nil value deletes the key (deleting a
//     key the template lacks does nothing). An empty override map merges nothing, so it
//     leaves the template's keys: to clear them, set each key to nil, or set the whole field
//     to nil;
//   - object: the override replaces the whole object (keys inside are not merged);
//   - any field overridden to nil is removed from the effective config.
//
// A key absent from the overrides means "not overridden" (the template's value, or nothing);
// a key present with "" / [] / {} means "overridden to empty" and is kept, except for keyed
// maps as said above.
//
// Origins: every field of the result has one. For keyed maps each key has its own
// ("environment.APP_ENV"), and the field itself is OriginOverride when the overrides changed
// the map (added, replaced or deleted a key, or the template has no such map), else
// OriginTemplate. If restart is not set by either side, it is DefaultRestart with
// OriginDefault; overriding restart to nil removes it and no default is applied (compose's
// own default, "no", then holds).
//
// Both inputs are validated first (ValidateTemplateSpec, ValidateOverrides). One problem is
// returned as an error naming the template or instance in its Summary, with the field path
// in Field; several as one error listing them all (model.JoinProblems, see ResolveAll). The result is a
// canonical deep copy (see the package doc) with no nil values: it shares no memory with the
// inputs, so later changes to either do not change it. The same inputs give an equal result.
// DependsOn holds the instances the spec's depends_on names (nil when none); wiring adds
// its providers.
func Resolve(t model.Template, inst model.Instance) (model.EffectiveService, error) {
	es, tProblems, oProblems := resolveAll(t, inst)
	switch {
	case len(tProblems)+len(oProblems) == 0:
		return es, nil
	case len(tProblems) == 0 && len(oProblems) == 1:
		return model.EffectiveService{}, inContext(oProblems[0], fmt.Sprintf("instance %q", inst.Name))
	}
	return model.EffectiveService{}, model.JoinProblems(fmt.Sprintf("instance %q", inst.Name), append(tProblems, oProblems...))
}

// ResolveAll is Resolve reporting every problem of both inputs at once, for writes that
// must refuse a bad instance or template with the whole list. Problems are sorted by field
// path: the template's first, their summaries starting with `template "NAME": `, then the
// overrides', whose summaries do not name the instance (the caller knows it).
//
// With problems, es is still the resolution of every field that has none (an override
// field with a problem keeps the template's value; a template field with one is left out),
// so that checks of the effective config (compose.CheckService) can look at the rest in
// the same pass.
func ResolveAll(t model.Template, inst model.Instance) (es model.EffectiveService, problems []*model.Error) {
	es, tProblems, oProblems := resolveAll(t, inst)
	return es, append(tProblems, oProblems...)
}

// resolveAll is ResolveAll with the template's problems (summaries naming the template)
// apart from the overrides' (bare).
func resolveAll(t model.Template, inst model.Instance) (es model.EffectiveService, tProblems, oProblems []*model.Error) {
	if inst.Template != "" && inst.Template != t.Name {
		return model.EffectiveService{}, []*model.Error{model.NewError(model.KindInternal, "wrong template for instance",
			fmt.Sprintf("Instance %q uses template %q but was resolved against %q.", inst.Name, inst.Template, t.Name))}, nil
	}
	tErrs := validateSpec(t.Service, true)
	for _, p := range tErrs {
		tProblems = append(tProblems, inContext(p, fmt.Sprintf("template %q", t.Name)))
	}
	oProblems = validateSpec(inst.Overrides, false)
	valid := t
	valid.Service = withoutProblems(t.Service, tErrs)
	return merge(valid, inst.Name, withoutProblems(inst.Overrides, oProblems)), tProblems, oProblems
}

// withoutProblems is s without the top-level fields problems are about (s itself when
// there are none).
func withoutProblems(s model.Spec, problems []*model.Error) model.Spec {
	if len(problems) == 0 {
		return s
	}
	out := make(model.Spec, len(s))
	for k, v := range s {
		out[k] = v
	}
	for _, p := range problems {
		delete(out, topField(p.Field))
	}
	return out
}

// topField is the top-level field of a problem's path: "healthcheck" for
// "healthcheck.retries", "command" for "command[1]".
func topField(path string) string {
	if i := strings.IndexAny(path, ".["); i >= 0 {
		return path[:i]
	}
	return path
}

// merge resolves a valid template with valid overrides (see Resolve for the rules).
func merge(t model.Template, instance string, overrides model.Spec) model.EffectiveService {
	base := normalizeSpec(t.Service)
	over := normalizeSpec(overrides)

	spec := model.Spec{}
	origins := map[string]model.Origin{}
	for _, def := range model.ServiceFields {
		name := def.Name
		tv, inTemplate := base[name]
		ov, overridden := over[name]
		switch {
		case overridden && ov == nil:
			// removed
		case overridden && def.Kind == model.FieldMap:
			mergeMap(name, tv, inTemplate, ov, spec, origins)
		case overridden:
			spec[name] = ov
			origins[name] = model.OriginOverride
		case inTemplate:
			spec[name] = tv
			origins[name] = model.OriginTemplate
			if def.Kind == model.FieldMap {
				for k := range tv.(map[string]any) {
					origins[name+"."+k] = model.OriginTemplate
				}
			}
		}
	}
	if _, set := spec["restart"]; !set {
		if _, removed := over["restart"]; !removed {
			spec["restart"] = DefaultRestart
			origins["restart"] = model.OriginDefault
		}
	}
	return model.EffectiveService{
		Instance:  instance,
		Template:  t.Name,
		Spec:      spec,
		Origins:   origins,
		DependsOn: specDependsOn(spec),
	}
}

// specDependsOn is the instance's own depends_on (the spec field, see model.ServiceFields)
// as EffectiveService.DependsOn: each instance it names, true when it waits for
// service_healthy. Wiring adds its providers to these; the plan orders start-up and finds
// cycles over both. Nil when the spec sets none.
func specDependsOn(spec model.Spec) map[string]bool {
	deps, _ := spec["depends_on"].(map[string]any)
	if len(deps) == 0 {
		return nil
	}
	out := make(map[string]bool, len(deps))
	for name, d := range deps {
		c, _ := d.(map[string]any)
		out[name] = c["condition"] == model.ConditionHealthy
	}
	return out
}

// mergeMap merges a keyed map override (normalized, non-nil) into the template's map (tv,
// normalized, when inTemplate) and records the field and per-key origins. The field is left
// out when the template has no such map and the override adds nothing, so that deleting a
// missing key stays a no-op.
func mergeMap(name string, tv any, inTemplate bool, ov any, spec model.Spec, origins map[string]model.Origin) {
	out := map[string]any{}
	changed := false
	if tm, ok := tv.(map[string]any); ok {
		for k, x := range tm {
			out[k] = x
			origins[name+"."+k] = model.OriginTemplate
		}
	}
	for k, x := range ov.(map[string]any) {
		if x == nil {
			if _, had := out[k]; had {
				delete(out, k)
				delete(origins, name+"."+k)
				changed = true
			}
			continue
		}
		out[k] = x
		origins[name+"."+k] = model.OriginOverride
		changed = true
	}
	if !inTemplate && len(out) == 0 {
		return
	}
	spec[name] = out
	origins[name] = model.OriginTemplate
	if changed || !inTemplate {
		origins[name] = model.OriginOverride
	}
}

// NormalizeOverrides validates an override delta (as ValidateOverrides) and returns its
// canonical deep copy: numbers as float64, lists as []any, objects as map[string]any, keyed
// map values as strings (nil kept: it deletes the key). Storing the canonical form makes
// equal deltas byte-equal whether they came from YAML, JSON or the CLI.
func NormalizeOverrides(o model.Spec) (model.Spec, error) {
	if err := ValidateOverrides(o); err != nil {
		return nil, err
	}
	out := normalizeSpec(o)
	if out == nil {
		out = model.Spec{}
	}
	return out, nil
}

// inContext prefixes a validation error's summary with what was being validated, keeping
// its field path and the original error as the cause.
func inContext(e *model.Error, what string) *model.Error {
	return &model.Error{Kind: e.Kind, Field: e.Field, Summary: what + ": " + e.Summary, Detail: e.Detail, Err: e}
}
