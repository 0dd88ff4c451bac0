package engine_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/plan"
)

// goldenStack is the stack the golden plans are replayed on: the goldens' "shop" renamed,
// so the executor's watcher never looks at another test's containers.
const goldenStack = "etshop"

// goldenLine is one action line of a plan golden: "  + create db (devarch-shop-db)".
var goldenLine = regexp.MustCompile(`^  (\+ create network|- remove network|\+ create|- remove|~ update in place|-/\+ replace) (\S+)(?: \((\S+)\))?(?: on engine (\S+))?$`)

var goldenKinds = map[string]plan.Kind{
	"+ create network": plan.CreateNetwork, "- remove network": plan.RemoveNetwork, "+ create": plan.Create,
	"- remove": plan.Remove, "~ update in place": plan.Update, "-/+ replace": plan.Replace,
}

// goldenPlan reads the plan a golden shows: its actions in order (what the text says:
// kind, instance, container, network), its errors, whether the stack is stopped. What the
// text does not show comes from the case: each instance's dependency level (from the
// dependencies of the golden's scenario in backend/plan/golden_test.go) and the state an
// update starts from.
func goldenPlan(t *testing.T, name string, c executorCase) plan.Plan {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "plan", "testdata", name+".golden"))
	if err != nil {
		t.Fatal(err)
	}
	rename := func(s string) string {
		return strings.Replace(s, model.ContainerPrefix+"shop-", model.ContainerPrefix+goldenStack+"-", 1)
	}
	p := plan.Plan{Stack: goldenStack, Stopped: c.stopped}
	for _, line := range strings.Split(string(b), "\n") {
		// Errors are told apart by the word only, not by their layout, which belongs to the
		// plan's renderer (the executor never sees an errored plan: apply refuses it).
		if strings.Contains(strings.ToLower(line), "error") {
			p.Diagnostics = append(p.Diagnostics, plan.Errorf(plan.Subject{}, line, ""))
		}
		if strings.HasPrefix(line, "Stack shop is stopped") && !c.stopped {
			t.Fatalf("%s: the golden's stack is stopped, the case is not", name)
		}
		m := goldenLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		a := plan.Action{Kind: goldenKinds[m[1]]}
		switch {
		case a.Kind == plan.CreateNetwork || a.Kind == plan.RemoveNetwork:
			a.Network = rename(m[2])
		case m[3] == "": // a removal of a container without an instance label
			a.Container = rename(m[2])
		default:
			a.Instance, a.Container = m[2], rename(m[3])
		}
		a.Engine = m[4]
		if a.Kind == plan.Create || a.Kind == plan.Replace || a.Kind == plan.Update {
			if a.Level = c.levels[a.Instance]; a.Level == 0 && !c.errored {
				t.Fatalf("%s: the case gives %s no level", name, a.Instance)
			}
		}
		if a.Kind == plan.Update {
			a.State = "exited"
			if slices.Contains(c.paused, a.Instance) {
				a.State = "paused"
			}
		}
		p.Actions = append(p.Actions, a)
	}
	return p
}

type executorCase struct {
	levels  map[string]int
	paused  []string // updates that start from a paused container
	stopped bool
	errored bool // the plan has errors: apply refuses it before the executor (TestApply_Refuses)
	want    []string
}

// The compose commands of a level, as the recorder shows them ($P: the project arguments).
const (
	upNew     = "compose $P up -d --wait --no-deps --no-recreate"
	upReplace = "compose $P up -d --wait --no-deps --force-recreate"
)

// executorCases: for every plan golden, the exact commands apply runs, in order.
var executorCases = map[string]executorCase{
	"changed_outside":    {levels: map[string]int{"api": 1, "web": 1}, want: []string{upReplace + " api web"}},
	"config_changed":     {levels: map[string]int{"web": 2}, want: []string{upReplace + " web"}},
	"cycle":              {errored: true},
	"dead":               {levels: map[string]int{"cache": 1}, want: []string{upReplace + " cache"}},
	"dependency_order":   {levels: map[string]int{"cache": 1, "db": 1, "app": 2, "worker": 3, "admin": 4}, want: []string{upNew + " cache db", upNew + " app", upNew + " worker", upNew + " admin"}},
	"depends_on_changed": {levels: map[string]int{"app": 2}, want: []string{upReplace + " app"}},
	"depends_on_renamed": {levels: map[string]int{"pg": 1, "app": 2}, want: []string{upNew + " pg", upReplace + " app"}},
	"engine_move": {levels: map[string]int{"db": 1, "web": 2}, want: []string{"rm -f devarch-etshop-db", "rm -f devarch-etshop-web",
		"network rm devarch-etshop-net", upNew + " db", upNew + " web"}},
	"engine_move_same_daemon": {levels: map[string]int{"db": 1, "web": 2}, want: []string{"rm -f devarch-etshop-db", "rm -f devarch-etshop-web",
		"network rm devarch-etshop-net", upNew + " db", upNew + " web"}},
	"engine_move_unreachable":  {levels: map[string]int{"db": 1, "web": 2}, want: []string{upNew + " db", upNew + " web"}},
	"image_changed":            {levels: map[string]int{"cache": 1}, want: []string{upReplace + " cache"}},
	"instance_removed":         {want: []string{"rm -f devarch-etshop-old"}},
	"jobs_finished":            {levels: map[string]int{"seed": 1, "worker": 1}, want: []string{upNew + " seed worker"}},
	"last_apply_failed":        {levels: map[string]int{"api": 1, "web": 1, "worker": 1}, want: []string{upReplace + " web worker", upNew + " api"}},
	"levels":                   {levels: map[string]int{"cache": 1, "db": 1, "app": 2, "web": 3}, want: []string{upNew + " cache db", upNew + " app", upNew + " web"}},
	"mixed":                    {levels: map[string]int{"cache": 1, "db": 1, "web": 1}, want: []string{"rm -f devarch-etshop-old", upReplace + " web", upNew + " cache db"}},
	"name_clash":               {errored: true},
	"network_missing":          {levels: map[string]int{"db": 1, "web": 2}, want: []string{upReplace + " db", upReplace + " web"}},
	"network_subnet_assigned":  {levels: map[string]int{"cache": 1, "db": 1, "web": 2}, want: []string{"rm -f devarch-etshop-cache", "rm -f devarch-etshop-db", "rm -f devarch-etshop-web", upNew + " cache db", upNew + " web"}},
	"network_subnet_kept":      {},
	"network_remove":           {want: []string{"rm -f devarch-etshop-web", "network rm devarch-etshop-net"}},
	"new_stack":                {levels: map[string]int{"db": 1, "web": 2}, want: []string{upNew + " db", upNew + " web"}},
	"not_running":              {levels: map[string]int{"cache": 1, "web": 1}, want: []string{upNew + " cache web"}},
	"port_defined_elsewhere":   {levels: map[string]int{"web": 1}, want: []string{upNew + " web"}},
	"port_held_by_other_stack": {errored: true},
	"port_held_by_own":         {levels: map[string]int{"web": 1}, want: []string{upReplace + " web"}},
	"port_in_use_outside":      {errored: true},
	"orphan":                   {want: []string{"rm -f devarch-etshop-ghost", "rm -f devarch-etshop-manual", "rm -f web-copy"}},
	"removed_outside":          {levels: map[string]int{"db": 1}, want: []string{upNew + " db"}},
	"replace_requested":        {levels: map[string]int{"cache": 1, "db": 1, "web": 1}, want: []string{upReplace + " cache db web"}},
	"secret_changed":           {levels: map[string]int{"db": 1, "web": 2}, want: []string{upReplace + " db", upReplace + " web"}},
	"sensitive_field_changed":  {levels: map[string]int{"web": 1}, want: []string{upReplace + " web"}},
	"stack_stopped": {levels: map[string]int{"cache": 1, "web": 1}, stopped: true,
		want: []string{"compose $P up --no-start --no-deps --force-recreate web", "compose $P up --no-start --no-deps --no-recreate cache"}},
	"stopped_outside": {levels: map[string]int{"cache": 1, "db": 1}, paused: []string{"cache"}, want: []string{upNew + " db", "compose $P unpause cache"}},
	"up_to_date":      {},
}

// TestExecute_Goldens: for every plan golden, the executor runs exactly the plan's steps in
// the plan's order (removals, one compose invocation per dependency level, the network's
// removal) and nothing else, and reports every action done. The commands are recorded, not
// run: no container starts.
func TestExecute_Goldens(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "plan", "testdata", "*.golden"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no plan goldens (%v)", err)
	}
	svc, rec, _ := newRecorded(t)
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".golden")
		t.Run(name, func(t *testing.T) {
			c, ok := executorCases[name]
			if !ok {
				t.Fatalf("the golden %s has no executor case: add the commands apply runs for it", name)
			}
			p := goldenPlan(t, name, c)
			if c.errored {
				if !p.Failed() {
					t.Fatalf("the case says errored, the golden shows no error")
				}
				return
			}
			if p.Failed() {
				t.Fatalf("the golden shows errors: %v", p.Diagnostics.Errors())
			}
			rec.reset()
			results, err := engine.Execute(t.Context(), svc, goldenStack, p, nil)
			if err != nil {
				t.Fatalf("execute: %v", err)
			}
			if got := rec.commands(svc, goldenStack); !slices.Equal(got, c.want) {
				t.Errorf("commands:\n  got  %q\n  want %q", got, c.want)
			}
			if len(results) != len(p.Actions) {
				t.Fatalf("%d results for %d actions", len(results), len(p.Actions))
			}
			for i, r := range results {
				if r.Status != engine.ResultDone || r.Action != p.Actions[i].Title() {
					t.Errorf("result %d = %+v, want %q done", i, r, p.Actions[i].Title())
				}
			}
		})
	}
}
