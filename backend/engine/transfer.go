package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/devarch/devarch/backend/compose"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/passbox"
	"github.com/devarch/devarch/backend/secrets"
	"github.com/devarch/devarch/backend/store"
	"github.com/devarch/devarch/backend/transfer"
)

// Export writes a stack as a devarch.yml document (backend/transfer): its instances with
// their overrides as stored, its explicit wires, the custom templates they use (embedded)
// and the names of the secrets they reference that the user provides. Secrets a built-in
// generated (database passwords) are left out: each import generates its own. Values are
// never written in plaintext: with opts.WithSecrets the stored values of the listed
// secrets are encrypted with opts.Passphrase (backend/passbox) into secretValues. The
// warnings name each field holding an absolute host path (a bind mount or build context
// that will not exist on another machine), and, with values, each listed secret that has
// none to export.
func (s *Service) Export(ctx context.Context, stack string, opts ExportOptions) ([]byte, []string, error) {
	if opts.WithSecrets && opts.Passphrase.IsZero() {
		return nil, nil, model.Invalid("passphrase", "the passphrase is empty",
			"Secret values are encrypted with a passphrase: give a non-empty one. Nothing was exported.")
	}
	st, templates, err := s.Store.LoadForResolve(ctx, stack)
	if err != nil {
		return nil, nil, err
	}
	d, err := s.exportDocument(ctx, st, templates)
	if err != nil {
		return nil, nil, err
	}
	var warnings []string
	if opts.WithSecrets {
		if warnings, err = s.exportValues(ctx, &d, opts); err != nil {
			return nil, nil, err
		}
	}
	out, err := transfer.Encode(d)
	if err != nil {
		return nil, nil, err
	}
	warnings = append(absolutePathWarnings(transfer.Canonical(d)), warnings...)
	if w := s.elsewhereWarning(st, templates, opts.Dir); w != "" {
		warnings = append(warnings, w)
	}
	return out, warnings, nil
}

// ExportOptions are devarch export's choices.
type ExportOptions struct {
	// Dir is the folder the document is written to ("" when it goes to a stream): a stack
	// with relative paths exported away from its project root gets a warning, since an
	// import takes the file's folder as the new stack's root.
	Dir string
	// WithSecrets writes the stored values of the secrets the file lists, encrypted with
	// Passphrase (which must not be empty). Generated secrets are never among them.
	WithSecrets bool
	Passphrase  secrets.Value
	// Previous is the file the export replaces, if any (its bytes; nil for none). When its
	// secretValues open with Passphrase, its key blob is kept and so is the blob of each
	// value that did not change: re-exporting changes only the entries of changed secrets.
	// A previous file that does not decode or opens with another passphrase is ignored
	// (every value is encrypted afresh).
	Previous []byte
}

// exportValues fills d.SecretValues with the stored values of d.Secrets, encrypted with
// opts.Passphrase; it returns a warning per listed secret without a value. One scrypt
// derivation in all (passbox: an envelope per file), two when a previous file is reused.
func (s *Service) exportValues(ctx context.Context, d *transfer.Document, opts ExportOptions) ([]string, error) {
	stored, err := s.Store.StackSecrets(ctx, d.Name)
	if err != nil {
		return nil, err
	}
	byName := map[string]store.SealedSecret{}
	for _, x := range stored {
		byName[x.Name] = x
	}
	var warnings []string
	values := map[string]secrets.Value{}
	for _, n := range d.Secrets {
		x, ok := byName[n]
		if !ok {
			warnings = append(warnings, fmt.Sprintf("secret %s has no value: the file lists its name only (set it with devarch secret set %s %s)", n, d.Name, n))
			continue
		}
		v, err := s.open(ctx, x)
		if err != nil {
			return nil, err
		}
		values[n] = v
	}
	if len(values) == 0 {
		return warnings, nil
	}
	var box *passbox.Box
	var previous map[string]string
	if opts.Previous != nil {
		if prev, err := transfer.Decode(opts.Previous); err == nil && prev.SecretValues != nil {
			if b, err := passbox.Unlock(opts.Passphrase, prev.SecretValues.Key); err == nil {
				box, previous = b, prev.SecretValues.Values
			}
		}
	}
	if box == nil {
		if box, err = passbox.New(opts.Passphrase); err != nil {
			return nil, model.Wrap(model.KindInternal, err, "cannot encrypt the secret values", err.Error())
		}
	}
	sv := &transfer.SecretValues{Key: box.Key(), Values: map[string]string{}}
	for _, n := range slices.Sorted(maps.Keys(values)) {
		if old, ok := previous[n]; ok {
			if was, err := box.Open(old); err == nil && was.Equal(values[n]) {
				sv.Values[n] = old
				continue
			}
		}
		blob, err := box.Seal(values[n])
		if err != nil {
			return nil, model.Wrap(model.KindInternal, err, "cannot encrypt secret "+n, err.Error())
		}
		sv.Values[n] = blob
	}
	d.SecretValues = sv
	return warnings, nil
}

// elsewhereWarning is the warning for a document written to dir, a folder other than the
// stack's project root, when the stack has relative bind mounts or build contexts: they
// resolve against the root here but against the file's folder after an import. Export
// does not rewrite them: the embedded custom templates are shared by stacks with other
// roots, and a template rewritten for one file would differ from the stored one.
func (s *Service) elsewhereWarning(st model.Stack, templates map[string]model.Template, dir string) string {
	if dir == "" {
		return ""
	}
	root := s.ProjectRoot(st)
	if abs, err := filepath.Abs(dir); err != nil || filepath.Clean(abs) == filepath.Clean(root) {
		return ""
	}
	rs, err := resolveInstances(st, templates)
	if err != nil {
		return ""
	}
	fields := compose.RelativePaths(rs.Effective)
	if len(fields) == 0 {
		return ""
	}
	if len(fields) > 3 {
		fields = append(fields[:3], fmt.Sprintf("and %d more", len(fields)-3))
	}
	return fmt.Sprintf("relative paths (%s) resolve under %s's project root, %s, but an import takes the file's folder as the root: keep the file there (-o %s), or import it with --root %s",
		strings.Join(fields, ", "), st.Name, root, filepath.Join(root, "devarch.yml"), root)
}

// exportDocument is Export before encoding: the document of a loaded stack (shared with
// CloneStack, which imports it under another name).
func (s *Service) exportDocument(ctx context.Context, st model.Stack, templates map[string]model.Template) (transfer.Document, error) {
	var err error
	d := transfer.Document{Name: st.Name, Description: st.Description, Wires: st.Wires}
	custom := map[string]model.Template{}
	for _, inst := range st.Instances {
		t, ok := templates[inst.Template]
		if !ok {
			return transfer.Document{}, model.NewError(model.KindInternal, fmt.Sprintf("instance %s uses template %s, which was not loaded", inst.Name, inst.Template), "")
		}
		ti := transfer.Instance{Name: inst.Name, Template: inst.Template, Overrides: inst.Overrides}
		if t.Builtin {
			ti.Version = t.Version
		} else {
			custom[t.Name] = t
		}
		d.Instances = append(d.Instances, ti)
	}
	for _, t := range custom {
		d.Templates = append(d.Templates, t)
	}
	if d.Extensions, err = s.Store.StackExtensions(ctx, st.Name); err != nil {
		return transfer.Document{}, err
	}
	generated := generatedRefs(d.Instances, templates)
	for _, name := range secretRefs(d.Instances, templates) {
		if !generated[name] {
			d.Secrets = append(d.Secrets, name)
		}
	}
	return d, nil
}

// generatedRefs are the secrets instances reference where their template generates one:
// the variable holds exactly the reference an add stored (see generate.go).
func generatedRefs(insts []transfer.Instance, templates map[string]model.Template) map[string]bool {
	out := map[string]bool{}
	for _, inst := range insts {
		t := templates[inst.Template]
		env, _ := inst.Overrides["environment"].(map[string]any)
		for v, suffix := range t.Generate {
			name := model.GeneratedSecretName(inst.Name, suffix)
			if env[v] == secretRef(name) {
				out[name] = true
			}
		}
	}
	return out
}

// secretRefs are the secret names the instances' overrides and their custom templates
// reference, sorted.
func secretRefs(insts []transfer.Instance, templates map[string]model.Template) []string {
	var svcs []model.EffectiveService
	seen := map[string]bool{}
	for _, inst := range insts {
		svcs = append(svcs, model.EffectiveService{Instance: inst.Name, Spec: withoutNil(inst.Overrides)})
		if t := templates[inst.Template]; !t.Builtin && !seen[t.Name] {
			seen[t.Name] = true
			svcs = append(svcs, model.EffectiveService{Instance: t.Name, Spec: t.Service})
		}
	}
	refs := compose.SecretRefs(model.EffectiveStack{Services: svcs})
	sort.Strings(refs)
	return slices.Compact(refs)
}

// withoutNil drops the removals (nil values) of a delta, which reference nothing.
func withoutNil(o model.Spec) model.Spec {
	out := model.Spec{}
	for k, v := range o {
		if v == nil {
			continue
		}
		if m, ok := v.(map[string]any); ok {
			c := map[string]any{}
			for mk, mv := range m {
				if mv != nil {
					c[mk] = mv
				}
			}
			v = c
		}
		out[k] = v
	}
	return out
}

// absolutePathWarnings names every volume source and build context that is an absolute
// host path, in the overrides and in the embedded templates.
func absolutePathWarnings(d transfer.Document) []string {
	var out []string
	check := func(path string, spec model.Spec) {
		if vols, ok := spec["volumes"].([]any); ok {
			for i, v := range vols {
				s, _ := v.(string)
				src, _, _ := strings.Cut(s, ":")
				if isAbsHost(src) {
					out = append(out, fmt.Sprintf("%s.volumes[%d]: %q is an absolute host path; it may not exist on another machine (a path relative to the project root, ./dir, travels)", path, i, src))
				}
			}
		}
		if b, ok := spec["build"].(map[string]any); ok {
			if c, _ := b["context"].(string); isAbsHost(c) {
				out = append(out, fmt.Sprintf("%s.build.context: %q is an absolute host path; it may not exist on another machine (a path relative to the project root, ./dir, travels)", path, c))
			}
		}
	}
	for _, inst := range d.Instances {
		check("instances."+inst.Name+".overrides", inst.Overrides)
	}
	for i, t := range d.Templates {
		check("templates["+strconv.Itoa(i)+"].service", t.Service)
	}
	return out
}

func isAbsHost(p string) bool {
	return filepath.IsAbs(p) || strings.HasPrefix(p, "/") || strings.HasPrefix(p, "~")
}

// ImportOptions are devarch import's choices.
type ImportOptions struct {
	// Name imports the stack under this name instead of the file's.
	Name string
	// Root is the new stack's project root, where its relative bind mounts and build
	// contexts resolve: an absolute directory, normally the imported file's folder (so a
	// devarch.yml committed at a repository's root works as it is); "" gives the stack its
	// own folder under the data home.
	Root string
	// DryRun validates everything and reports what would be created, writing nothing.
	DryRun bool
	// Passphrase gives the passphrase of a file carrying encrypted secret values; it is
	// called once, only for such a file. nil means none is available: the import is
	// refused (naming --passphrase-file), except a dry run, which then reports the values
	// without decrypting them (ImportResult.SecretValuesUnchecked).
	Passphrase func() (secrets.Value, error)
}

// ImportResult says what an import created (or, for a dry run, would create).
type ImportResult struct {
	Stack     string
	Instances []string
	Wires     int
	// TemplatesCreated are the embedded custom templates written; TemplatesReused those
	// that existed with the same definition.
	TemplatesCreated []string
	TemplatesReused  []string
	// SecretsGenerated are the generated secrets (database passwords) the import made.
	SecretsGenerated []string
	// MissingSecrets are the secrets the instances reference that have no value yet: the
	// plan refuses to apply until they are set (devarch secret set STACK NAME).
	MissingSecrets []string
	// SecretsSet are the secrets stored with values the import brought (import-compose
	// moves credentials out of environments into them).
	SecretsSet []string
	Warnings   []string
	DryRun     bool
	// SecretValuesUnchecked is set for a dry run of a file carrying encrypted values
	// without a passphrase: SecretsSet lists the values the file carries, not decrypted.
	SecretValuesUnchecked bool
	// Root is the new stack's project root (the one it was given, or its own folder).
	Root string
}

// Import reads a devarch.yml document and creates its stack. Everything is validated
// first (the document, the stack name being free, each built-in existing in a version at
// least the file's, each embedded template either new or identical to the one of that
// name, each instance's name and overrides against its template, each wire against the
// templates' contracts), every problem reported at once; then everything is written in
// one transaction (store.ImportStack), so a failure leaves nothing behind.
func (s *Service) Import(ctx context.Context, data []byte, opts ImportOptions) (ImportResult, error) {
	d, err := transfer.Decode(data)
	if err != nil {
		return ImportResult{}, err
	}
	if err := validRoot(opts.Root); err != nil {
		return ImportResult{}, err
	}
	values, unchecked, err := openSecretValues(d.SecretValues, opts.Passphrase, opts.DryRun, "imported")
	if err != nil {
		return ImportResult{}, err
	}
	res, err := s.importDocument(ctx, d, opts, importExtras{Root: opts.Root, Secrets: values})
	if err == nil && unchecked {
		res.SecretsSet = slices.Sorted(maps.Keys(d.SecretValues.Values))
		res.MissingSecrets = slices.DeleteFunc(res.MissingSecrets, func(n string) bool { return slices.Contains(res.SecretsSet, n) })
		res.SecretValuesUnchecked = true
	}
	return res, err
}

// openSecretValues decrypts a file's secret values with the passphrase ask gives, before
// anything is written. No values: nil. No passphrase (ask nil): an error naming
// --passphrase-file, or for a dry run nil values and unchecked. A wrong passphrase, or a
// value that does not decrypt, is an error naming the field; no error shows a value or a
// blob. verb is "imported" or "updated", for "Nothing was VERB".
func openSecretValues(sv *transfer.SecretValues, ask func() (secrets.Value, error), dryRun bool, verb string) (map[string]secrets.Value, bool, error) {
	if sv == nil {
		return nil, false, nil
	}
	if ask == nil {
		if dryRun {
			return nil, true, nil
		}
		return nil, false, model.Invalid("secretValues", fmt.Sprintf("the file carries encrypted values for %s and no passphrase was given", strings.Join(slices.Sorted(maps.Keys(sv.Values)), ", ")),
			"Give the passphrase it was exported with: --passphrase-file FILE (its first line), or run the command on a terminal to be asked. Or remove the secretValues section to import names only. Nothing was "+verb+".")
	}
	pass, err := ask()
	if err != nil {
		return nil, false, err
	}
	if pass.IsZero() {
		return nil, false, model.Invalid("passphrase", "the passphrase is empty", "Give the passphrase the file was exported with. Nothing was "+verb+".")
	}
	box, err := passbox.Unlock(pass, sv.Key)
	if errors.Is(err, passbox.ErrWrongPassphrase) {
		return nil, false, model.Invalid("secretValues.key", "the passphrase does not decrypt the file's secret values: incorrect passphrase",
			"Give the passphrase used at export (devarch export --with-secrets). Nothing was "+verb+".")
	}
	if err != nil {
		return nil, false, model.Invalid("secretValues.key", "the file's key for its secret values cannot be read: "+err.Error(),
			"Export the file again with devarch export --with-secrets. Nothing was "+verb+".")
	}
	out := map[string]secrets.Value{}
	for _, n := range slices.Sorted(maps.Keys(sv.Values)) {
		v, err := box.Open(sv.Values[n])
		if err != nil {
			return nil, false, model.Invalid("secretValues.values."+n, "the passphrase does not decrypt secret "+n+": "+err.Error(),
				"Each value must come from the same export as the key. Export the file again, or remove the value to import the name only. Nothing was "+verb+".")
		}
		out[n] = v
	}
	return out, false, nil
}

// importExtras are what an import from elsewhere than a devarch.yml brings beyond the
// document (import-compose): secret values to store sealed, and the project root.
type importExtras struct {
	// Secrets are values by secret name; the document lists their names.
	Secrets map[string]secrets.Value
	Root    string
	// Context is the docker context the stack runs on (a clone keeps its source's; an
	// imported file names none: contexts are the machine's, not the project's).
	Context string
}

// importDocument is Import after decoding: validate everything, then write once.
func (s *Service) importDocument(ctx context.Context, d transfer.Document, opts ImportOptions, extra importExtras) (ImportResult, error) {
	name := d.Name
	if opts.Name != "" {
		name = opts.Name
		if err := model.ValidateStackName(name); err != nil {
			return ImportResult{}, err
		}
	}
	res := ImportResult{Stack: name, DryRun: opts.DryRun, Root: s.ProjectRoot(model.Stack{Name: name, Root: extra.Root})}
	if exists, err := s.Store.StackExists(ctx, name); err != nil {
		return ImportResult{}, err
	} else if exists {
		return ImportResult{}, &model.Error{Kind: model.KindConflict, Field: "name",
			Summary: fmt.Sprintf("a stack named %q already exists", name),
			Detail:  "Nothing was imported. Import it under another name: devarch import FILE --name NEW."}
	}

	check, err := s.checkDocument(ctx, d, name, "imported")
	if err != nil {
		return ImportResult{}, err
	}
	templates, toCreate, insts := check.Templates, check.ToCreate, check.Instances
	res.TemplatesCreated, res.TemplatesReused = check.TemplatesCreated, check.TemplatesReused
	res.Warnings = append(res.Warnings, check.Warnings...)

	// Generated secrets: the variables of built-ins that generate one and whose overrides
	// hold the reference an add stores get a fresh value here; the others the user sets.
	generated := generatedRefs(d.Instances, templates)
	keyStore := s.keyStoreAvailable(ctx)
	var gen []string
	for n := range generated {
		if keyStore {
			gen = append(gen, n)
		}
	}
	sort.Strings(gen)
	for _, n := range secretRefs(d.Instances, templates) {
		if !slices.Contains(gen, n) {
			res.MissingSecrets = append(res.MissingSecrets, n)
		}
	}
	for _, n := range d.Secrets {
		if !slices.Contains(res.MissingSecrets, n) && !slices.Contains(gen, n) {
			res.MissingSecrets = append(res.MissingSecrets, n)
		}
	}
	given := slices.Sorted(maps.Keys(extra.Secrets))
	if len(given) > 0 && !keyStore {
		return ImportResult{}, model.NewError(model.KindUnavailable, "no key store to seal the imported secrets",
			"DevArch keeps secret values encrypted with a master key in the OS keychain (or a key file): run devarch doctor to see why neither is available. Nothing was imported.")
	}
	for _, n := range given {
		if err := secrets.ValidValue(extra.Secrets[n]); err != nil {
			return ImportResult{}, model.JoinProblems("the file cannot be imported", prefixProblem(err, "secrets."+n))
		}
	}
	res.MissingSecrets = slices.DeleteFunc(res.MissingSecrets, func(n string) bool { _, ok := extra.Secrets[n]; return ok })
	res.SecretsSet = given
	sort.Strings(res.MissingSecrets)
	for _, inst := range insts {
		res.Instances = append(res.Instances, inst.Name)
	}
	res.Wires = len(d.Wires)
	res.SecretsGenerated = gen
	if opts.DryRun {
		return res, nil
	}

	in := store.StackImport{Name: name, Description: d.Description, Templates: toCreate, Instances: insts, Wires: d.Wires, Extensions: d.Extensions, Root: extra.Root, Context: extra.Context}
	for attempt := 1; ; attempt++ {
		if len(gen) > 0 || len(given) > 0 {
			key, err := s.currentKey(ctx)
			if err != nil {
				return ImportResult{}, err
			}
			in.KeyVersion = key.Version
			in.Seal = sealer(key, slices.Compact(slices.Sorted(slices.Values(append(slices.Clone(gen), given...)))), extra.Secrets)
		}
		done, err := s.Store.ImportStack(ctx, in)
		if errors.Is(err, store.ErrKeyRetired) && attempt < 5 {
			continue
		}
		if err != nil {
			return ImportResult{}, err
		}
		res.TemplatesCreated = done.TemplatesCreated
		return res, nil
	}
}

// documentCheck is what checking a devarch.yml against this installation found: the
// templates its instances use (by name), the embedded ones to create, the instances with
// their checked overrides, and warnings.
type documentCheck struct {
	Templates        map[string]model.Template
	ToCreate         []model.Template
	Instances        []model.Instance
	TemplatesCreated []string
	TemplatesReused  []string
	Warnings         []string
}

// checkDocument checks a decoded devarch.yml for stack name: each embedded template new or
// identical to the stored one, each built-in present in at least the file's version, each
// instance's name and overrides against its template, each wire against the contracts,
// each secret name. Every problem is reported at once, as one error saying nothing was
// verb ("imported", "updated").
func (s *Service) checkDocument(ctx context.Context, d transfer.Document, name, verb string) (documentCheck, error) {
	var problems []*model.Error
	c := documentCheck{Templates: map[string]model.Template{}}
	templates := c.Templates
	for i, t := range d.Templates {
		path := "templates[" + strconv.Itoa(i) + "]"
		have, err := s.Store.GetTemplate(ctx, t.Name)
		switch {
		case model.KindOf(err) == model.KindNotFound:
			if err := checkTemplate(t); err != nil {
				problems = append(problems, prefixProblem(err, path)...)
				continue
			}
			c.ToCreate = append(c.ToCreate, t)
			c.TemplatesCreated = append(c.TemplatesCreated, t.Name)
			templates[t.Name] = t
		case err != nil:
			return documentCheck{}, err
		case have.Builtin:
			problems = append(problems, &model.Error{Kind: model.KindConflict, Field: path + ".name",
				Summary: fmt.Sprintf("the embedded template %q has the name of a built-in template", t.Name),
				Detail:  "Rename the template in the file (and the instances using it)."})
		default:
			if diff := templateDiff(have, t); len(diff) > 0 {
				problems = append(problems, &model.Error{Kind: model.KindConflict, Field: path,
					Summary: fmt.Sprintf("a template named %q already exists with another definition (differs in %s)", t.Name, strings.Join(diff, ", ")),
					Detail:  "Nothing is replaced silently. Rename the template in the file (and the instances using it), or make the existing one match (devarch template import --replace)."})
				continue
			}
			c.TemplatesReused = append(c.TemplatesReused, t.Name)
			templates[t.Name] = have
		}
	}
	for _, ti := range d.Instances {
		path := "instances." + ti.Name
		if err := model.ValidateInstanceName(name, ti.Name); err != nil {
			problems = append(problems, prefixProblem(err, path)...)
			continue
		}
		t, ok := templates[ti.Template]
		if ti.Version != 0 {
			have, err := s.Store.GetTemplate(ctx, ti.Template)
			switch {
			case model.KindOf(err) == model.KindNotFound:
				problems = append(problems, model.Invalid(path+".template", fmt.Sprintf("no built-in template named %q", ti.Template),
					"This DevArch does not ship it; list the templates with: devarch template list."))
				continue
			case err != nil:
				return documentCheck{}, err
			case !have.Builtin:
				problems = append(problems, model.Invalid(path+".template", fmt.Sprintf("%q is a custom template here, not the built-in the file refers to", ti.Template),
					"Rename your custom template, or import on a machine where the name is free."))
				continue
			case have.Version < ti.Version:
				problems = append(problems, model.Invalid(path+".version", fmt.Sprintf("the file uses version %d of built-in %q; this DevArch has version %d", ti.Version, ti.Template, have.Version),
					"Update DevArch to import this file."))
				continue
			case have.Version > ti.Version:
				c.Warnings = append(c.Warnings, fmt.Sprintf("%s: built-in %s is version %d here (the file was exported with version %d); the instance uses version %d", path, ti.Template, have.Version, ti.Version, have.Version))
			}
			t, ok = have, true
			templates[t.Name] = t
		}
		if !ok {
			continue // an embedded template with problems, reported above
		}
		inst := model.Instance{Stack: name, Name: ti.Name, Template: ti.Template, Overrides: ti.Overrides}
		o, err := checkInstance(t, inst, nil)
		if err != nil {
			problems = append(problems, prefixProblem(err, path+".overrides")...)
			continue
		}
		inst.Overrides = o
		c.Instances = append(c.Instances, inst)
	}
	if len(problems) == 0 {
		rs := ResolvedStack{Stack: model.Stack{Name: name, Instances: c.Instances}, Templates: templates}
		for i, w := range d.Wires {
			p := w.Provider
			if err := checkWire(rs, w.Consumer, w.Contract, &p); err != nil {
				problems = append(problems, prefixProblem(err, "wires["+strconv.Itoa(i)+"]")...)
			}
		}
	}
	for i, sn := range d.Secrets {
		if err := secrets.ValidName(sn); err != nil {
			problems = append(problems, prefixProblem(err, "secrets["+strconv.Itoa(i)+"]")...)
		}
	}
	if len(problems) > 0 {
		err := model.JoinProblems("the file cannot be "+verb, problems)
		if err.Kind != model.KindConflict {
			err.Kind = model.KindInvalid
		}
		err.Detail += "\nNothing was " + verb + "."
		return documentCheck{}, err
	}
	c.Warnings = append(c.Warnings, absolutePathWarnings(d)...)
	return c, nil
}

// sealer seals the secrets names for the stack a write creates (its id is known only
// inside the transaction): each with its value in values, or a generated password.
func sealer(key secrets.Key, names []string, values map[string]secrets.Value) func(stackID int64) ([]store.SealedSecret, error) {
	return func(stackID int64) ([]store.SealedSecret, error) {
		out := make([]store.SealedSecret, 0, len(names))
		for _, n := range names {
			v, ok := values[n]
			if !ok {
				var err error
				if v, err = secrets.GeneratePassword(); err != nil {
					return nil, err
				}
			}
			sealed, err := secrets.Seal(key, secrets.Owner{StackID: stackID, Name: n}, v)
			if err != nil {
				return nil, err
			}
			out = append(out, store.SealedSecret{StackID: stackID, Name: n, KeyVersion: sealed.KeyVersion, Nonce: sealed.Nonce, Ciphertext: sealed.Ciphertext})
		}
		return out, nil
	}
}

// prefixProblem puts an error's problems (or itself) under path in the file.
func prefixProblem(err error, path string) []*model.Error {
	var me *model.Error
	if !errors.As(err, &me) {
		return []*model.Error{model.Invalid(path, err.Error(), "")}
	}
	list := me.Problems
	if len(list) == 0 {
		list = []*model.Error{me}
	}
	out := make([]*model.Error, len(list))
	for i, p := range list {
		c := *p
		switch {
		case c.Field == "" || c.Field == "name":
			c.Field = path
		case strings.HasPrefix(c.Field, "["):
			c.Field = path + c.Field
		default:
			c.Field = path + "." + c.Field
		}
		out[i] = &c
	}
	return out
}

// templateDiff names the parts in which two definitions of a template differ: category,
// description, service.FIELD, provides, consumes, generate (compared as JSON values, as
// the store compares them).
func templateDiff(a, b model.Template) []string {
	j := func(v any) string {
		out, _ := json.Marshal(v)
		s := string(out)
		if s == "null" || s == "{}" || s == "[]" {
			return ""
		}
		return s
	}
	var out []string
	if a.Category != b.Category {
		out = append(out, "category")
	}
	if a.Description != b.Description {
		out = append(out, "description")
	}
	fields := map[string]bool{}
	for k := range a.Service {
		fields[k] = true
	}
	for k := range b.Service {
		fields[k] = true
	}
	var names []string
	for k := range fields {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if j(a.Service[k]) != j(b.Service[k]) {
			out = append(out, "service."+k)
		}
	}
	if j(a.Provides) != j(b.Provides) {
		out = append(out, "provides")
	}
	if j(a.Consumes) != j(b.Consumes) {
		out = append(out, "consumes")
	}
	if j(a.Generate) != j(b.Generate) {
		out = append(out, "generate")
	}
	return out
}
