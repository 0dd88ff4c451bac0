package secrets_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/devarch/devarch/backend/secrets"
)

const plaintext = "hunter2-Pl41nT3xt"

// noLeak fails when out contains the plaintext, and when it lacks "(sensitive)".
func noLeak(t *testing.T, what, out string) {
	t.Helper()
	if strings.Contains(out, plaintext) || strings.Contains(out, fmt.Sprintf("%x", plaintext)) {
		t.Errorf("%s leaks the plaintext: %q", what, out)
	}
	if !strings.Contains(out, "(sensitive)") {
		t.Errorf("%s does not say (sensitive): %q", what, out)
	}
}

type holder struct {
	Name     string
	Password secrets.Value
	hidden   secrets.Value
	Ptr      *secrets.Value
}

func TestValue_Reveal(t *testing.T) {
	v := secrets.NewValue(plaintext)
	if v.Reveal() != plaintext || string(v.Bytes()) != plaintext || v.Len() != len(plaintext) || v.IsZero() {
		t.Fatalf("Reveal/Bytes/Len do not give the plaintext back")
	}
	b := v.Bytes()
	b[0] = 'X'
	if v.Reveal() != plaintext {
		t.Fatal("changing the slice from Bytes changed the Value")
	}
	src := []byte(plaintext)
	w := secrets.ValueFromBytes(src)
	clear(src)
	if w.Reveal() != plaintext {
		t.Fatal("ValueFromBytes does not copy its input")
	}
	if !v.Equal(w) || v.Equal(secrets.NewValue(plaintext+"x")) || v.Equal(secrets.Value{}) {
		t.Fatal("Equal is wrong")
	}
	var zero secrets.Value
	if !zero.IsZero() || zero.Reveal() != "" || zero.Bytes() != nil && len(zero.Bytes()) != 0 {
		t.Fatal("the zero Value is not the empty secret")
	}
}

func TestValue_Fmt(t *testing.T) {
	v := secrets.NewValue(plaintext)
	h := holder{Name: "db", Password: v, hidden: v, Ptr: &v}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10.3s", "%T %v"} {
		noLeak(t, "Sprintf "+verb+" of a Value", fmt.Sprintf(verb, v, v))
		noLeak(t, "Sprintf "+verb+" of a *Value", fmt.Sprintf(verb, &v, &v))
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x"} {
		out := fmt.Sprintf(verb, h)
		noLeak(t, "Sprintf "+verb+" of a struct holding Values", out)
		out = fmt.Sprintf(verb, &h)
		noLeak(t, "Sprintf "+verb+" of a pointer to that struct", out)
		out = fmt.Sprintf(verb, []secrets.Value{v})
		noLeak(t, "Sprintf "+verb+" of a slice of Values", out)
		out = fmt.Sprintf(verb, map[string]secrets.Value{"k": v})
		noLeak(t, "Sprintf "+verb+" of a map of Values", out)
	}
	if v.String() != "(sensitive)" || v.GoString() != "(sensitive)" || fmt.Sprint(v) != "(sensitive)" || fmt.Sprintln(v) != "(sensitive)\n" {
		t.Fatal("String/GoString/Sprint are not (sensitive)")
	}
	// An unexported field is printed by reflection, not through Format: it must show an
	// address, not the bytes.
	unexported := fmt.Sprintf("%+v %#v", struct{ v secrets.Value }{v}, struct{ v secrets.Value }{v})
	if strings.Contains(unexported, plaintext) || strings.Contains(unexported, fmt.Sprint([]byte(plaintext))) {
		t.Fatalf("an unexported Value field leaks: %s", unexported)
	}
	if err := fmt.Errorf("saving %v failed", v); strings.Contains(err.Error(), plaintext) {
		t.Fatal("an error wrapping a Value leaks it")
	}
}

func TestValue_JSON(t *testing.T) {
	v := secrets.NewValue(plaintext)
	b, err := json.Marshal(holder{Name: "db", Password: v, hidden: v, Ptr: &v})
	if err != nil {
		t.Fatal(err)
	}
	noLeak(t, "json.Marshal", string(b))
	if want := `{"Name":"db","Password":"(sensitive)","Ptr":"(sensitive)"}`; string(b) != want {
		t.Fatalf("json: %s, want %s", b, want)
	}
	b, err = json.Marshal(map[string]any{"list": []secrets.Value{v}, "map": map[secrets.Value]int{v: 1}})
	if err != nil {
		t.Fatal(err)
	}
	noLeak(t, "json.Marshal of slices and map keys", string(b))
	text, _ := v.MarshalText()
	noLeak(t, "MarshalText", string(text))
}

func TestValue_YAML(t *testing.T) {
	v := secrets.NewValue(plaintext)
	b, err := yaml.Marshal(holder{Name: "db", Password: v, hidden: v, Ptr: &v})
	if err != nil {
		t.Fatal(err)
	}
	noLeak(t, "yaml.Marshal", string(b))
	if !strings.Contains(string(b), "password: (sensitive)\n") {
		t.Fatalf("yaml:\n%s", b)
	}
	b, err = yaml.Marshal(map[string]any{"env": map[string]secrets.Value{"DB_PASSWORD": v}, "list": []secrets.Value{v}})
	if err != nil {
		t.Fatal(err)
	}
	noLeak(t, "yaml.Marshal of maps and lists", string(b))
}

func TestValue_Slog(t *testing.T) {
	v := secrets.NewValue(plaintext)
	h := holder{Name: "db", Password: v, hidden: v, Ptr: &v}
	for name, mk := range map[string]func(*bytes.Buffer) slog.Handler{
		"text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		"json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
	} {
		var buf bytes.Buffer
		log := slog.New(mk(&buf))
		log.Info("secret set", "value", v, "ptr", &v, slog.Any("any", v), slog.Group("g", "value", v))
		log.With("value", v).Info("with")
		log.Info("struct", "holder", h)
		log.Info("formatted " + fmt.Sprint(v))
		for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
			noLeak(t, name+" handler", line)
		}
	}
}

func TestKey_NeverPrinted(t *testing.T) {
	k := secrets.NewKeyForTest(3, []byte("0123456789abcdef0123456789ABCDEF"))
	raw := secrets.KeyBytes(k)
	outs := []string{fmt.Sprint(k), fmt.Sprintf("%v %+v %#v %s %x %q", k, k, k, k, k, k), fmt.Sprintf("%+v %#v", struct{ k secrets.Key }{k}, struct{ K secrets.Key }{k})}
	j, _ := json.Marshal(struct{ K secrets.Key }{k})
	y, _ := yaml.Marshal(struct{ K secrets.Key }{k})
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("key", "k", k)
	outs = append(outs, string(j), string(y), buf.String())
	for _, out := range outs {
		if leaksKey(out, raw) {
			t.Errorf("key bytes printed: %s", out)
		}
	}
	if k.String() != "(master key v3)" || !strings.Contains(string(j), "(master key v3)") {
		t.Fatalf("String: %s, JSON %s", k, j)
	}
}
