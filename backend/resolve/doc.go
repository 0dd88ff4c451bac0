// Package resolve turns a service template and an instance's overrides into the instance's
// effective configuration, recording where every value came from (DOMAIN.md, Overrides).
//
// It is part of the pure core: no I/O, no clock, no randomness. It also owns the rules an
// override delta must satisfy (ValidateOverrides), the CLI's PATH=VALUE editing of a delta
// (SetPath, UnsetPath) and the editor's YAML view of it (ParseOverridesYAML,
// FormatOverridesYAML), so that the merge rules and the rules for what may be merged live in
// one place. Among them (text.go): every string is UTF-8 without control characters other
// than tab and newline, and every number is finite and, if an integer, exact as a float64,
// so that whatever is accepted reaches the container exactly as written.
//
// Values follow model.Spec: string, bool, numbers, []any, map[string]any and nil. Inputs may
// also hold what YAML decoders and Go literals produce (int, []string, map[string]string,
// map[any]any with scalar keys); outputs are canonical: numbers are float64, lists are []any,
// objects are map[string]any, and keyed-map values (environment, labels) are strings.
//
// What nil means in an override (key present, value nil):
//   - for any top-level field: remove the field from the effective config, whatever its kind
//     (the template's value is dropped, and for restart the default is not applied either);
//   - for a key of a keyed map (environment.KEY): delete that key;
//   - anywhere else (inside an object, as a list item): not allowed, since an object or list
//     override replaces the template's value as a whole and has nothing to delete.
//
// Templates are complete definitions with nothing to remove: nil is not allowed anywhere in
// a template.
package resolve
