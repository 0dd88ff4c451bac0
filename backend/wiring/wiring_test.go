package wiring

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func mysqlDB(name string, health bool) Instance {
	return Instance{Name: name, Healthcheck: health,
		Env:      map[string]string{"MYSQL_USER": "app", "MYSQL_PASSWORD": "${secret:db_password}"},
		Provides: []Offer{{Contract: "mysql", Values: map[string]string{"host": "${host}", "port": "3306", "user": "${env.MYSQL_USER}", "password": "${env.MYSQL_PASSWORD}"}}}}
}

func app(name string, required bool, userEnv ...string) Instance {
	i := Instance{Name: name, Consumes: []Need{{Contract: "mysql", Required: required,
		Env: map[string]string{"DB_HOST": "host", "DB_PORT": "port", "DB_PASSWORD": "password"}}}}
	for _, k := range userEnv {
		if i.UserEnv == nil {
			i.UserEnv = map[string]bool{}
		}
		i.UserEnv[k] = true
	}
	return i
}

func summaries(ps []Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, string(p.Severity)+": "+p.Summary)
	}
	return out
}

func TestResolveRules(t *testing.T) {
	w := func(c, k, p string) Wire { return Wire{Consumer: c, Contract: k, Provider: p} }
	tests := []struct {
		name     string
		in       Input
		wires    []Wire
		problems []string
		detail   string // a substring of the first problem's detail
		env      map[string]map[string]string
		deps     map[string]map[string]bool
	}{
		{name: "no provider, required", in: Input{Instances: []Instance{app("app", true)}},
			problems: []string{"error: app needs mysql (required) but no instance in stack s provides it"},
			detail:   "devarch instance add s NAME --template TEMPLATE"},
		{name: "no provider, optional", in: Input{Instances: []Instance{app("app", false)}},
			problems: []string{"warning: app needs mysql (optional) but no instance in stack s provides it"}},
		{name: "one provider: automatic, healthy", in: Input{Instances: []Instance{app("app", true), mysqlDB("db", true)}},
			wires: []Wire{{"app", "mysql", "db", Automatic}},
			env:   map[string]map[string]string{"app": {"DB_HOST": "db", "DB_PORT": "3306", "DB_PASSWORD": "${secret:db_password}"}},
			deps:  map[string]map[string]bool{"app": {"db": true}}},
		{name: "one provider without healthcheck: service_started", in: Input{Instances: []Instance{mysqlDB("db", false), app("app", true)}},
			wires: []Wire{{"app", "mysql", "db", Automatic}},
			deps:  map[string]map[string]bool{"app": {"db": false}}},
		{name: "two providers: ambiguous with the fix", in: Input{Instances: []Instance{app("app", true), mysqlDB("db-b", true), mysqlDB("db-a", true)}},
			problems: []string{"error: app: mysql is ambiguous: choose db-a or db-b"},
			detail:   "devarch wire set s app mysql db-a"},
		{name: "two providers, optional need: still an error", in: Input{Instances: []Instance{app("app", false), mysqlDB("db-b", true), mysqlDB("db-a", true)}},
			problems: []string{"error: app: mysql is ambiguous: choose db-a or db-b"}},
		{name: "three providers", in: Input{Instances: []Instance{app("app", true), mysqlDB("c", true), mysqlDB("b", true), mysqlDB("a", true)}},
			problems: []string{"error: app: mysql is ambiguous: choose a, b or c"}},
		{name: "explicit wins over ambiguity", in: Input{Instances: []Instance{app("app", true), mysqlDB("db-b", true), mysqlDB("db-a", true)},
			Explicit: []Wire{w("app", "mysql", "db-b")}},
			wires: []Wire{{"app", "mysql", "db-b", Explicit}},
			env:   map[string]map[string]string{"app": {"DB_HOST": "db-b", "DB_PORT": "3306", "DB_PASSWORD": "${secret:db_password}"}}},
		{name: "explicit wins over automatic", in: Input{Instances: []Instance{app("app", true), mysqlDB("db", true), mysqlDB("db2", false)},
			Explicit: []Wire{w("app", "mysql", "db2")}, Pinned: []Wire{w("app", "mysql", "db")}},
			wires: []Wire{{"app", "mysql", "db2", Explicit}},
			deps:  map[string]map[string]bool{"app": {"db2": false}}},
		{name: "pinned + new provider: stays, warns", in: Input{Instances: []Instance{app("app", true), mysqlDB("db", true), mysqlDB("db2", true)},
			Pinned: []Wire{w("app", "mysql", "db")}},
			wires:    []Wire{{"app", "mysql", "db", Pinned}},
			problems: []string{"warning: db2 also provides mysql; app stays wired to db"},
			detail:   "devarch wire set s app mysql db2"},
		{name: "pinned alone is still pinned", in: Input{Instances: []Instance{app("app", true), mysqlDB("db", true)},
			Pinned: []Wire{w("app", "mysql", "db")}},
			wires: []Wire{{"app", "mysql", "db", Pinned}}},
		{name: "pin to a removed provider is dropped", in: Input{Instances: []Instance{app("app", true), mysqlDB("db2", true)},
			Pinned: []Wire{w("app", "mysql", "db")}},
			wires: []Wire{{"app", "mysql", "db2", Automatic}}},
		{name: "pin to a removed provider with two others: ambiguous", in: Input{Instances: []Instance{app("app", true), mysqlDB("db2", true), mysqlDB("db3", true)},
			Pinned: []Wire{w("app", "mysql", "db")}},
			problems: []string{"error: app: mysql is ambiguous: choose db2 or db3"}},
		{name: "hand-set variable shadows the wire", in: Input{Instances: []Instance{app("app", true, "DB_HOST"), mysqlDB("db", true)}},
			wires:    []Wire{{"app", "mysql", "db", Automatic}},
			problems: []string{"warning: app: DB_HOST set by hand shadows the wire to db (mysql.host)"},
			detail:   "devarch instance set s app --unset environment.DB_HOST",
			env:      map[string]map[string]string{"app": {"DB_PORT": "3306", "DB_PASSWORD": "${secret:db_password}"}}},
		{name: "explicit wire to an instance that does not provide the contract", in: Input{Instances: []Instance{app("app", true), mysqlDB("db", true), {Name: "cache"}},
			Explicit: []Wire{w("app", "mysql", "cache")}},
			problems: []string{"error: wire app mysql -> cache: cache does not provide mysql"},
			detail:   "devarch wire set s app mysql PROVIDER"},
		{name: "explicit wire to a missing instance", in: Input{Instances: []Instance{app("app", true), mysqlDB("db", true)},
			Explicit: []Wire{w("app", "mysql", "ghost")}},
			problems: []string{"error: wire app mysql -> ghost: no instance named ghost"}},
		{name: "explicit wire from a missing consumer", in: Input{Instances: []Instance{mysqlDB("db", true)},
			Explicit: []Wire{w("ghost", "mysql", "db")}},
			problems: []string{"error: wire ghost mysql -> db: no instance named ghost"},
			detail:   "devarch wire unset s ghost mysql"},
		{name: "explicit wire from a consumer that does not consume it", in: Input{Instances: []Instance{{Name: "web"}, mysqlDB("db", true)},
			Explicit: []Wire{w("web", "mysql", "db")}},
			problems: []string{"error: wire web mysql -> db: web does not consume mysql"}},
		{name: "explicit wire to itself", in: Input{Instances: []Instance{{Name: "x", Consumes: []Need{{Contract: "mysql"}}, Provides: mysqlDB("x", false).Provides}},
			Explicit: []Wire{w("x", "mysql", "x")}},
			problems: []string{"error: wire x mysql -> x: an instance cannot provide for itself"}},
		{name: "an instance providing what it consumes is not its own provider", in: Input{Instances: []Instance{{Name: "x", Consumes: []Need{{Contract: "mysql", Required: true}}, Provides: mysqlDB("x", false).Provides}}},
			problems: []string{"error: x needs mysql (required) but no instance in stack s provides it"}},
		{name: "mapped value the provider does not export", in: Input{Instances: []Instance{
			{Name: "app", Consumes: []Need{{Contract: "mysql", Env: map[string]string{"DB_URL": "url"}}}}, mysqlDB("db", false)}},
			wires:    []Wire{{"app", "mysql", "db", Automatic}},
			problems: []string{`error: app maps DB_URL to mysql value "url", which db does not export`}},
		{name: "provider unset a variable its value needs", in: Input{Instances: []Instance{app("app", true),
			{Name: "db", Provides: []Offer{{Contract: "mysql", Values: map[string]string{"host": "${host}", "port": "3306", "password": "${env.GONE}"}}}}}},
			wires:    []Wire{{"app", "mysql", "db", Automatic}},
			problems: []string{`error: app: mysql value "password" of db: ${env.GONE} names a variable db does not set`},
			env:      map[string]map[string]string{"app": {"DB_HOST": "db", "DB_PORT": "3306"}}},
		{name: "cycle prints the whole cycle", in: Input{Instances: []Instance{
			{Name: "worker", Provides: []Offer{{Contract: "queue"}}, Consumes: []Need{{Contract: "api"}}},
			{Name: "app", Provides: []Offer{{Contract: "api"}}, Consumes: []Need{{Contract: "queue"}}}}},
			wires:    []Wire{{"app", "queue", "worker", Automatic}, {"worker", "api", "app", Automatic}},
			problems: []string{"error: dependency cycle: app -> worker -> app"}},
		{name: "three-cycle reported once, from its smallest name", in: Input{Instances: []Instance{
			{Name: "c", Provides: []Offer{{Contract: "c"}}, Consumes: []Need{{Contract: "a"}}},
			{Name: "b", Provides: []Offer{{Contract: "b"}}, Consumes: []Need{{Contract: "c"}}},
			{Name: "a", Provides: []Offer{{Contract: "a"}}, Consumes: []Need{{Contract: "b"}}},
			{Name: "z", Consumes: []Need{{Contract: "a"}}}}},
			wires:    []Wire{{"a", "b", "b", Automatic}, {"b", "c", "c", Automatic}, {"c", "a", "a", Automatic}, {"z", "a", "a", Automatic}},
			problems: []string{"error: dependency cycle: a -> b -> c -> a"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.in.Stack = "s"
			r := Resolve(tc.in)
			if !reflect.DeepEqual(r.Wires, tc.wires) {
				t.Errorf("wires = %v, want %v", r.Wires, tc.wires)
			}
			if got := summaries(r.Problems); !reflect.DeepEqual(got, tc.problems) {
				t.Errorf("problems =\n%q\nwant\n%q", got, tc.problems)
			}
			if tc.detail != "" && (len(r.Problems) == 0 || !strings.Contains(r.Problems[0].Detail, tc.detail)) {
				t.Errorf("detail %q lacks %q", r.Problems, tc.detail)
			}
			if tc.env != nil && !reflect.DeepEqual(r.Env, tc.env) {
				t.Errorf("env = %v, want %v", r.Env, tc.env)
			}
			if tc.deps != nil && !reflect.DeepEqual(r.DependsOn, tc.deps) {
				t.Errorf("depends_on = %v, want %v", r.DependsOn, tc.deps)
			}
			for _, p := range r.Problems {
				if p.Instance == "" || p.Field == "" || p.Detail == "" {
					t.Errorf("problem without subject, field or fix: %+v", p)
				}
			}
			if r.Errors() != slices.ContainsFunc(r.Problems, func(p Problem) bool { return p.Severity == SeverityError }) {
				t.Error("Errors() disagrees with the problems")
			}
			if len(r.Order) != len(uniqueNames(tc.in.Instances)) {
				t.Errorf("order %v does not list every instance", r.Order)
			}
		})
	}
}

func uniqueNames(is []Instance) []string {
	var out []string
	for _, i := range is {
		out = append(out, i.Name)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func TestProblemFields(t *testing.T) {
	r := Resolve(Input{Stack: "s", Instances: []Instance{app("app", true, "DB_PORT"), mysqlDB("db", true), mysqlDB("db2", true)},
		Pinned: []Wire{{Consumer: "app", Contract: "mysql", Provider: "db"}}})
	want := []Problem{
		{SeverityWarning, "db2 also provides mysql; app stays wired to db", "The applied wire is kept. To switch, run: devarch wire set s app mysql db2", "app", "consumes.mysql"},
		{SeverityWarning, "app: DB_PORT set by hand shadows the wire to db (mysql.port)", "Your value is used. To take the wired one, remove yours: devarch instance set s app --unset environment.DB_PORT", "app", "environment.DB_PORT"},
	}
	if !reflect.DeepEqual(r.Problems, want) {
		t.Errorf("problems =\n%#v\nwant\n%#v", r.Problems, want)
	}
}

func TestOrderProvidersFirst(t *testing.T) {
	// web -> app -> db, web -> cache; a lone x.
	is := []Instance{
		{Name: "web", Consumes: []Need{{Contract: "api"}, {Contract: "cache"}}},
		{Name: "app", Provides: []Offer{{Contract: "api"}}, Consumes: []Need{{Contract: "mysql"}}},
		mysqlDB("db", true),
		{Name: "cache", Provides: []Offer{{Contract: "cache"}}},
		{Name: "x"},
	}
	r := Resolve(Input{Stack: "s", Instances: is})
	if want := []string{"cache", "db", "app", "web", "x"}; !reflect.DeepEqual(r.Order, want) {
		t.Errorf("order = %v, want %v", r.Order, want)
	}
}

// randomGraph makes a stack of n instances where instance i may consume contracts provided
// by any instance (cycles possible), some needs ambiguous, some explicitly wired.
func randomGraph(rng *rand.Rand, n int) Input {
	in := Input{Stack: "s"}
	for i := range n {
		inst := Instance{Name: fmt.Sprintf("i%03d", i), Healthcheck: rng.IntN(2) == 0, Env: map[string]string{"E": "v"}}
		if rng.IntN(3) > 0 {
			inst.Provides = []Offer{{Contract: fmt.Sprintf("c%d", rng.IntN(n/2+1)), Values: map[string]string{"host": "${host}", "e": "${env.E}"}}}
		}
		for range rng.IntN(3) {
			c := fmt.Sprintf("c%d", rng.IntN(n/2+1))
			if !slices.ContainsFunc(inst.Consumes, func(x Need) bool { return x.Contract == c }) {
				inst.Consumes = append(inst.Consumes, Need{Contract: c, Required: rng.IntN(2) == 0, Env: map[string]string{"V_" + c: "host"}})
			}
		}
		in.Instances = append(in.Instances, inst)
	}
	for range n / 10 {
		in.Explicit = append(in.Explicit, Wire{Consumer: fmt.Sprintf("i%03d", rng.IntN(n)), Contract: fmt.Sprintf("c%d", rng.IntN(n/2+1)), Provider: fmt.Sprintf("i%03d", rng.IntN(n))})
	}
	return in
}

// TestDeterministicOrder: for 100 random graphs, shuffling every input slice changes
// nothing in the result, and the order puts each provider before its consumers unless both
// are held up by a cycle (which is then reported).
func TestDeterministicOrder(t *testing.T) {
	for seed := range uint64(100) {
		rng := rand.New(rand.NewPCG(seed, 7))
		in := randomGraph(rng, 5+rng.IntN(40))
		want := Resolve(in)
		shuffled := in
		shuffled.Instances = slices.Clone(in.Instances)
		shuffled.Explicit = slices.Clone(in.Explicit)
		rng.Shuffle(len(shuffled.Instances), func(i, j int) {
			shuffled.Instances[i], shuffled.Instances[j] = shuffled.Instances[j], shuffled.Instances[i]
		})
		rng.Shuffle(len(shuffled.Explicit), func(i, j int) {
			shuffled.Explicit[i], shuffled.Explicit[j] = shuffled.Explicit[j], shuffled.Explicit[i]
		})
		// Duplicate explicit wires for one need would make the result depend on order;
		// the store's primary key forbids them, so drop them here too.
		shuffled.Explicit = sortedWires(shuffled.Explicit)
		in2 := in
		in2.Explicit = sortedWires(in.Explicit)
		want = Resolve(in2)
		got := Resolve(shuffled)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("seed %d: result depends on input order:\n%v\n%v", seed, got.Order, want.Order)
		}
		pos := map[string]int{}
		for i, n := range got.Order {
			pos[n] = i
		}
		if len(pos) != len(in.Instances) {
			t.Fatalf("seed %d: order %v is not a permutation", seed, got.Order)
		}
		cyclic := slices.ContainsFunc(got.Problems, func(p Problem) bool { return strings.HasPrefix(p.Summary, CyclePrefix) })
		for c, deps := range got.DependsOn {
			for p := range deps {
				if pos[p] > pos[c] && !cyclic {
					t.Fatalf("seed %d: %s starts before its provider %s without a cycle: %v", seed, c, p, got.Order)
				}
			}
		}
	}
}

func TestRender(t *testing.T) {
	env := map[string]string{"U": "app", "P": "${secret:pw}"}
	for _, tc := range []struct{ in, want, err string }{
		{"plain", "plain", ""},
		{"${host}:3306", "db:3306", ""},
		{"mysql://${env.U}:${env.P}@${host}/x", "mysql://app:${secret:pw}@db/x", ""},
		{"${env.NOPE}", "", "${env.NOPE} names a variable db does not set"},
		{"${port}", "", "unknown reference ${port}"},
		{"a${host", "", `"${" is not closed`},
		{"$host $$ {host}", "$host $$ {host}", ""},
	} {
		got, err := Render(tc.in, "db", env)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Render(%q) error = %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("Render(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

// FuzzRender: Render never panics; without an error, the output holds no reference Render
// should have replaced, and text outside references is kept.
func FuzzRender(f *testing.F) {
	for _, s := range []string{"", "${host}", "${env.U}", "x${env.}y", "${", "}${host}}", "${env.U}${host}${nope}", "$${host}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := Render(s, "h", map[string]string{"U": "${host}"})
		if err != nil {
			return
		}
		if !strings.Contains(s, "${") && out != s {
			t.Fatalf("Render(%q) = %q changed text without references", s, out)
		}
		if strings.Count(out, "${host}") > strings.Count(s, "${env.U}") {
			t.Fatalf("Render(%q) = %q left a ${host} unresolved", s, out)
		}
	})
}

func TestPinsFromApplied(t *testing.T) {
	is := []Instance{app("app", true), mysqlDB("db", true), mysqlDB("db2", true), {Name: "cache", Provides: []Offer{{Contract: "redis"}}}, app("new", true)}
	got := PinsFromApplied(is, map[string][]string{"app": {"cache", "db"}, "gone": {"db"}})
	if want := []Wire{{"app", "mysql", "db", Pinned}}; !reflect.DeepEqual(got, want) {
		t.Errorf("pins = %v, want %v", got, want)
	}
	// Two applied providers of the contract: no pin, the need is judged afresh.
	if got := PinsFromApplied(is, map[string][]string{"app": {"db", "db2"}}); len(got) != 0 {
		t.Errorf("pins = %v, want none", got)
	}
	// End to end: the pin keeps app on db, new is ambiguous.
	r := Resolve(Input{Stack: "s", Instances: is, Pinned: PinsFromApplied(is, map[string][]string{"app": {"db"}})})
	if want := []string{"warning: db2 also provides mysql; app stays wired to db", "error: new: mysql is ambiguous: choose db or db2"}; !reflect.DeepEqual(summaries(r.Problems), want) {
		t.Errorf("problems = %q", summaries(r.Problems))
	}
}
