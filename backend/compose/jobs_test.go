package compose_test

import (
	"testing"

	"github.com/devarch/devarch/backend/compose"
	"github.com/devarch/devarch/backend/model"
)

// An instance another waits for with service_completed_successfully is a job: labelled so,
// with a hash of its own (compose sees the label, so the plan must see a change), while an
// instance waited for otherwise, or by wiring, is not.
func TestJobs_Labelled(t *testing.T) {
	svc := func(name string, deps map[string]any) model.EffectiveService {
		spec := model.Spec{"image": "busybox:1"}
		if deps != nil {
			spec["depends_on"] = deps
		}
		return model.EffectiveService{Instance: name, Template: "t", Spec: spec}
	}
	cond := func(c string) map[string]any { return map[string]any{"condition": c} }
	app := svc("app", map[string]any{"migrate": cond(compose.ConditionCompleted), "db": cond(compose.ConditionHealthy)})
	app.DependsOn = map[string]bool{"cache": false}
	st := model.EffectiveStack{Name: "s", Services: []model.EffectiveService{app, svc("migrate", nil), svc("db", nil), svc("cache", nil)}}
	p, err := compose.NewProject(st)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"migrate": "true", "db": "", "cache": "", "app": ""} {
		if got := p.Services[name].Labels[model.LabelJob]; got != want {
			t.Errorf("%s: job label %q, want %q", name, got, want)
		}
	}
	if got := compose.Jobs(st.Services); len(got) != 1 || !got["migrate"] {
		t.Errorf("Jobs = %v, want migrate only", got)
	}
	// The same migrate once nothing waits for its completion: the hash it had as a plain
	// service (ConfigHash), different from its hash as a job.
	plain, err := compose.ConfigHash(svc("migrate", nil))
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Services["migrate"].Labels[model.LabelConfigHash]; got == plain {
		t.Errorf("a job hashes as the plain service (%s): the plan would miss the label change", got)
	}
	if got := p.Services["db"].Labels[model.LabelConfigHash]; got != mustHash(t, svc("db", nil)) {
		t.Errorf("a non-job's hash changed: %s", got)
	}
}

func mustHash(t *testing.T, es model.EffectiveService) string {
	t.Helper()
	h, err := compose.ConfigHash(es)
	if err != nil {
		t.Fatal(err)
	}
	return h
}
