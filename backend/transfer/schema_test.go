package transfer_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/devarch/devarch/backend/model"
)

// schemaPath is the JSON Schema editors use for devarch.yml.
var schemaPath = filepath.Join("..", "..", "docs", "schema", "devarch.schema.json")

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	abs, err := filepath.Abs(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	sch, err := jsonschema.NewCompiler().Compile(abs)
	if err != nil {
		t.Fatalf("compiling %s: %v", schemaPath, err)
	}
	return sch
}

// asJSON reads a YAML document as the JSON value a validator sees (numbers as float64).
func asJSON(t *testing.T, doc []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(doc, &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSchema_AcceptsGoldens(t *testing.T) {
	sch := compileSchema(t)
	files, _ := filepath.Glob(filepath.Join("testdata", "*.devarch.yml"))
	if len(files) < 4 {
		t.Fatalf("only %d goldens", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(asJSON(t, b)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestSchema_RejectsBad(t *testing.T) {
	sch := compileSchema(t)
	for name, doc := range map[string]string{
		"unknown top-level key":  head + "instancez: {}\n",
		"unknown apiVersion":     "apiVersion: devarch/v9\nkind: Stack\nname: shop\n",
		"missing name":           "apiVersion: devarch/v1\nkind: Stack\n",
		"unknown override field": head + "instances:\n  app:\n    template: node\n    version: 2\n    overrides: {portz: [\"80\"]}\n",
		"wrong override type":    head + "instances:\n  app:\n    template: node\n    version: 2\n    overrides: {ports: [8080]}\n",
		"secret value":           head + "secrets: [{api_key: hunter2}]\n",
		"bad instance name":      head + "instances:\n  App: {template: node, version: 2}\n",
		"wire without provider":  head + "wires: [{consumer: a, contract: b}]\n",
		"template version zero":  head + "instances:\n  app: {template: node, version: 0}\n",
	} {
		if err := sch.Validate(asJSON(t, []byte(doc))); err == nil {
			t.Errorf("%s: the schema accepts\n%s", name, doc)
		}
	}
}

// The schema's service fields are model.ServiceFields, in templates and in overrides.
func TestSchema_ServiceFieldsInStep(t *testing.T) {
	b, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Properties struct {
			Instances struct {
				AdditionalProperties struct {
					Properties struct {
						Overrides struct {
							AnyOf []struct {
								Properties map[string]any `json:"properties"`
							} `json:"anyOf"`
						} `json:"overrides"`
					} `json:"properties"`
				} `json:"additionalProperties"`
			} `json:"instances"`
			Templates struct {
				Items struct {
					Properties struct {
						Service struct {
							Properties map[string]any `json:"properties"`
						} `json:"service"`
					} `json:"properties"`
				} `json:"items"`
			} `json:"templates"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	keys := func(m map[string]any) []string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	want := model.FieldNames()
	// Templates refuse the instance-only fields (depends_on, network_aliases, secrets).
	forTemplates := slices.DeleteFunc(slices.Clone(want), func(f string) bool { _, only := model.InstanceOnlyFields[f]; return only })
	if got := keys(s.Properties.Templates.Items.Properties.Service.Properties); !reflect.DeepEqual(got, forTemplates) {
		t.Errorf("templates[].service fields %v, want %v", got, forTemplates)
	}
	anyOf := s.Properties.Instances.AdditionalProperties.Properties.Overrides.AnyOf
	if len(anyOf) != 2 {
		t.Fatalf("overrides anyOf has %d entries", len(anyOf))
	}
	if got := keys(anyOf[1].Properties); !reflect.DeepEqual(got, want) {
		t.Errorf("overrides fields %v, want %v", got, want)
	}
}
