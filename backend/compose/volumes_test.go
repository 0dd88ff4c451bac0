package compose_test

import (
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/compose"
	"github.com/devarch/devarch/backend/model"
)

// Two instances whose templates both name their volume "data" must not share it.
func TestGenerate_NamedVolumesArePerInstance(t *testing.T) {
	st := model.EffectiveStack{Name: "shop", Services: []model.EffectiveService{
		{Instance: "mysql", Template: "mysql", Spec: model.Spec{"image": "mysql:8.4", "volumes": []any{"data:/var/lib/mysql"}}},
		{Instance: "pg", Template: "postgres", Spec: model.Spec{"image": "postgres:16", "volumes": []any{"data:/var/lib/postgresql/data"}}},
	}}
	doc, err := compose.Generate(st)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"- mysql-data:/var/lib/mysql", "- pg-data:/var/lib/postgresql/data", "\n  mysql-data:\n", "\n  pg-data:\n"} {
		if !strings.Contains(string(doc), want) {
			t.Errorf("generated file lacks %q:\n%s", want, doc)
		}
	}
	if strings.Contains(string(doc), "\n  data:\n") {
		t.Errorf("a shared unscoped volume was declared:\n%s", doc)
	}
}
