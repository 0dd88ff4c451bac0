package plan_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/compose"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/plan"
)

func TestKind_StringAndJSON(t *testing.T) {
	want := map[plan.Kind]string{
		plan.Create: "create", plan.Update: "update", plan.Replace: "replace", plan.Remove: "remove",
		plan.CreateNetwork: "create-network", plan.RemoveNetwork: "remove-network",
	}
	for k, name := range want {
		if k.String() != name {
			t.Errorf("%d.String() = %q, want %q", int(k), k.String(), name)
		}
		data, err := json.Marshal(k)
		if err != nil || string(data) != `"`+name+`"` {
			t.Errorf("marshal %v = %s, %v", k, data, err)
		}
		var back plan.Kind
		if err := json.Unmarshal(data, &back); err != nil || back != k {
			t.Errorf("unmarshal %s = %v, %v", data, back, err)
		}
	}
	if _, err := json.Marshal(plan.Kind(0)); err == nil {
		t.Error("the zero kind must not be stored")
	}
	var k plan.Kind
	for _, bad := range []string{`"recreate"`, `3`, `null`} {
		if err := json.Unmarshal([]byte(bad), &k); err == nil {
			t.Errorf("unmarshal %s: want an error", bad)
		}
	}
	if plan.Kind(42).String() != "kind(42)" {
		t.Errorf("unknown kind renders as %q", plan.Kind(42).String())
	}
}

func TestPlan_SummaryCountsLikeTerraform(t *testing.T) {
	p := plan.Compute(goldenCases()["mixed"](t))
	if want := (plan.Summary{Add: 2, Change: 1, Destroy: 2}); p.Summary != want {
		t.Errorf("summary = %+v, want %+v", p.Summary, want)
	}
	p = plan.Compute(goldenCases()["network_remove"](t))
	if want := (plan.Summary{Destroy: 2}); p.Summary != want {
		t.Errorf("summary = %+v, want %+v", p.Summary, want)
	}
	p = plan.Compute(goldenCases()["new_stack"](t))
	if want := (plan.Summary{Add: 3}); p.Summary != want {
		t.Errorf("summary = %+v, want %+v", p.Summary, want)
	}
}

func TestPlan_EmptyAndFailed(t *testing.T) {
	cases := map[string]struct{ empty, failed bool }{
		"up_to_date": {true, false},
		"new_stack":  {false, false},
		"cycle":      {false, true},
	}
	for name, want := range cases {
		p := plan.Compute(goldenCases()[name](t))
		if p.Empty() != want.empty || p.Failed() != want.failed {
			t.Errorf("%s: Empty=%v Failed=%v, want %v %v", name, p.Empty(), p.Failed(), want.empty, want.failed)
		}
	}
	// Errors without actions are not "up to date".
	p := plan.Plan{Stack: "shop", Diagnostics: plan.Diagnostics{plan.Errorf(plan.Subject{}, "broken", "")}}
	if p.Empty() || !strings.Contains(p.String(), "Error: broken") || strings.Contains(p.String(), "up to date") {
		t.Errorf("errored plan without actions:\n%s", p)
	}
}

func TestPlan_Steps(t *testing.T) {
	d, o := goldenCases()["mixed"](t)
	o.Containers = append(o.Containers, model.Container{Name: "devarch-shop-stray", State: "exited",
		Labels: map[string]string{model.LabelStack: stackName}})
	got := plan.Compute(d, o).Steps()
	want := plan.Steps{
		Remove: []plan.RemoveTarget{
			{Instance: "old", Container: "devarch-shop-old"},
			{Container: "devarch-shop-stray"},
		},
		Levels: []plan.Level{
			{Level: 1, Recreate: []string{"web"}, Up: []string{"cache", "db"}},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("steps = %+v\nwant %+v", got, want)
	}

	got = plan.Compute(goldenCases()["stopped_outside"](t)).Steps()
	if want := []plan.Level{{Level: 1, Up: []string{"db"}, Unpause: []string{"cache"}}}; !reflect.DeepEqual(got.Levels, want) {
		t.Errorf("levels = %+v, want %+v", got.Levels, want)
	}
	got = plan.Compute(goldenCases()["network_remove"](t)).Steps()
	if got.RemoveNetwork != "devarch-shop-net" || len(got.Levels) != 0 || len(got.Remove) != 1 {
		t.Errorf("steps = %+v", got)
	}
}

func TestDesiredFrom(t *testing.T) {
	web := nginx("local", "8080:80")
	web["environment"] = map[string]any{"APP_ENV": "local", "DB_PASSWORD": "${secret:db_password}", "DSN": "pg://u:${secret:db_password}@db/${secret:db_name}"}
	web["command"] = []any{"serve", "--key=${secret:api_key}"}
	web["user"] = nil // removed: absent, as in the hash
	st := model.EffectiveStack{Name: stackName, Services: []model.EffectiveService{svc("web", web, "db"), svc("db", postgres())}}
	d, err := plan.DesiredFrom(st, 7)
	if err != nil {
		t.Fatal(err)
	}
	if d.Stack != stackName || d.Revision != 7 || d.Network != "devarch-shop-net" {
		t.Errorf("desired = %+v", d)
	}
	if got := []string{d.Services[0].Instance, d.Services[1].Instance}; !slices.Equal(got, []string{"db", "web"}) {
		t.Errorf("services not sorted: %v", got)
	}
	proj, err := compose.NewProject(st)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range d.Services {
		cs := proj.Services[s.Instance]
		if s.ConfigHash == "" || s.ConfigHash != cs.Labels[model.LabelConfigHash] {
			t.Errorf("%s: hash %q, generator labels %q", s.Instance, s.ConfigHash, cs.Labels[model.LabelConfigHash])
		}
		if s.Container != model.ContainerName(stackName, s.Instance) {
			t.Errorf("%s: container %q", s.Instance, s.Container)
		}
	}
	w := service(t, d, "web")
	if want := []string{"command", "environment.DB_PASSWORD", "environment.DSN"}; !slices.Equal(w.Sensitive, want) {
		t.Errorf("sensitive = %v, want %v", w.Sensitive, want)
	}
	if want := map[string]int{"api_key": 0, "db_name": 0, "db_password": 0}; !reflect.DeepEqual(w.SecretVersions, want) {
		t.Errorf("secret versions = %v, want %v", w.SecretVersions, want)
	}
	if !slices.Equal(w.DependsOn, []string{"db"}) || w.Template != "web-template" {
		t.Errorf("web = %+v", w)
	}
	if _, ok := w.Spec["user"]; ok {
		t.Error("a removed field stays in the desired spec")
	}

	set := d.WithSecretVersions(map[string]int{"db_password": 3, "api_key": 1, "unused": 9})
	if want := map[string]int{"api_key": 1, "db_name": 0, "db_password": 3}; !reflect.DeepEqual(service(t, set, "web").SecretVersions, want) {
		t.Errorf("WithSecretVersions = %v, want %v", service(t, set, "web").SecretVersions, want)
	}
	if service(t, d, "web").SecretVersions["db_password"] != 0 {
		t.Error("WithSecretVersions modified its receiver")
	}

	if _, err := plan.DesiredFrom(model.EffectiveStack{Name: stackName, Services: []model.EffectiveService{svc("web", model.Spec{})}}, 1); model.KindOf(err) != model.KindInvalid {
		t.Errorf("a stack the generator rejects: %v", err)
	}
}

// TestCompute_SecretVersions: equal versions change nothing, and without an applied record
// DevArch cannot tell which value a container holds, so it does not guess.
func TestCompute_SecretVersions(t *testing.T) {
	web := nginx("local")
	web["environment"] = map[string]any{"DB_PASSWORD": "${secret:db_password}"}
	d := desired(t, 1, svc("web", web))
	o := upToDate(t, d)
	if p := plan.Compute(d.WithSecretVersions(map[string]int{"db_password": 0}), o); !p.Empty() {
		t.Errorf("same versions:\n%s", p)
	}
	delete(o.Applied, "web")
	if p := plan.Compute(d.WithSecretVersions(map[string]int{"db_password": 4}), o); !p.Empty() {
		t.Errorf("no record:\n%s", p)
	}
}

func TestCompute_FieldDiffs(t *testing.T) {
	old := model.Spec{
		"image":       "app:1",
		"environment": map[string]string{"A": "1", "GONE": "x"},
		"labels":      map[string]any{},
		"healthcheck": map[string]any{"retries": 3, "test": "true"},
		"command":     []string{"run"},
		"init":        true,
	}
	new := model.Spec{
		"image":       "app:1",
		"environment": map[string]any{"A": "2", "NEW": ""},
		"healthcheck": map[string]any{"retries": 3.0, "test": "true"}, // same JSON: no change
		"command":     []any{},
		"working_dir": "/srv",
	}
	d := plan.Desired{Stack: stackName, Network: "devarch-shop-net", Services: []plan.DesiredService{
		{Instance: "app", Container: "devarch-shop-app", ConfigHash: "new", Spec: new},
	}}
	o := plan.Observed{
		Networks:   []model.Network{{Name: "devarch-shop-net"}},
		Containers: []model.Container{{Name: "devarch-shop-app", State: "running", Labels: map[string]string{model.LabelStack: stackName, model.LabelInstance: "app", model.LabelConfigHash: "old"}}},
		Applied:    map[string]plan.Applied{"app": {ConfigHash: "old", Spec: old, Running: true}},
	}
	p := plan.Compute(d, o)
	if len(p.Actions) != 1 {
		t.Fatalf("want one replace:\n%s", p)
	}
	want := []plan.Change{
		{Path: "command", Old: `["run"]`, New: `[]`},
		{Path: "environment.A", Old: `"1"`, New: `"2"`},
		{Path: "environment.GONE", Old: `"x"`, New: plan.None},
		{Path: "environment.NEW", Old: plan.None, New: `""`},
		{Path: "init", Old: `true`, New: plan.None},
		{Path: "labels", Old: `{}`, New: plan.None},
		{Path: "working_dir", Old: plan.None, New: `"/srv"`},
	}
	if got := p.Actions[0].Changes; !reflect.DeepEqual(got, want) {
		t.Errorf("changes:\n%+v\nwant\n%+v", got, want)
	}
	if p.Actions[0].Cause != plan.CauseConfigChanged {
		t.Errorf("cause = %q", p.Actions[0].Cause)
	}

	// Same fields, different hash: something outside the spec changed.
	d.Services[0].Spec = old
	if p := plan.Compute(d, o); p.Actions[0].Cause != plan.CauseGeneratedChanged || len(p.Actions[0].Changes) != 0 {
		t.Errorf("no field differs:\n%s", p)
	}
	// No recorded spec: the fields are unknown.
	o.Applied["app"] = plan.Applied{ConfigHash: "old", Running: true}
	if p := plan.Compute(d, o); p.Actions[0].Cause != plan.CauseConfigChanged || len(p.Actions[0].Changes) != 0 {
		t.Errorf("no recorded spec:\n%s", p)
	}
}

func TestCompute_Cycles(t *testing.T) {
	ds := func(deps map[string][]string) plan.Desired {
		d := plan.Desired{Stack: stackName}
		for inst, on := range deps {
			d.Services = append(d.Services, plan.DesiredService{Instance: inst, Container: "devarch-shop-" + inst, DependsOn: on})
		}
		return d
	}
	cases := []struct {
		deps map[string][]string
		want string
	}{
		{map[string][]string{"app": {"app"}}, "app -> app"},
		{map[string][]string{"a": {"c"}, "c": {"b"}, "b": {"c"}}, "b -> c -> b"},
		{map[string][]string{"z": {"y"}, "y": {"x"}, "x": {"z"}, "w": nil}, "x -> z -> y -> x"},
	}
	for _, c := range cases {
		p := plan.Compute(ds(c.deps), plan.Observed{})
		first, _, _ := strings.Cut(c.want, " ")
		want := plan.Subject{Instance: first, Path: "depends_on"}
		if errs := p.Diagnostics.Errors(); len(errs) != 1 || errs[0].Summary != "dependency cycle: "+c.want || errs[0].Subject != want {
			t.Errorf("%v: errors %+v, want the cycle %s about %v", c.deps, p.Diagnostics, c.want, want)
		}
		if len(p.Actions) != len(c.deps)+1 {
			t.Errorf("%v: every instance is still listed:\n%s", c.deps, p)
		}
	}
}

// TestCompute_OtherStacksAreIgnored: containers and networks of other stacks are not this
// plan's business (unless one holds a name this stack needs).
func TestCompute_OtherStacksAreIgnored(t *testing.T) {
	d := desired(t, 1, svc("web", nginx("local")))
	o := upToDate(t, d)
	o.Containers = append(o.Containers, model.Container{Name: "devarch-blog-web", State: "exited",
		Labels: map[string]string{model.LabelStack: "blog", model.LabelInstance: "web"}})
	o.Networks = append(o.Networks, model.Network{Name: "devarch-blog-net"})
	if p := plan.Compute(d, o); !p.Empty() {
		t.Errorf("plan touches another stack:\n%s", p)
	}
}

func TestCompute_DuplicateInstance(t *testing.T) {
	d := plan.Desired{Stack: stackName, Services: []plan.DesiredService{
		{Instance: "web", Container: "devarch-shop-web", ConfigHash: "a"},
		{Instance: "web", Container: "devarch-shop-web", ConfigHash: "b"},
	}}
	p := plan.Compute(d, plan.Observed{})
	want := plan.Errorf(plan.Subject{Instance: "web"}, "instance web appears twice in stack shop",
		"Instance names are unique within a stack: rename or remove one of them.")
	if !p.Failed() || !reflect.DeepEqual(p.Diagnostics, plan.Diagnostics{want}) {
		t.Errorf("diagnostics = %+v", p.Diagnostics)
	}
}

// Replacing an instance the stack does not have is a plan error naming it.
func TestPlan_ReplaceUnknown(t *testing.T) {
	d, o := goldenCases()["up_to_date"](t)
	d.Replace = []string{"ghost"}
	p := plan.Compute(d, o)
	if !p.Failed() || !strings.Contains(p.String(), "Error: instance ghost cannot be replaced\n  on instance ghost\n") {
		t.Fatalf("plan:\n%s", p)
	}
}

// A replace whose every change wiring made says so, naming the variables and their new
// values (never a secret's); one change of the user's makes it a config change again.
func TestCompute_WiringCause(t *testing.T) {
	old := model.Spec{"image": "app:1", "environment": map[string]any{"DB_HOST": "db", "DB_PASSWORD": "${secret:db_password}", "MODE": "a"}}
	wired := model.Spec{"image": "app:1", "environment": map[string]any{"DB_HOST": "db2", "DB_PASSWORD": "${secret:db2_password}", "MODE": "a"}}
	d := plan.Desired{Stack: stackName, Network: "devarch-shop-net", Services: []plan.DesiredService{
		{Instance: "app", Container: "devarch-shop-app", ConfigHash: "new", Spec: wired,
			Wired: []string{"environment.DB_HOST", "environment.DB_PASSWORD"}, Sensitive: []string{"environment.DB_PASSWORD"}},
	}}
	o := plan.Observed{
		Networks:   []model.Network{{Name: "devarch-shop-net"}},
		Containers: []model.Container{{Name: "devarch-shop-app", State: "running", Labels: map[string]string{model.LabelStack: stackName, model.LabelInstance: "app", model.LabelConfigHash: "old"}}},
		Applied:    map[string]plan.Applied{"app": {ConfigHash: "old", Spec: old, Running: true}},
	}
	if p := plan.Compute(d, o); len(p.Actions) != 1 || p.Actions[0].Cause != "wiring: DB_HOST now db2, DB_PASSWORD changed" {
		t.Fatalf("cause of a wiring change:\n%s", p)
	}
	wired["environment"].(map[string]any)["MODE"] = "b"
	if p := plan.Compute(d, o); p.Actions[0].Cause != plan.CauseConfigChanged {
		t.Fatalf("a change of the user's too:\n%s", p)
	}
}
