// Package transfer reads and writes devarch.yml, the file a stack travels in (export,
// import; DOMAIN.md "devarch.yml"). It is pure: bytes in, values out, no I/O. The format
// is described in docs/devarch-yml.md and docs/schema/devarch.schema.json.
//
// Invariants:
//   - Encode is deterministic: the same Document always gives the same bytes, and
//     Encode(Decode(Encode(d))) == Encode(d), so export -> import -> export gives the same
//     file.
//   - Decode is strict: unknown keys, wrong types, an unknown apiVersion or kind, duplicate
//     keys, YAML aliases, merge keys and custom tags are errors. Every error is a
//     *model.Error of KindInvalid whose Field is the path in the file
//     ("instances.app.overrides.ports[0]") and whose Detail starts with "line L, column C:"
//     where a position is known.
//   - A document is bounded before it is parsed (MaxSize) and must be UTF-8, so a hostile
//     file costs little: no alias is ever expanded (yaml.v3's node tree keeps aliases as
//     nodes, and Decode refuses them).
//   - The file holds overrides (the delta), never effective configurations, and secret
//     names, never plaintext values: with export --with-secrets it also carries values
//     encrypted with a passphrase (SecretValues), as opaque armored age blobs this package
//     only checks the shape of. Encryption lives outside the pure core (backend/passbox).
package transfer

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/devarch/devarch/backend/model"
)

// APIVersion and Kind are the only document version and kind this DevArch reads and writes.
const (
	APIVersion = "devarch/v1"
	Kind       = "Stack"
)

// MaxSize is the largest devarch.yml Decode accepts, in bytes. A stack of 50 instances with
// custom templates is a few tens of KiB; 1 MiB leaves room for large configs while bounding
// what a bad file costs in memory and time.
const MaxSize = 1 << 20

// Document is a stack as devarch.yml holds it. Decode returns it in canonical form
// (Instances, Wires, Templates and Secrets sorted, Overrides never nil), which Encode
// expects.
type Document struct {
	Name        string
	Description string
	// Instances are sorted by name.
	Instances []Instance
	// Wires are the explicit wires, sorted by consumer then contract. Automatic wires (and
	// pinned ones, which an apply records) are not part of a stack's definition: they are
	// recomputed in the importing stack.
	Wires []model.Wire
	// Secrets are the names of the secrets the stack's instances reference and the user
	// provides (sorted, unique), never values. Secrets a built-in generates (a database
	// password) are not listed: each import generates its own.
	Secrets []string
	// SecretValues are the encrypted values of some of Secrets (export --with-secrets), nil
	// for a file of names only.
	SecretValues *SecretValues
	// Templates are the custom templates the instances use, embedded in the catalog's
	// format (backend/catalog/FORMAT.md), sorted by name. Built-ins are referenced by name
	// and version.
	Templates []model.Template
	// Extensions are the top-level x- keys, kept and written back (sorted by key), with
	// JSON-like values (string, bool, float64, nil, []any, map[string]any).
	Extensions map[string]any
}

// Instance is a template placed in the stack with its overrides.
type Instance struct {
	Name string
	// Template is the template's name; Version is the built-in's version, 0 for a custom
	// template (which the document embeds).
	Template string
	Version  int
	// Overrides are the instance's delta as stored (canonical, resolve.NormalizeOverrides),
	// never nil.
	Overrides model.Spec
}

// SecretValues are secret values encrypted with a passphrase (backend/passbox): Key is the
// file's key blob (an age identity encrypted with the passphrase), Values an age file per
// secret name, encrypted to that identity. Every blob is an ASCII-armored age file (see
// ArmorHeader); this package carries them as text and never decrypts them. Each name of
// Values is one of the document's Secrets.
type SecretValues struct {
	Key    string
	Values map[string]string
}

// ArmorHeader and ArmorFooter are the first and last lines of an ASCII-armored age file
// (filippo.io/age/armor), the form of every blob under secretValues.
const (
	ArmorHeader = "-----BEGIN AGE ENCRYPTED FILE-----"
	ArmorFooter = "-----END AGE ENCRYPTED FILE-----"
)

// MaxBlobSize bounds one encrypted blob's text (a 64 KiB value, the largest secret, is about
// 88 KiB armored).
const MaxBlobSize = 128 << 10

// contractName is the catalog's rule for contract names.
var contractName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// Canonical sorts d's lists, fills nil overrides and makes empty lists and maps nil,
// giving the form Encode writes and Decode returns (an empty section is not written, so
// "instances: {}" and no instances are the same document).
func Canonical(d Document) Document {
	d.Instances = slices.Clone(d.Instances)
	for i := range d.Instances {
		if d.Instances[i].Overrides == nil {
			d.Instances[i].Overrides = model.Spec{}
		}
	}
	slices.SortFunc(d.Instances, func(a, b Instance) int { return strings.Compare(a.Name, b.Name) })
	d.Wires = slices.Clone(d.Wires)
	slices.SortFunc(d.Wires, func(a, b model.Wire) int {
		if c := strings.Compare(a.Consumer, b.Consumer); c != 0 {
			return c
		}
		return strings.Compare(a.Contract, b.Contract)
	})
	d.Secrets = slices.Clone(d.Secrets)
	slices.Sort(d.Secrets)
	d.Secrets = slices.Compact(d.Secrets)
	d.Templates = slices.Clone(d.Templates)
	slices.SortFunc(d.Templates, func(a, b model.Template) int { return strings.Compare(a.Name, b.Name) })
	if len(d.Instances) == 0 {
		d.Instances = nil
	}
	if len(d.Wires) == 0 {
		d.Wires = nil
	}
	if len(d.Secrets) == 0 {
		d.Secrets = nil
	}
	if len(d.Templates) == 0 {
		d.Templates = nil
	}
	if d.SecretValues != nil && d.SecretValues.Key == "" && len(d.SecretValues.Values) == 0 {
		d.SecretValues = nil
	}
	if len(d.Extensions) == 0 {
		d.Extensions = nil
	}
	return d
}

// at prefixes a path: at("instances.app", "image") is "instances.app.image"; an index
// ("[0]") joins without a dot.
func at(path, rest string) string {
	switch {
	case rest == "":
		return path
	case path == "":
		return rest
	case strings.HasPrefix(rest, "["):
		return path + rest
	}
	return path + "." + rest
}

// sizeText writes a byte count for people.
func sizeText(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KiB", (n+1023)/1024)
}
