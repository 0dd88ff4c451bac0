package compose

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/types"
	"gopkg.in/yaml.v3"

	"github.com/devarch/devarch/backend/compose/composetest"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/resolve"
)

// nastyStrings are values the old hand-written emitter, or YAML in general, gets wrong
// unless it quotes or escapes them: the seeds of the round-trip fuzz test and the values of
// TestGenerate_ComposeConfigKeepsNastyValues. Strings DevArch refuses at input (control
// characters, invalid UTF-8) are seeds too: the fuzz test checks they are refused with the
// field's path.
var nastyStrings = []string{
	"", " ", "  ", "a", "plain text",
	// YAML 1.1 and 1.2 words and numbers
	"yes", "no", "on", "off", "Y", "n", "true", "False", "null", "Null", "~", ".inf", "-.Inf", ".NaN",
	"0x1F", "0o17", "0b101", "010", "1e3", "1_000", "+1", "-1", "1.5", "8080", "1:20", "190:20:30", "8080:80",
	// timestamps, with and without 1-digit months and days
	"2024-01-02", "2001-1-1", "2001-1-1 1:00:00", "2001-1-1T1:00:00Z", "2024-1-2T10:00:00+01:00", "2001-12-14t21:59:43.10-05:00",
	// indicators and structure
	"*x", "&a", "!tag", "!!str", "%x", "@x", "`x`", "|", ">", "|-", ">+", "'q'", `"q"`, "'", `"`, `\`, `\n`,
	"{a}", "[a]", "{", "]", "a,b", "?x", "? x", "x?", "-", "- x", "--", "---", "...", "--- x", "#comment", "a #b", "a#b",
	"a: b", "a:b", "key:", ":x", "<<", "=", "=x", ",x",
	// spaces, tabs, line breaks
	" leading", "trailing ", "  both  ", "\t", "tab\there", "\ttab", "tab\t",
	"multi\nline", "\n", "\n\n", "\nleading newline", "trailing newline\n", "two\n\nbreaks\n\n", "line with trailing spaces  \nnext  \n",
	" \n x", "a\n  indented", "x\n- y", "x\n# y", "x\n---\ny", "x\n...\ny",
	// unicode
	"é unicode", "日本語", "emoji 🚀", "\u00a0nbsp\u00a0", "zero\u200bwidth", "\ufeffBOM", "line\u2028sep", "para\u2029sep",
	"\U0010FFFD", "\uFDD0", "\U0001FFFE",
	// dollars and secret references
	"$", "$$", "$HOME", "${HOME}", "$${HOME}", "${FOO:-bar}", "costs $5", "${secret:db_password}", "x${secret:api_token}y",
	"$${secret:db_password}", "${secret:a}${secret:b}", "${secret:open", "${secret:bad name}", "${secret:}",
	// long
	strings.Repeat("long value ", 200), strings.Repeat("x", 5000),
	// refused at input
	"a\x7fb", "a\u0085b", "a\uFFFEb", "a\uFFFFb", "a\rb", "crlf\r\n", "nul\x00", "esc\x1b[31m", "a\x9fb", "bad\xffutf8",
}

// config is what a consumer of the generated file reads for the service under test.
type config struct {
	Environment map[string]string
	Labels      map[string]string
	Command     []string
	Entrypoint  []string
	Test        []string
}

// fuzzInput places fuzzed strings in every kind of string a user can give: an environment
// key and value, a label key and value, command and entrypoint arguments, and a healthcheck
// test argument.
type fuzzInput struct{ key, value, arg string }

// overrides builds the delta the way users do: environment and labels through the CLI's
// PATH=VALUE editing (resolve.SetPath), lists as the YAML editor or JSON would hold them.
func (in fuzzInput) overrides() (model.Spec, error) {
	o := model.Spec{
		"command":     []any{"sh", "-c", in.arg, in.value},
		"entrypoint":  []any{in.arg},
		"healthcheck": map[string]any{"test": []any{"CMD", in.arg}},
	}
	o, err := resolve.SetPath(o, "environment."+in.key, in.value)
	if err != nil {
		return nil, err
	}
	o, err = resolve.SetPath(o, "environment.FIXED", in.arg)
	if err != nil {
		return nil, err
	}
	return resolve.SetPath(o, "labels."+in.key, in.value)
}

// fuzzTemplate is the template the fuzzed instance uses.
var fuzzTemplate = model.Template{Name: "custom", Service: model.Spec{"image": "busybox:1", "environment": map[string]any{"FROM_TEMPLATE": "t"}}}

// checkRoundTrip runs in through override -> resolve -> generate, then reads the file back
// with yaml.v3 and with compose-go's loader (the library `docker compose` v2.40.3 is built
// on): the YAML must hold exactly the values Generate put in the typed project, and compose
// must see exactly the values the user gave (`$` literal, secret references filled from the
// environment). Input DevArch refuses must be refused with an error naming the field.
func checkRoundTrip(t *testing.T, in fuzzInput) {
	t.Helper()
	o, err := in.overrides()
	if err != nil {
		requireFieldError(t, "SetPath", err)
		return
	}
	eff, err := resolve.Resolve(fuzzTemplate, model.Instance{Name: "app", Stack: "fz", Template: "custom", Overrides: o})
	if err != nil {
		t.Fatalf("Resolve refused a delta SetPath accepted: %v", err)
	}
	st := model.EffectiveStack{Name: "fz", Services: []model.EffectiveService{eff}}
	p, err := NewProject(st)
	if err != nil {
		requireFieldError(t, "Generate", err)
		return
	}
	doc, err := p.Marshal()
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	if gen, err := Generate(st); err != nil || string(gen) != string(doc) {
		t.Fatalf("Generate differs from NewProject+Marshal (%v)", err)
	}
	if want := Header(st.Name) + referenceYAML(t, p); string(doc) != want {
		t.Fatalf("Marshal differs from yaml.v3's encoding of the same tree:\n--- got\n%s\n--- yaml.v3\n%s", doc, want)
	}
	svc := p.Services["app"]
	inFile := config{Environment: map[string]string(svc.Environment), Labels: map[string]string(svc.Labels), Command: []string(svc.Command), Entrypoint: []string(svc.Entrypoint), Test: anyStrings(t, svc.Healthcheck.Test)}
	if got := readWithYAMLv3(t, doc); !reflect.DeepEqual(got, inFile) {
		t.Fatalf("yaml.v3 reads back other values than written:\n got  %#v\n want %#v\n--- file\n%s", got, inFile, doc)
	}

	// What compose hands to the engine: the values of the effective config, with every
	// secret reference replaced by its variable's value. Each variable is given the
	// reference's own text as its value, so the expected values are the user's strings.
	user := config{
		Environment: stringMap(t, eff.Spec["environment"]),
		Labels:      stringMap(t, eff.Spec["labels"]),
		Command:     anyStrings(t, eff.Spec["command"]),
		Entrypoint:  anyStrings(t, eff.Spec["entrypoint"]),
		Test:        anyStrings(t, eff.Spec["healthcheck"].(map[string]any)["test"]),
	}
	for k, v := range svc.Labels {
		if strings.HasPrefix(k, "dev.devarch.") {
			user.Labels[k] = strings.ReplaceAll(v, "$$", "$") // the template label is escaped too
		}
	}
	env := types.Mapping{}
	for _, name := range SecretRefs(st) {
		env[SecretEnvVar(name)] = "${secret:" + name + "}"
	}
	if got := readWithComposeGo(t, doc, env); !reflect.DeepEqual(got, user) {
		t.Fatalf("compose-go reads other values than the user gave:\n got  %#v\n want %#v\n--- file\n%s", got, user, doc)
	}
}

// requireFieldError checks a refusal: a KindInvalid *model.Error naming a field and saying
// what to do.
func requireFieldError(t *testing.T, stage string, err error) {
	t.Helper()
	var e *model.Error
	if !errors.As(err, &e) || e.Kind != model.KindInvalid || e.Field == "" || e.Summary == "" {
		t.Fatalf("%s refused the input without a field error: %#v", stage, err)
	}
}

func readWithYAMLv3(t *testing.T, doc []byte) config {
	t.Helper()
	var file struct {
		Services map[string]struct {
			Environment map[string]string `yaml:"environment"`
			Labels      map[string]string `yaml:"labels"`
			Command     []string          `yaml:"command"`
			Entrypoint  []string          `yaml:"entrypoint"`
			Healthcheck struct {
				Test []string `yaml:"test"`
			} `yaml:"healthcheck"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(doc, &file); err != nil {
		t.Fatalf("yaml.v3 cannot read the generated file: %v\n%s", err, doc)
	}
	s := file.Services["app"]
	return config{Environment: s.Environment, Labels: s.Labels, Command: s.Command, Entrypoint: s.Entrypoint, Test: s.Healthcheck.Test}
}

func readWithComposeGo(t *testing.T, doc []byte, env types.Mapping) config {
	t.Helper()
	p, err := composetest.LoadComposeGo(doc, env)
	if err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	s, ok := p.Services["app"]
	if !ok {
		t.Fatalf("compose-go lost the service: %v", p.ServiceNames())
	}
	out := config{Environment: map[string]string{}, Labels: map[string]string(s.Labels), Command: s.Command, Entrypoint: s.Entrypoint}
	for k, v := range s.Environment {
		if v == nil {
			t.Fatalf("compose-go reads environment %q as unset", k)
		}
		out.Environment[k] = *v
	}
	if s.HealthCheck != nil {
		out.Test = s.HealthCheck.Test
	}
	return out
}

func stringMap(t *testing.T, v any) map[string]string {
	t.Helper()
	out := map[string]string{}
	m, ok := v.(map[string]any)
	if v == nil {
		return out // every key deleted
	}
	if !ok {
		t.Fatalf("not a map: %#v", v)
	}
	for k, x := range m {
		out[k] = x.(string)
	}
	return out
}

func anyStrings(t *testing.T, v any) []string {
	t.Helper()
	switch l := v.(type) {
	case []string:
		return slices.Clone(l)
	case []any:
		out := make([]string, len(l))
		for i, x := range l {
			out[i] = x.(string)
		}
		return out
	}
	t.Fatalf("not a list of strings: %#v", v)
	return nil
}

// FuzzGenerateRoundTrip: any string a user can give as an environment or label key or
// value, or a command argument, either is refused at input with the field's path, or
// reaches compose exactly (see checkRoundTrip).
func FuzzGenerateRoundTrip(f *testing.F) {
	for i, s := range nastyStrings {
		f.Add("KEY", s, "x")
		f.Add(s, "v", s)
		f.Add("K"+strings.Repeat("_", i%3), nastyStrings[(i+7)%len(nastyStrings)], s)
	}
	f.Fuzz(func(t *testing.T, key, value, arg string) {
		checkRoundTrip(t, fuzzInput{key: key, value: value, arg: arg})
	})
}

// refusedAtInput are the nastyStrings DevArch refuses as values.
var refusedAtInput = map[string]bool{
	"a\x7fb": true, "a\u0085b": true, "a\uFFFEb": true, "a\uFFFFb": true, "a\rb": true, "crlf\r\n": true,
	"nul\x00": true, "esc\x1b[31m": true, "a\x9fb": true, "bad\xffutf8": true,
	"${secret:open": true, "${secret:bad name}": true, "${secret:}": true, // Generate refuses these
}

// TestGenerate_ComposeConfigKeepsNastyValues runs the real `docker compose config --format
// json` on a generated file holding every nastyStrings value DevArch accepts, as environment
// values, label values, environment and label keys (where a key may hold it), command,
// entrypoint and healthcheck arguments, and checks that compose resolves each to exactly
// the user's value. The values DevArch refuses are checked to be refused, naming the field.
func TestGenerate_ComposeConfigKeepsNastyValues(t *testing.T) {
	o := model.Spec{}
	var args []any
	accepted := 0
	for i, s := range nastyStrings {
		key := fmt.Sprintf("V%03d", i)
		next, err := resolve.SetPath(o, "environment."+key, s)
		if err == nil {
			next, err = resolve.SetPath(next, "labels.l"+key, s)
		}
		if err == nil {
			_, err = NewProject(model.EffectiveStack{Name: "nasty", Services: []model.EffectiveService{{Instance: "app", Spec: model.Spec{"image": "x", "environment": map[string]any{"K": s}}}}})
		}
		if refusedAtInput[s] {
			if err == nil {
				t.Errorf("%q was accepted, want it refused", s)
			} else {
				requireFieldError(t, "input", err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q refused: %v", s, err)
			continue
		}
		o = next
		args = append(args, s)
		accepted++
		// Also as a key, where a key may hold it.
		if withKey, err := resolve.SetPath(o, "environment."+s, key); err == nil {
			if withKey, err = resolve.SetPath(withKey, "labels."+s, key); err == nil {
				o = withKey
			}
		}
	}
	o["command"] = args
	o["entrypoint"] = args[:3]
	o["healthcheck"] = map[string]any{"test": append([]any{"CMD"}, args...)}
	eff, err := resolve.Resolve(fuzzTemplate, model.Instance{Name: "app", Stack: "nasty", Template: "custom", Overrides: o})
	if err != nil {
		t.Fatal(err)
	}
	st := model.EffectiveStack{Name: "nasty", Services: []model.EffectiveService{eff}}
	doc, err := Generate(st)
	if err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, name := range SecretRefs(st) {
		env = append(env, SecretEnvVar(name)+"=${secret:"+name+"}")
	}
	out, err := composetest.Config(t, doc, env, "--format", "json")
	if err != nil {
		t.Fatalf("compose config: %v\n%s\n--- file\n%s", err, out, doc)
	}
	// compose escapes every `$` of the resolved values again, so that its output reads back
	// the same: every `$` is doubled, and halving the pairs gives the resolved values.
	out = bytes.ReplaceAll(out, []byte("$$"), []byte("$"))
	var resolved struct {
		Services map[string]struct {
			Environment map[string]string
			Labels      map[string]string
			Command     []string
			Entrypoint  []string
			Healthcheck struct{ Test []string }
		}
	}
	if err := json.Unmarshal(out, &resolved); err != nil {
		t.Fatalf("decoding compose config: %v\n%s", err, out)
	}
	got := resolved.Services["app"]
	want := config{
		Environment: stringMap(t, eff.Spec["environment"]),
		Labels:      stringMap(t, eff.Spec["labels"]),
		Command:     anyStrings(t, eff.Spec["command"]),
		Entrypoint:  anyStrings(t, eff.Spec["entrypoint"]),
		Test:        anyStrings(t, eff.Spec["healthcheck"].(map[string]any)["test"]),
	}
	for k, v := range got.Labels {
		if strings.HasPrefix(k, "dev.devarch.") {
			want.Labels[k] = v
		}
	}
	for k, w := range want.Environment {
		if g, ok := got.Environment[k]; !ok || g != w {
			t.Errorf("environment %q = %q (present %v), want %q", k, g, ok, w)
		}
	}
	for k, w := range want.Labels {
		if g, ok := got.Labels[k]; !ok || g != w {
			t.Errorf("label %q = %q (present %v), want %q", k, g, ok, w)
		}
	}
	if len(got.Environment) != len(want.Environment) || len(got.Labels) != len(want.Labels) {
		t.Errorf("compose has %d environment variables and %d labels, want %d and %d", len(got.Environment), len(got.Labels), len(want.Environment), len(want.Labels))
	}
	for name, pair := range map[string][2][]string{"command": {got.Command, want.Command}, "entrypoint": {got.Entrypoint, want.Entrypoint}, "healthcheck.test": {got.Healthcheck.Test, want.Test}} {
		if !slices.Equal(pair[0], pair[1]) {
			t.Errorf("%s = %q, want %q", name, pair[0], pair[1])
		}
	}
	if accepted < 100 || len(want.Environment) < accepted+20 {
		t.Errorf("only %d values and %d environment keys reached compose: the test lost its cases", accepted, len(want.Environment))
	}
}
