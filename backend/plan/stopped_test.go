package plan_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/plan"
)

// An instance stopped on its own (devarch stop STACK INSTANCE) is not drift: its stopped
// container gets no action and the plan says it is stopped on purpose, with the command that
// starts it. A config change still replaces it; the other instances are planned as usual.
func TestCompute_InstanceStoppedOnPurpose(t *testing.T) {
	d := desired(t, 3, svc("web", model.Spec{"image": "nginx"}), svc("worker", model.Spec{"image": "busybox"}))
	o := upToDate(t, d)
	replaceContainer(&o, container(t, d, "worker", "exited"))
	o.Applied["worker"] = applied(t, d, "worker", false)

	// Without the mark, the same containers are drift: "will start".
	if p := plan.Compute(d, o); len(p.Actions) != 1 || p.Actions[0].Kind != plan.Update {
		t.Fatalf("an unmarked stopped container is started: %+v", p.Actions)
	}

	for i := range d.Services {
		d.Services[i].Stopped = d.Services[i].Instance == "worker"
	}
	p := plan.Compute(d, o)
	if !p.Empty() || !slices.Equal(p.StoppedInstances, []string{"worker"}) {
		t.Fatalf("stopped on purpose: actions %+v, stopped %v", p.Actions, p.StoppedInstances)
	}
	want := "No changes. Stack shop is up to date.\nStopped on purpose: worker is left stopped (devarch start shop worker starts it).\n"
	if got := p.String(); got != want {
		t.Fatalf("text:\n%s\nwant:\n%s", got, want)
	}
	// The mark is part of what the plan was made from: a plan made without it reads
	// differently, so apply calls it stale.
	if plan.Compute(d, o).String() == (plan.Plan{Stack: "shop", Revision: 3}).String() {
		t.Fatal("the text must differ from an unmarked up-to-date plan")
	}
	round, err := plan.Decode(mustEncode(t, p))
	if err != nil || !slices.Equal(round.StoppedInstances, p.StoppedInstances) {
		t.Fatalf("stored plan: %+v %v", round.StoppedInstances, err)
	}

	// web down too, worker's config changed: web is started (drift), worker replaced; the
	// note stays.
	d2 := desired(t, 4, svc("web", model.Spec{"image": "nginx"}), svc("worker", model.Spec{"image": "busybox:2"}))
	for i := range d2.Services {
		d2.Services[i].Stopped = d2.Services[i].Instance == "worker"
	}
	replaceContainer(&o, container(t, d, "web", "exited"))
	p = plan.Compute(d2, o)
	kinds := map[string]plan.Kind{}
	for _, a := range p.Actions {
		kinds[a.Instance] = a.Kind
	}
	if kinds["web"] != plan.Update || kinds["worker"] != plan.Replace || len(p.Actions) != 2 {
		t.Fatalf("actions: %+v", p.Actions)
	}
	if s := p.String(); !strings.Contains(s, "Stopped on purpose: worker") || !strings.Contains(s, "Plan: 1 to add, 1 to change, 1 to destroy.") {
		t.Fatalf("text:\n%s", s)
	}

	// A stopped stack says it all: the instance's own note is left out.
	d.Stopped = true
	if p := plan.Compute(d, o); len(p.StoppedInstances) != 0 {
		t.Fatalf("a stopped stack lists no instance: %v", p.StoppedInstances)
	}
}

func mustEncode(t *testing.T, p plan.Plan) []byte {
	t.Helper()
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
