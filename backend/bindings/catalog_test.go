package bindings_test

import (
	"strings"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/bindings"
	"github.com/devarch/devarch/backend/database/dbtest"
	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/store"
)

// The desktop editor's Save goes through the engine's import: the same size limit as the
// CLI, and a large malformed template is refused quickly with line and column. Nothing is
// stored either way.
func TestTemplates_SaveRefusesLargeAndMalformed(t *testing.T) {
	host := bindings.NewHost()
	host.SetContext(t.Context())
	host.SetReady(dbtest.Server(t), engine.New(store.New(dbtest.MigratedDatabase(t)), runtime.Options{}, t.TempDir()))
	templates := bindings.NewTemplates(host)

	head := "name: big\ncategory: runtime\nservice:\n  image: busybox:1\n"
	_, err := templates.Save(head+"#"+strings.Repeat("x", 300<<10-len(head)-1), false)
	if p := problemOf(t, err); p.Kind != "invalid" || p.Summary != "the template is 300 KiB; the limit is 256 KiB" {
		t.Fatalf("300 KiB: %+v", p)
	}

	unclosed := head + "  command: [" + strings.Repeat("arg, ", 250<<10/5)
	start := time.Now()
	_, err = templates.Save(unclosed, false)
	took := time.Since(start)
	if p := problemOf(t, err); p.Kind != "invalid" || !strings.HasPrefix(p.Detail, "line 5, column 12: ") {
		t.Fatalf("unclosed list: %+v", p)
	}
	if took > 10*time.Second {
		t.Errorf("refusing a 250 KiB malformed template took %v", took)
	}

	list, err := templates.List()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range list {
		if s.Name == "big" {
			t.Fatal("a refused template was stored")
		}
	}
}
