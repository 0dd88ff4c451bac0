package engine_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
)

// newStack is an engine with the built-in catalog and a stack "shop" holding "web", an
// nginx instance (image nginx:1.27, ports ["8080:80"], a healthcheck with interval 5s and
// retries 20).
func newStack(t *testing.T) *engine.Service {
	t.Helper()
	svc, _, _ := newService(t)
	ctx := t.Context()
	if _, err := svc.SyncCatalog(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateStack(ctx, "shop", engine.StackOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddInstance(ctx, "shop", "web", "nginx", nil); err != nil {
		t.Fatal(err)
	}
	return svc
}

// stored is the instance as stored (overrides) and the stack's revision, for before/after
// comparisons.
func stored(t *testing.T, svc *engine.Service, stack, name string) (string, int64) {
	t.Helper()
	v, err := svc.Instance(t.Context(), stack, name)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v.Instance.Overrides)
	if err != nil {
		t.Fatal(err)
	}
	return string(b), v.Revision
}

type wantProblem struct{ field, summary string }

// requireProblems checks err is one invalid-input error listing exactly want (field and a
// substring of the summary, in order), each with a detail saying what to do, and a summary
// counting them.
func requireProblems(t *testing.T, err error, want ...wantProblem) {
	t.Helper()
	var e *model.Error
	if !errors.As(err, &e) {
		t.Fatalf("want %d problems, got %v", len(want), err)
	}
	if e.Kind != model.KindInvalid {
		t.Errorf("kind %v, want invalid", e.Kind)
	}
	problems := e.Problems
	if len(want) == 1 {
		problems = []*model.Error{e}
	} else if !strings.HasSuffix(e.Summary, ": "+itoa(len(want))+" problems") {
		t.Errorf("summary %q does not count %d problems", e.Summary, len(want))
	}
	if len(problems) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%v", len(problems), len(want), err)
	}
	for i, w := range want {
		p := problems[i]
		if p.Field != w.field || !strings.Contains(p.Summary, w.summary) || p.Detail == "" {
			t.Errorf("problem %d = %q %q (detail %q), want %q containing %q", i, p.Field, p.Summary, p.Detail, w.field, w.summary)
		}
		if len(want) > 1 && !strings.Contains(e.Detail, "- "+p.Field+": "+p.Summary) {
			t.Errorf("the detail does not list %q: %q", p.Field, e.Detail)
		}
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// Review finding 7 (newcomer-2026-11): each of these writes was stored, and plan (or only
// docker, at apply) refused it later, one problem per run. Every write now runs every
// check plan runs, refuses with every problem at once, and stores nothing.
func TestUpdateInstance_RefusesWhatPlanWouldRefuse(t *testing.T) {
	svc := newStack(t)
	ctx := t.Context()
	if _, err := svc.UpdateInstance(ctx, "shop", "web", []string{"environment.KEEP=1"}, nil); err != nil {
		t.Fatal(err)
	}
	before, rev := stored(t, svc, "shop", "web")

	for _, c := range []struct {
		sets []string
		want wantProblem
	}{
		{[]string{"image="}, wantProblem{"image", "the service has neither an image nor a build"}},
		{[]string{`ports=["abc"]`}, wantProblem{"ports[0]", `invalid port "abc": container port "abc" is not a number`}},
		{[]string{`ports=["99999:80"]`}, wantProblem{"ports[0]", "host port 99999 is out of range 1-65535"}},
		{[]string{"labels.dev.devarch.x=1"}, wantProblem{"labels.dev.devarch.x", `label "dev.devarch.x" is reserved`}},
		{[]string{"restart=sometimes"}, wantProblem{"restart", `"sometimes" is not a restart policy`}},
		{[]string{"pull_policy=sometimes"}, wantProblem{"pull_policy", `"sometimes" is not a pull policy`}},
		{[]string{"healthcheck=null", "healthcheck.retries=5"}, wantProblem{"healthcheck.test", "is missing"}},
		{[]string{"healthcheck.interval=5 seconds"}, wantProblem{"healthcheck.interval", "is not a duration"}},
		{[]string{"healthcheck.test=[curl, localhost]"}, wantProblem{"healthcheck.test", "must start with CMD, CMD-SHELL or NONE"}},
		{[]string{"volumes=[my data:/x]"}, wantProblem{"volumes[0]", `invalid volume name "my data"`}},
		{[]string{"environment.P=${secret:}"}, wantProblem{"environment.P", "invalid secret reference"}},
	} {
		_, err := svc.UpdateInstance(ctx, "shop", "web", c.sets, nil)
		requireProblems(t, err, c.want)
		if after, rev2 := stored(t, svc, "shop", "web"); after != before || rev2 != rev {
			t.Fatalf("%v was stored: %s (revision %d -> %d)", c.sets, after, rev, rev2)
		}
	}

	// All of them in one command: one error listing every problem, by path.
	_, err := svc.UpdateInstance(ctx, "shop", "web", []string{
		"image=", `ports=["abc", "8081:80", "99999:80"]`, "labels.dev.devarch.x=1", "restart=sometimes",
		"pull_policy=often", "healthcheck.retries=-1", "nope=1", "command=[unclosed",
	}, []string{"environment.KEEP"})
	requireProblems(t, err,
		wantProblem{"command", "is not valid YAML"},
		wantProblem{"healthcheck.retries", "-1 is negative"},
		wantProblem{"image", "neither an image nor a build"},
		wantProblem{"labels.dev.devarch.x", "is reserved"},
		wantProblem{"nope", "unknown field"},
		wantProblem{"ports[0]", `container port "abc" is not a number`},
		wantProblem{"ports[2]", "host port 99999 is out of range 1-65535"},
		wantProblem{"pull_policy", `"often" is not a pull policy`},
		wantProblem{"restart", `"sometimes" is not a restart policy`},
	)
	if e := model.AsError(err); !strings.HasPrefix(e.Summary, `instance "web" of stack "shop": 9 problems`) || !strings.HasSuffix(e.Detail, "Nothing was changed.") {
		t.Errorf("summary %q / detail %q", e.Summary, e.Detail)
	}
	if after, rev2 := stored(t, svc, "shop", "web"); after != before || rev2 != rev {
		t.Fatalf("a refused write changed the instance: %s (revision %d -> %d)", after, rev, rev2)
	}

	// The editor's YAML and instance add run the same checks.
	_, err = svc.SetOverridesYAML(ctx, "shop", "web", "image: ''\nrestart: sometimes\nports: ['0:80']\n")
	requireProblems(t, err,
		wantProblem{"image", "neither an image nor a build"},
		wantProblem{"ports[0]", "host port 0 is out of range 1-65535"},
		wantProblem{"restart", "is not a restart policy"},
	)
	if after, rev2 := stored(t, svc, "shop", "web"); after != before || rev2 != rev {
		t.Fatalf("a refused YAML write changed the instance: %s (revision %d -> %d)", after, rev, rev2)
	}
	_, err = svc.AddInstance(ctx, "shop", "api", "nginx", []string{"restart=sometimes", `ports=["abc"]`})
	requireProblems(t, err, wantProblem{"ports[0]", "is not a number"}, wantProblem{"restart", "is not a restart policy"})
	if _, err := svc.Instance(ctx, "shop", "api"); model.KindOf(err) != model.KindNotFound {
		t.Errorf("a refused add created the instance: %v", err)
	}
	if _, rev2 := stored(t, svc, "shop", "web"); rev2 != rev {
		t.Errorf("a refused add moved the revision %d -> %d", rev, rev2)
	}

	// And what they accept, plan accepts: the stack still generates.
	if _, err := svc.UpdateInstance(ctx, "shop", "web", []string{"restart=on-failure:3", "pull_policy=every_12h", `ports=["8081:80"]`}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Compose(ctx, "shop", false); err != nil {
		t.Errorf("compose after valid writes: %v", err)
	}
}

// Review finding 14: --unset of a key of an object goes back to the template's value of
// that key; a set and an unset of one path in one command is refused naming both.
func TestUpdateInstance_UnsetGoesBackToTheTemplate(t *testing.T) {
	svc := newStack(t)
	ctx := t.Context()
	hc := func(v engine.InstanceView) (eff, over any) {
		return v.Effective.Spec["healthcheck"], v.Instance.Overrides["healthcheck"]
	}
	v, err := svc.UpdateInstance(ctx, "shop", "web", []string{"healthcheck.interval=1s", "healthcheck.retries=3"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if eff, _ := hc(v); eff.(map[string]any)["interval"] != "1s" {
		t.Fatalf("set: %v", eff)
	}

	// The interval goes back to the template's 5s; the overridden retries stays.
	v, err = svc.UpdateInstance(ctx, "shop", "web", nil, []string{"healthcheck.interval"})
	if err != nil {
		t.Fatal(err)
	}
	eff, over := hc(v)
	want := map[string]any{"test": []any{"CMD", "curl", "-s", "-o", "/dev/null", "http://127.0.0.1/"}, "interval": "5s", "timeout": "3s", "retries": 3.0}
	if !reflect.DeepEqual(eff, want) || !reflect.DeepEqual(over, want) || !v.Changed {
		t.Fatalf("after --unset healthcheck.interval: effective %v, override %v, changed %v", eff, over, v.Changed)
	}

	// Retries back to the template's too: the override equals the template's object and is
	// dropped, so the healthcheck's origin is the template again.
	v, err = svc.UpdateInstance(ctx, "shop", "web", nil, []string{"healthcheck.retries"})
	if err != nil {
		t.Fatal(err)
	}
	if _, overridden := v.Instance.Overrides["healthcheck"]; overridden || v.Effective.Origins["healthcheck"] != model.OriginTemplate ||
		v.Effective.Spec["healthcheck"].(map[string]any)["retries"] != 20.0 {
		t.Fatalf("after --unset healthcheck.retries: overrides %v, effective %v", v.Instance.Overrides, v.Effective.Spec["healthcheck"])
	}

	// A key of a removed healthcheck has nothing to go back to: the error says what to do.
	if _, err := svc.UpdateInstance(ctx, "shop", "web", []string{"healthcheck=null"}, nil); err != nil {
		t.Fatal(err)
	}
	_, err = svc.UpdateInstance(ctx, "shop", "web", nil, []string{"healthcheck.interval"})
	requireProblems(t, err, wantProblem{"healthcheck.interval", "healthcheck is removed by this instance's overrides"})
	if !strings.Contains(err.Error(), "--unset healthcheck") {
		t.Errorf("no fix: %v", err)
	}

	// A set and an unset of one path (or a field and its key): refused, naming both.
	before, rev := stored(t, svc, "shop", "web")
	for _, c := range []struct{ set, unset, want string }{
		{`ports=["8082:80"]`, "ports", `ports=["8082:80"] and --unset ports in one command`},
		{"healthcheck.retries=2", "healthcheck", "healthcheck.retries=2 and --unset healthcheck in one command"},
		{"environment={A: b}", "environment.A", "environment={A: b} and --unset environment.A in one command"},
	} {
		_, err := svc.UpdateInstance(ctx, "shop", "web", []string{c.set}, []string{c.unset})
		requireProblems(t, err, wantProblem{strings.SplitN(c.set, "=", 2)[0], c.want})
		if after, rev2 := stored(t, svc, "shop", "web"); after != before || rev2 != rev {
			t.Fatalf("%s with --unset %s was stored: %s", c.set, c.unset, after)
		}
	}
}

// Review finding 25: writes that change nothing keep the revision, so saved plans stay
// applicable, and say so (Changed false); writes that change something bump it.
func TestWrites_NoOpKeepsTheRevision(t *testing.T) {
	svc := newStack(t)
	ctx := t.Context()
	if _, err := svc.UpdateInstance(ctx, "shop", "web", []string{"environment.A=1", "image=nginx:1.28"}, nil); err != nil {
		t.Fatal(err)
	}
	_, rev := stored(t, svc, "shop", "web")

	noops := []struct {
		name string
		do   func() (engine.InstanceView, error)
	}{
		{"unset of a key never set", func() (engine.InstanceView, error) {
			return svc.UpdateInstance(ctx, "shop", "web", nil, []string{"environment.NOPE"})
		}},
		{"unset of a field not overridden", func() (engine.InstanceView, error) {
			return svc.UpdateInstance(ctx, "shop", "web", nil, []string{"user", "healthcheck.interval"})
		}},
		{"set to the value it has", func() (engine.InstanceView, error) {
			return svc.UpdateInstance(ctx, "shop", "web", []string{"environment.A=1", "image=nginx:1.28"}, nil)
		}},
		{"set and unset that cancel out", func() (engine.InstanceView, error) {
			return svc.UpdateInstance(ctx, "shop", "web", []string{"environment.B=2"}, []string{"environment.C"})
		}},
		{"the same YAML", func() (engine.InstanceView, error) {
			return svc.SetOverridesYAML(ctx, "shop", "web", "environment: {A: '1', B: '2'}\nimage: nginx:1.28\n")
		}},
		{"the same YAML written otherwise", func() (engine.InstanceView, error) {
			return svc.SetOverridesYAML(ctx, "shop", "web", "image: \"nginx:1.28\"\nenvironment:\n  B: 2\n  A: 1\n")
		}},
	}
	// "set and unset that cancel out" adds B the first time: make that the baseline.
	if _, err := svc.UpdateInstance(ctx, "shop", "web", []string{"environment.B=2"}, nil); err != nil {
		t.Fatal(err)
	}
	before, rev := stored(t, svc, "shop", "web")
	for _, c := range noops {
		v, err := c.do()
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		after, rev2 := stored(t, svc, "shop", "web")
		if v.Changed || rev2 != rev || v.Revision != rev || after != before {
			t.Errorf("%s: changed %v, revision %d -> %d (view %d), overrides %s -> %s", c.name, v.Changed, rev, rev2, v.Revision, before, after)
		}
	}

	// A real change bumps it, and says so.
	v, err := svc.UpdateInstance(ctx, "shop", "web", nil, []string{"environment.A"})
	if err != nil {
		t.Fatal(err)
	}
	if _, rev2 := stored(t, svc, "shop", "web"); !v.Changed || rev2 != rev+1 || v.Revision != rev2 {
		t.Errorf("a change: changed %v, revision %d -> %d (view %d)", v.Changed, rev, rev2, v.Revision)
	}
}

const customTemplate = `name: mine
category: web
description: a custom web server
service:
  image: nginx:1.27
  ports: ["8090:80"]
  healthcheck:
    test: [CMD, "true"]
    interval: 5s
`

// template import --replace (and the editor's Save) of identical content changes nothing:
// the stacks using the template keep their revision.
func TestSaveTemplate_IdenticalKeepsTheRevision(t *testing.T) {
	svc := newStack(t)
	ctx := t.Context()
	saved, err := svc.SaveTemplate(ctx, []byte(customTemplate), false)
	if err != nil || !saved.Created || !saved.Changed {
		t.Fatalf("create: %+v, %v", saved, err)
	}
	if _, err := svc.AddInstance(ctx, "shop", "mine", "mine", nil); err != nil {
		t.Fatal(err)
	}
	_, rev := stored(t, svc, "shop", "mine")

	// The same template, with other comments and key order.
	same := "# reordered\nname: mine\ndescription: a custom web server\ncategory: web\nservice:\n  healthcheck: {interval: 5s, test: [CMD, 'true']}\n  ports: ['8090:80']\n  image: nginx:1.27\n"
	for _, doc := range []string{customTemplate, same} {
		saved, err = svc.SaveTemplate(ctx, []byte(doc), true)
		if err != nil || saved.Created || saved.Changed {
			t.Fatalf("identical replace: %+v, %v", saved, err)
		}
		if _, rev2 := stored(t, svc, "shop", "mine"); rev2 != rev {
			t.Fatalf("identical replace moved the revision %d -> %d", rev, rev2)
		}
	}
	if _, created, err := svc.ImportTemplate(ctx, []byte(customTemplate), true); err != nil || created {
		t.Fatalf("ImportTemplate: %v %v", created, err)
	}

	// A different one is replaced and bumps the stacks using it.
	saved, err = svc.SaveTemplate(ctx, []byte(strings.Replace(customTemplate, "interval: 5s", "interval: 6s", 1)), true)
	if err != nil || saved.Created || !saved.Changed {
		t.Fatalf("replace: %+v, %v", saved, err)
	}
	if _, rev2 := stored(t, svc, "shop", "mine"); rev2 != rev+1 {
		t.Fatalf("replace: revision %d -> %d, want %d", rev, rev2, rev+1)
	}
	if _, rev2 := stored(t, svc, "shop", "web"); rev2 != rev+1 { // same stack
		t.Fatalf("revision of the stack %d", rev2)
	}
}

// template import reports every problem of the template's service at once (syntax errors
// stay one at a time: after one nothing further reads reliably) and stores nothing.
func TestSaveTemplate_EveryProblemAtOnce(t *testing.T) {
	svc := newStack(t)
	ctx := t.Context()
	doc := `name: broken
category: web
service:
  image: nginx:1.27
  restart: sometimes
  pull_policy: often
  ports: ["abc", "8080:80", "70000:80"]
  labels: {dev.devarch.stack: other, team: web}
  healthcheck:
    interval: 5s
`
	_, err := svc.SaveTemplate(ctx, []byte(doc), false)
	requireProblems(t, err,
		wantProblem{"service.healthcheck.test", "is missing"},
		wantProblem{"service.labels.dev.devarch.stack", "is reserved"},
		wantProblem{"service.ports[0]", `container port "abc" is not a number`},
		wantProblem{"service.ports[2]", "host port 70000 is out of range 1-65535"},
		wantProblem{"service.pull_policy", `"often" is not a pull policy`},
		wantProblem{"service.restart", `"sometimes" is not a restart policy`},
	)
	if e := model.AsError(err); !strings.HasPrefix(e.Summary, `template "broken": 6 problems`) || strings.Contains(e.Detail, `template "broken": `) {
		t.Errorf("summary %q, detail %q", e.Summary, e.Detail)
	}
	if _, _, err := svc.Template(ctx, "broken"); model.KindOf(err) != model.KindNotFound {
		t.Errorf("a refused template was stored: %v", err)
	}
	// The same through ImportTemplate (CLI) and Clone of a good one still works.
	if _, _, err := svc.ImportTemplate(ctx, []byte(doc), false); len(model.AsError(err).Problems) != 6 {
		t.Errorf("ImportTemplate: %v", err)
	}
	if _, err := svc.CloneTemplate(ctx, "nginx", "my-nginx"); err != nil {
		t.Errorf("clone: %v", err)
	}
}

// An instance whose stored overrides break a rule added later (stored before the rule
// existed) can still be shown and fixed on its own, and does not block writes to the other
// instances of its stack.
func TestUpdateInstance_FixesAnInstanceStoredBeforeARule(t *testing.T) {
	svc := newStack(t)
	ctx := t.Context()
	if _, err := svc.AddInstance(ctx, "shop", "api", "nginx", []string{`ports=["8081:80"]`}); err != nil {
		t.Fatal(err)
	}
	// Stored as an older version would have: the store takes what the engine gives it.
	if err := svc.Store.SetOverrides(ctx, "shop", "web", model.Spec{"restart": "sometimes"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.UpdateInstance(ctx, "shop", "api", []string{"environment.A=1"}, nil); err != nil {
		t.Errorf("a write to another instance: %v", err)
	}
	if _, err := svc.Instance(ctx, "shop", "api"); err != nil {
		t.Errorf("show another instance: %v", err)
	}
	_, err := svc.Instance(ctx, "shop", "web")
	requireProblems(t, err, wantProblem{"restart", `instance "web": "sometimes" is not a restart policy`})
	v, err := svc.UpdateInstance(ctx, "shop", "web", []string{"restart=always"}, nil)
	if err != nil || v.Effective.Spec["restart"] != "always" {
		t.Fatalf("fixing it: %v %v", v.Effective.Spec, err)
	}
}
