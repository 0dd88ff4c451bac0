package catalog

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/devarch/devarch/backend/model"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

func TestMarshal_RoundTripsEveryBuiltin(t *testing.T) {
	for name, tpl := range builtins(t) {
		data, err := Marshal(tpl)
		if err != nil {
			t.Fatalf("%s: Marshal: %v", name, err)
		}
		back, err := Parse(data, true)
		if err != nil {
			t.Fatalf("%s: Parse(Marshal): %v\n%s", name, err, data)
		}
		if !reflect.DeepEqual(back, tpl) {
			t.Errorf("%s: round trip changed the template\n got %#v\nwant %#v", name, back, tpl)
		}
	}
}

// Values that YAML could read as something else, multi-line text and empty collections
// come back as they went in.
func TestMarshal_RoundTripsAwkwardValues(t *testing.T) {
	tpl := model.Template{
		Name: "awkward", Category: "tools", Description: "a: b # not a comment",
		Service: model.Spec{
			"image":       "registry.local:5000/x:1",
			"command":     []any{"sh", "-c", "echo 'hi' # there; exit 0", "", "null", "true", "8080", "- x", "{a}"},
			"entrypoint":  []any{},
			"environment": map[string]any{"A": "yes", "B": "0x1F", "C": "1.50", "D": "", "E": "line one\nline two\n", "F": "${HOME}", "G": " padded "},
			"labels":      map[string]any{},
			"ports":       []any{"8080:80", "127.0.0.1:9000:9000/udp"},
			"volumes":     []any{"data:/data", "a very long path that keeps going and going:/and/a/long/target/path/too", "x:y"},
			"tty":         false,
			"healthcheck": map[string]any{"test": "curl -f http://localhost/", "retries": 3.0, "disable": false},
			"deploy":      map[string]any{"resources": map[string]any{"limits": map[string]any{"cpus": 0.5, "memory": "1g"}}, "big": 1e21, "list": []any{1.0, "two", map[string]any{"k": true}}},
		},
		Provides: []model.Provide{{Contract: "x.y_z-1", Values: map[string]string{"url": "http://${host}:${env.A}/", "port": "80"}}},
		Consumes: []model.Consume{{Contract: "a", Required: true, Env: map[string]string{"X": "host"}}, {Contract: "b"}},
	}
	data, err := Marshal(tpl)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(data, false)
	if err != nil {
		t.Fatalf("Parse(Marshal): %v\n%s", err, data)
	}
	if !reflect.DeepEqual(back, tpl) {
		t.Errorf("round trip changed the template\n got %#v\nwant %#v\n%s", back, tpl, data)
	}
}

// Maps iterate in random order; the bytes must not.
func TestMarshal_Deterministic(t *testing.T) {
	for name, tpl := range builtins(t) {
		first, err := Marshal(tpl)
		if err != nil {
			t.Fatal(err)
		}
		for range 20 {
			again, _ := Marshal(cloneTemplate(tpl))
			if !bytes.Equal(again, first) {
				t.Fatalf("%s: Marshal gave different bytes:\n%s\n---\n%s", name, first, again)
			}
		}
		reparsed, _ := Parse(first, true)
		if again, _ := Marshal(reparsed); !bytes.Equal(again, first) {
			t.Errorf("%s: Marshal(Parse(Marshal(t))) differs from Marshal(t)", name)
		}
	}
}

// The golden file pins the layout people see in the editor and in exports.
func TestMarshal_Golden(t *testing.T) {
	got, err := Marshal(builtins(t)["php-fpm"])
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "php-fpm.golden")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Marshal(php-fpm) differs from %s (go test -update rewrites it):\n%s", golden, got)
	}
}
