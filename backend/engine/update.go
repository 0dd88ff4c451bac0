package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/secrets"
	"github.com/devarch/devarch/backend/store"
	"github.com/devarch/devarch/backend/transfer"
)

// UpdateOptions are import --update's choices.
type UpdateOptions struct {
	// DryRun checks the file and reports the changes, writing nothing.
	DryRun bool
	// Passphrase, as for an import (ImportOptions.Passphrase): the file's encrypted secret
	// values are decrypted before anything is written.
	Passphrase func() (secrets.Value, error)
}

// DefinitionChange is one change an update makes to a stack's definition.
type DefinitionChange struct {
	// Action is "+" (added), "-" (removed) or "~" (changed).
	Action string
	// Subject is what changes: "instance web", "wire app mysql", "template shop-api",
	// "description", "x-team".
	Subject string
	// Details say how, for a change: "template nginx -> web2",
	// `overrides.environment.APP_ENV: "local" -> "dev"`; for an addition or a removal, what
	// it is ("template redis", "-> db2").
	Details []string
}

// UpdateResult says what an update changed (or, for a dry run, would change).
type UpdateResult struct {
	Stack   string
	Changes []DefinitionChange
	// TemplatesCreated are embedded custom templates new here; SecretsGenerated the
	// passwords generated for added database instances; MissingSecrets the secrets the
	// instances reference that have no value (the plan refuses to apply until they are set).
	TemplatesCreated []string
	SecretsGenerated []string
	MissingSecrets   []string
	// SecretsSet are the secrets whose value the file carries and that the update stores:
	// new here, or different from the stored value (each is also a change, "secret NAME").
	// With SecretValuesUnchecked (a dry run without a passphrase) they are every value the
	// file carries, not decrypted or compared.
	SecretsSet            []string
	SecretValuesUnchecked bool
	Warnings              []string
	DryRun                bool
	// Revision is the stack's revision after the update (its current one when nothing
	// changed or for a dry run).
	Revision int64
}

// ImportUpdate brings an existing stack's definition in line with a devarch.yml (the team
// workflow after the first import: a teammate commits a changed file). The file is checked
// as an import checks it, against this stack's name; the changes (instances added, removed
// or changed, with each override path's old and new value, explicit wires, templates,
// description, x- keys) are computed against the stack as stored and written in one
// transaction, refused if the stack changed meanwhile. Secrets: stored values are kept
// unless the file carries another value (export --with-secrets; decrypted before anything
// is written, and stored in the same transaction), added database instances get generated
// passwords, and secrets the file names without a value are reported. Containers are not touched: the next plan shows what the changes
// mean for them. The stack's name, project root and volume prefix never change.
func (s *Service) ImportUpdate(ctx context.Context, data []byte, stack string, opts UpdateOptions) (UpdateResult, error) {
	d, err := transfer.Decode(data)
	if err != nil {
		return UpdateResult{}, err
	}
	values, unchecked, err := openSecretValues(d.SecretValues, opts.Passphrase, opts.DryRun, "updated")
	if err != nil {
		return UpdateResult{}, err
	}
	st, _, err := s.Store.LoadForResolve(ctx, stack)
	if err != nil {
		return UpdateResult{}, err
	}
	check, err := s.checkDocument(ctx, d, st.Name, "updated")
	if err != nil {
		return UpdateResult{}, err
	}
	ext, err := s.Store.StackExtensions(ctx, st.Name)
	if err != nil {
		return UpdateResult{}, err
	}
	res := UpdateResult{Stack: st.Name, DryRun: opts.DryRun, Revision: st.Revision, TemplatesCreated: check.TemplatesCreated, Warnings: check.Warnings}
	up := store.StackUpdate{Name: st.Name, Revision: st.Revision, Description: d.Description, Extensions: d.Extensions, Templates: check.ToCreate, Wires: d.Wires}
	for _, t := range check.TemplatesCreated {
		res.Changes = append(res.Changes, DefinitionChange{Action: "+", Subject: "template " + t, Details: []string{"embedded in the file, new here"}})
	}
	if st.Description != d.Description {
		res.Changes = append(res.Changes, DefinitionChange{Action: "~", Subject: "description", Details: []string{showValue(st.Description) + " -> " + showValue(d.Description)}})
	}
	res.Changes = append(res.Changes, extensionChanges(ext, d.Extensions)...)

	current := map[string]model.Instance{}
	for _, inst := range st.Instances {
		current[inst.Name] = inst
	}
	next := map[string]model.Instance{}
	for _, inst := range check.Instances {
		next[inst.Name] = inst
		was, ok := current[inst.Name]
		if !ok {
			up.Add = append(up.Add, inst)
			res.Changes = append(res.Changes, DefinitionChange{Action: "+", Subject: "instance " + inst.Name, Details: []string{"template " + inst.Template}})
			continue
		}
		var details []string
		if was.Template != inst.Template {
			details = append(details, "template "+was.Template+" -> "+inst.Template)
		}
		details = append(details, specChanges("overrides", map[string]any(was.Overrides), map[string]any(inst.Overrides))...)
		if len(details) > 0 {
			up.Change = append(up.Change, inst)
			res.Changes = append(res.Changes, DefinitionChange{Action: "~", Subject: "instance " + inst.Name, Details: details})
		}
	}
	for _, inst := range st.Instances {
		if _, ok := next[inst.Name]; !ok {
			up.Remove = append(up.Remove, inst.Name)
			res.Changes = append(res.Changes, DefinitionChange{Action: "-", Subject: "instance " + inst.Name, Details: []string{"template " + inst.Template}})
		}
	}
	res.Changes = append(res.Changes, wireChanges(st.Wires, d.Wires)...)

	// Secrets: stored values stay; added instances of built-ins that generate a password get
	// one; what is referenced and has no value is reported.
	stored, err := s.Store.StackSecrets(ctx, st.Name)
	if err != nil {
		return UpdateResult{}, err
	}
	have := map[string]bool{}
	for _, x := range stored {
		have[x.Name] = true
	}
	var added []transfer.Instance
	for _, ti := range d.Instances {
		if _, ok := current[ti.Name]; !ok {
			added = append(added, ti)
		}
	}
	if s.keyStoreAvailable(ctx) {
		for n := range generatedRefs(added, check.Templates) {
			if !have[n] {
				res.SecretsGenerated = append(res.SecretsGenerated, n)
			}
		}
	}
	sort.Strings(res.SecretsGenerated)
	// Values the file carries: stored when new here or different from the stored value
	// (compared decrypted, in constant time); an equal value is no change.
	for _, n := range slices.Sorted(maps.Keys(values)) {
		if err := secrets.ValidValue(values[n]); err != nil {
			return UpdateResult{}, model.JoinProblems("the file cannot be updated", prefixProblem(err, "secretValues.values."+n))
		}
		var was *store.SealedSecret
		for i := range stored {
			if stored[i].Name == n {
				was = &stored[i]
			}
		}
		switch {
		case was == nil:
			res.Changes = append(res.Changes, DefinitionChange{Action: "+", Subject: "secret " + n, Details: []string{"value from the file"}})
		default:
			v, err := s.open(ctx, *was)
			if err != nil {
				return UpdateResult{}, err
			}
			if v.Equal(values[n]) {
				continue
			}
			res.Changes = append(res.Changes, DefinitionChange{Action: "~", Subject: "secret " + n, Details: []string{"new value from the file"}})
		}
		res.SecretsSet = append(res.SecretsSet, n)
		have[n] = true
	}
	if unchecked {
		res.SecretsSet = slices.Sorted(maps.Keys(d.SecretValues.Values))
		res.SecretValuesUnchecked = true
		for _, n := range res.SecretsSet {
			have[n] = true
		}
	}
	if len(res.SecretsSet) > 0 && !s.keyStoreAvailable(ctx) {
		return UpdateResult{}, model.NewError(model.KindUnavailable, "no key store to seal the file's secret values",
			"DevArch keeps secret values encrypted with a master key in the OS keychain (or a key file): run devarch doctor to see why neither is available. Nothing was updated.")
	}
	sortChanges(res.Changes)
	for _, n := range append(secretRefs(d.Instances, check.Templates), d.Secrets...) {
		if !have[n] && !slices.Contains(res.SecretsGenerated, n) && !slices.Contains(res.MissingSecrets, n) {
			res.MissingSecrets = append(res.MissingSecrets, n)
		}
	}
	sort.Strings(res.MissingSecrets)
	if opts.DryRun || len(res.Changes) == 0 {
		return res, nil
	}

	for attempt := 1; ; attempt++ {
		if seal := append(slices.Clone(res.SecretsGenerated), res.SecretsSet...); len(seal) > 0 {
			key, err := s.currentKey(ctx)
			if err != nil {
				return UpdateResult{}, err
			}
			up.KeyVersion = key.Version
			up.Seal = sealer(key, slices.Compact(slices.Sorted(slices.Values(seal))), values)
		}
		rev, err := s.Store.UpdateStackDefinition(ctx, up)
		if errors.Is(err, store.ErrKeyRetired) && attempt < 5 {
			continue
		}
		if err != nil {
			return UpdateResult{}, err
		}
		res.Revision = rev
		return res, nil
	}
}

// specChanges lists how b differs from a, path by path: maps are compared key by key
// (recursively; a map on one side only is compared with an empty one), anything else
// (lists, scalars, a null that removes a template's value) as a whole. Sorted by path.
func specChanges(prefix string, a, b map[string]any) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(union(a, b))) {
		path := prefix + "." + k
		av, inA := a[k]
		bv, inB := b[k]
		am, aIsMap := av.(map[string]any)
		bm, bIsMap := bv.(map[string]any)
		switch {
		case aIsMap && bIsMap, aIsMap && !inB, bIsMap && !inA:
			// A map set or unset whole is shown key by key too.
			out = append(out, specChanges(path, am, bm)...)
		case !inA:
			out = append(out, path+": (not set) -> "+showValue(bv))
		case !inB:
			out = append(out, path+": "+showValue(av)+" -> (not set)")
		case showValue(av) != showValue(bv):
			out = append(out, path+": "+showValue(av)+" -> "+showValue(bv))
		}
	}
	return out
}

func union(a, b map[string]any) map[string]any {
	out := maps.Clone(a)
	if out == nil {
		out = map[string]any{}
	}
	maps.Copy(out, b)
	return out
}

// showValue is a value as JSON, cut to 80 characters: a diff line stays one line.
func showValue(v any) string {
	out, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	s := string(out)
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

// wireChanges lists the explicit wires removed, added or pointed elsewhere.
func wireChanges(before, after []model.Wire) []DefinitionChange {
	key := func(w model.Wire) string { return w.Consumer + " " + w.Contract }
	was := map[string]string{}
	for _, w := range before {
		was[key(w)] = w.Provider
	}
	var out []DefinitionChange
	now := map[string]bool{}
	for _, w := range after {
		k := key(w)
		now[k] = true
		switch p, ok := was[k]; {
		case !ok:
			out = append(out, DefinitionChange{Action: "+", Subject: "wire " + k, Details: []string{"-> " + w.Provider}})
		case p != w.Provider:
			out = append(out, DefinitionChange{Action: "~", Subject: "wire " + k, Details: []string{"-> " + p + " becomes -> " + w.Provider}})
		}
	}
	for _, w := range before {
		if !now[key(w)] {
			out = append(out, DefinitionChange{Action: "-", Subject: "wire " + key(w), Details: []string{"-> " + w.Provider}})
		}
	}
	return out
}

// extensionChanges lists the top-level x- keys added, removed or changed.
func extensionChanges(before, after map[string]any) []DefinitionChange {
	var out []DefinitionChange
	for _, k := range slices.Sorted(maps.Keys(union(before, after))) {
		a, inA := before[k]
		b, inB := after[k]
		switch {
		case !inA:
			out = append(out, DefinitionChange{Action: "+", Subject: k, Details: []string{showValue(b)}})
		case !inB:
			out = append(out, DefinitionChange{Action: "-", Subject: k, Details: []string{showValue(a)}})
		case showValue(a) != showValue(b):
			out = append(out, DefinitionChange{Action: "~", Subject: k, Details: []string{showValue(a) + " -> " + showValue(b)}})
		}
	}
	return out
}

// sortChanges orders changes as the file reads: description and x- keys, templates,
// instances, wires, secret values; by name within each.
func sortChanges(cs []DefinitionChange) {
	rank := func(c DefinitionChange) int {
		switch {
		case c.Subject == "description":
			return 0
		case strings.HasPrefix(c.Subject, "x-"):
			return 1
		case strings.HasPrefix(c.Subject, "template "):
			return 2
		case strings.HasPrefix(c.Subject, "instance "):
			return 3
		case strings.HasPrefix(c.Subject, "secret "):
			return 5
		default:
			return 4
		}
	}
	slices.SortStableFunc(cs, func(a, b DefinitionChange) int {
		if d := rank(a) - rank(b); d != 0 {
			return d
		}
		return strings.Compare(a.Subject, b.Subject)
	})
}
