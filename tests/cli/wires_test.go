//go:build unix

package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Wiring test templates on the local busybox image: a database-like provider with a
// healthcheck, a cache-like provider without one, and an app consuming both.
const (
	wireDBTemplate = `name: w-db
category: database
description: mysql-like provider
service:
  image: devarch-test/busybox:1
  # Healthy only after 3 s, so a consumer that waits for service_healthy starts visibly later.
  command: [sh, -c, "sleep 3; mkdir -p /www && echo db > /www/index.html && exec httpd -f -p 3306 -h /www"]
  environment: {DB_PASSWORD: s3cret}
  healthcheck:
    test: [CMD, wget, -q, -O, /dev/null, "http://127.0.0.1:3306/"]
    interval: 1s
    start_period: 10s
    retries: 30
provides:
  - contract: mydb
    values: {host: "${host}", port: "3306", password: "${env.DB_PASSWORD}"}
`
	wireCacheTemplate = `name: w-cache
category: cache
description: redis-like provider without a healthcheck
service:
  image: devarch-test/busybox:1
  command: [sh, -c, "mkdir -p /www && echo kv > /www/index.html && exec httpd -f -p 6379 -h /www"]
provides:
  - contract: kv
    values: {host: "${host}", port: "6379"}
`
	wireAppTemplate = `name: w-app
category: runtime
description: consumes mydb (required) and kv (optional)
service:
  image: devarch-test/busybox:1
  command: [sleep, "3600"]
consumes:
  - contract: mydb
    required: true
    env: {DB_HOST: host, DB_PORT: port, DB_PASSWORD: password}
  - contract: kv
    env: {KV_HOST: host, KV_PORT: port}
`
)

type jWire struct {
	Consumer string `json:"consumer"`
	Contract string `json:"contract"`
	Provider string `json:"provider"`
	Kind     string `json:"kind"`
}

type jWiringProblem struct {
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
	Instance string `json:"instance"`
	Field    string `json:"field"`
}

type jWireList struct {
	Stack    string           `json:"stack"`
	Revision int64            `json:"revision"`
	Wires    []jWire          `json:"wires"`
	Problems []jWiringProblem `json:"problems"`
}

type jGraph struct {
	Stack    string `json:"stack"`
	Revision int64  `json:"revision"`
	Nodes    []struct {
		Name     string `json:"name"`
		Template string `json:"template"`
	} `json:"nodes"`
	Edges []struct {
		From     string `json:"from"`
		To       string `json:"to"`
		Contract string `json:"contract"`
		Kind     string `json:"kind"`
	} `json:"edges"`
	Problems []jWiringProblem `json:"problems"`
}

func importWireTemplates(t *testing.T, env map[string]string) {
	t.Helper()
	dir := tempHome(t)
	for name, doc := range map[string]string{"db": wireDBTemplate, "cache": wireCacheTemplate, "app": wireAppTemplate} {
		p := filepath.Join(dir, name+".yaml")
		if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		mustRun(t, env, "devarch", "template", "import", p)
	}
}

func wireList(t *testing.T, env map[string]string, stack string) jWireList {
	t.Helper()
	var l jWireList
	noNull(t, "wire list", decodeStrict(t, env, &l, "wire", "list", stack, "--json"))
	return l
}

func TestWires_CLI(t *testing.T) {
	env := map[string]string{"DEVARCH_DATABASE_URL": databaseURL(t), "DEVARCH_HOME": tempHome(t)}
	importWireTemplates(t, env)
	mustRun(t, env, "devarch", "stack", "create", "wr1")
	mustRun(t, env, "devarch", "instance", "add", "wr1", "app", "--template", "w-app")
	mustRun(t, env, "devarch", "instance", "add", "wr1", "db", "--template", "w-db")

	// One provider: automatic; the optional kv has none: a warning.
	l := wireList(t, env, "wr1")
	if len(l.Wires) != 1 || l.Wires[0] != (jWire{"app", "mydb", "db", "automatic"}) {
		t.Fatalf("wires: %+v", l.Wires)
	}
	if len(l.Problems) != 1 || l.Problems[0].Severity != "warning" || l.Problems[0].Instance != "app" || l.Problems[0].Field != "consumes.kv" ||
		!strings.Contains(l.Problems[0].Summary, "app needs kv (optional)") {
		t.Fatalf("problems: %+v", l.Problems)
	}
	r := mustRun(t, env, "devarch", "wire", "list", "wr1")
	if !strings.Contains(r.stdout, "CONSUMER") || !strings.Contains(r.stdout, "automatic") || !strings.Contains(r.stdout, "warning: app needs kv") {
		t.Fatalf("wire list text:\n%s", r.stdout)
	}

	// The consumer's effective config has the wired variables, origin wiring; compose waits
	// for the healthy provider.
	var inst jInstance
	decodeStrict(t, env, &inst, "instance", "show", "wr1", "app", "--json")
	envMap, _ := inst.Effective["environment"].(map[string]any)
	if envMap["DB_HOST"] != "db" || envMap["DB_PORT"] != "3306" || envMap["DB_PASSWORD"] != "s3cret" || inst.Origins["environment.DB_HOST"] != "wiring" {
		t.Fatalf("instance show: %v %v", inst.Effective["environment"], inst.Origins)
	}
	r = mustRun(t, env, "devarch", "compose", "wr1")
	if !strings.Contains(r.stdout, "depends_on:\n      db:\n        condition: service_healthy") {
		t.Fatalf("compose lacks depends_on db healthy:\n%s", r.stdout)
	}

	// A cache without a healthcheck: service_started; the app's kv is wired.
	mustRun(t, env, "devarch", "instance", "add", "wr1", "cache", "--template", "w-cache")
	r = mustRun(t, env, "devarch", "compose", "wr1")
	if !strings.Contains(r.stdout, "cache:\n        condition: service_started") {
		t.Fatalf("compose lacks depends_on cache started:\n%s", r.stdout)
	}

	// Completion: consumers, the contracts the consumer consumes, their providers, formats.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"wire", "set", "wr1", ""}, "app cache db"},
		{[]string{"wire", "set", "wr1", "app", ""}, "kv mydb"},
		{[]string{"wire", "set", "wr1", "app", "mydb", ""}, "db"},
		{[]string{"wire", "unset", "wr1", "app", "m"}, "mydb"},
		{[]string{"graph", "wr1", "--format", ""}, "dot json mermaid"},
	} {
		if got, _ := completions(t, env, c.args...); strings.Join(got, " ") != c.want {
			t.Errorf("complete %q = %q, want %q", c.args, got, c.want)
		}
	}

	// Graph formats.
	var g jGraph
	noNull(t, "graph", decodeStrict(t, env, &g, "graph", "wr1", "--format", "json"))
	if len(g.Nodes) != 3 || g.Nodes[2].Name != "app" || g.Nodes[2].Template != "w-app" || len(g.Edges) != 2 ||
		g.Edges[0].From != "app" || g.Edges[0].To != "cache" || g.Edges[0].Contract != "kv" || g.Edges[0].Kind != "automatic" || len(g.Problems) != 0 {
		t.Fatalf("graph json: %+v", g)
	}
	r = mustRun(t, env, "devarch", "graph", "wr1")
	for _, want := range []string{`digraph "wr1" {`, `"app" -> "db" [label="mydb", style=dashed];`, `"app" -> "cache" [label="kv", style=dashed];`} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("dot lacks %q:\n%s", want, r.stdout)
		}
	}
	r = mustRun(t, env, "devarch", "graph", "wr1", "--format", "mermaid")
	if !strings.HasPrefix(r.stdout, "flowchart LR\n") || !strings.Contains(r.stdout, `n2["app<br/>w-app"]`) || !strings.Contains(r.stdout, "n2 -.->|mydb| n1") {
		t.Errorf("mermaid:\n%s", r.stdout)
	}

	// A second provider, never applied: the need is ambiguous, and the plan refuses.
	mustRun(t, env, "devarch", "instance", "add", "wr1", "db2", "--template", "w-db")
	l = wireList(t, env, "wr1")
	if len(l.Problems) != 1 || l.Problems[0].Severity != "error" || l.Problems[0].Summary != "app: mydb is ambiguous: choose db or db2" ||
		!strings.Contains(l.Problems[0].Detail, "devarch wire set wr1 app mydb db") {
		t.Fatalf("ambiguous: %+v", l.Problems)
	}
	r = run(t, env, "devarch", "plan", "wr1")
	if r.code != 1 || !strings.Contains(r.stdout+r.stderr, "mydb is ambiguous: choose db or db2") {
		t.Fatalf("plan with an ambiguous need: %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// Bad input: named, nothing changed (the revision stays).
	rev := l.Revision
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"wire", "set", "nope", "app", "mydb", "db"}, 1, `"nope"`},
		{[]string{"wire", "set", "wr1", "ghost", "mydb", "db"}, 1, `stack "wr1" has no instance named "ghost"`},
		{[]string{"wire", "set", "wr1", "app", "mydb", "dbx"}, 1, "Did you mean db?"},
		{[]string{"wire", "set", "wr1", "app", "mydbb", "db"}, 1, "app (template w-app) does not consume mydbb"},
		{[]string{"wire", "set", "wr1", "app", "kv", "db"}, 1, "db (template w-db) does not provide kv"},
		{[]string{"wire", "set", "wr1", "app", "Bad!", "db"}, 1, `"Bad!" is not a contract name`},
		{[]string{"wire", "set", "wr1", "app", "mydb", "app"}, 1, "app cannot be wired to itself"},
		{[]string{"wire", "set", "wr1", "app", "mydb"}, 2, "STACK CONSUMER CONTRACT PROVIDER"},
		{[]string{"wire", "unset", "wr1", "app", "mydb"}, 1, "app has no explicit wire for mydb"},
		{[]string{"wire", "unset", "wr1", "db", "mydb"}, 1, "db (template w-db) does not consume mydb"},
		{[]string{"wire", "list", "nope"}, 1, `"nope"`},
		{[]string{"wire", "set", "wr1", "app", "mydb", "db", "--json"}, 2, "unknown flag: --json"},
		{[]string{"graph", "wr1", "--format", "svg"}, 2, `--format "svg": use dot, mermaid or json`},
		{[]string{"graph", "nope"}, 1, `"nope"`},
		{[]string{"wire", "frob"}, 2, `unknown wire subcommand "frob" (one of: list, set, unset)`},
	} {
		r := run(t, env, append([]string{"devarch"}, c.args...)...)
		if r.code != c.code || !strings.Contains(r.stderr, c.want) || r.stdout != "" {
			t.Errorf("%v: want exit %d with %q, got %d\nstdout: %s\nstderr: %s", c.args, c.code, c.want, r.code, r.stdout, r.stderr)
		}
	}
	if l := wireList(t, env, "wr1"); l.Revision != rev {
		t.Fatalf("refused commands changed the revision %d -> %d", rev, l.Revision)
	}

	// wire set resolves it; the plan saved before goes stale.
	r = mustRun(t, env, "devarch", "wire", "set", "wr1", "app", "mydb", "db2")
	if !strings.Contains(r.stderr, "Wired app's mydb to db2") {
		t.Fatalf("wire set: %s", r.stderr)
	}
	l = wireList(t, env, "wr1")
	if l.Revision != rev+1 || len(l.Problems) != 0 || l.Wires[1] != (jWire{"app", "mydb", "db2", "explicit"}) {
		t.Fatalf("after wire set: %+v", l)
	}
	r = mustRun(t, env, "devarch", "wire", "set", "wr1", "app", "mydb", "db2")
	if !strings.Contains(r.stderr, "nothing changed") || wireList(t, env, "wr1").Revision != rev+1 {
		t.Fatalf("same wire again: %s", r.stderr)
	}
	// A plan saved before a wire change is stale; the same wire again keeps it applicable
	// (checked above by the revision).
	planFile := filepath.Join(tempHome(t), "plan.json")
	mustRun(t, env, "devarch", "plan", "wr1", "--out", planFile)
	mustRun(t, env, "devarch", "wire", "set", "wr1", "app", "mydb", "db")
	if r := run(t, env, "devarch", "apply", "wr1", "--plan", planFile); r.code != 1 || !strings.Contains(r.stderr, "the plan is stale") {
		t.Fatalf("apply of a plan saved before wire set: %+v", r)
	}
	if s := containerState(t, "devarch-wr1-app"); s != "missing" {
		t.Fatalf("a stale plan created app (%s)", s)
	}
	mustRun(t, env, "devarch", "wire", "set", "wr1", "app", "mydb", "db2")
	r = mustRun(t, env, "devarch", "graph", "wr1")
	if !strings.Contains(r.stdout, `"app" -> "db2" [label="mydb", style=solid];`) {
		t.Errorf("explicit edge not solid:\n%s", r.stdout)
	}
	var inst2 jInstance
	decodeStrict(t, env, &inst2, "instance", "show", "wr1", "app", "--json")
	if e, _ := inst2.Effective["environment"].(map[string]any); e["DB_HOST"] != "db2" {
		t.Fatalf("after wire set DB_HOST = %v", e["DB_HOST"])
	}

	// A hand-set variable wins, with a warning.
	mustRun(t, env, "devarch", "instance", "set", "wr1", "app", "environment.DB_PORT=3307")
	l = wireList(t, env, "wr1")
	if len(l.Problems) != 1 || l.Problems[0].Summary != "app: DB_PORT set by hand shadows the wire to db2 (mydb.port)" || l.Problems[0].Field != "environment.DB_PORT" {
		t.Fatalf("shadow: %+v", l.Problems)
	}

	// Unset: ambiguous again. Removing the provider removes the explicit wire with it.
	mustRun(t, env, "devarch", "wire", "unset", "wr1", "app", "mydb")
	if l := wireList(t, env, "wr1"); len(l.Problems) == 0 || l.Problems[0].Severity != "error" {
		t.Fatalf("after unset: %+v", l.Problems)
	}
	mustRun(t, env, "devarch", "wire", "set", "wr1", "app", "mydb", "db2")
	mustRun(t, env, "devarch", "instance", "remove", "wr1", "db2")
	if l := wireList(t, env, "wr1"); len(l.Wires) != 2 || l.Wires[1] != (jWire{"app", "mydb", "db", "automatic"}) {
		t.Fatalf("after removing the provider: %+v", l.Wires)
	}
}

// A cycle of wires prints the whole cycle and blocks the plan.
func TestWires_CycleCLI(t *testing.T) {
	env := map[string]string{"DEVARCH_DATABASE_URL": databaseURL(t), "DEVARCH_HOME": tempHome(t)}
	dir := tempHome(t)
	for _, doc := range []string{
		"name: w-api\ncategory: runtime\nservice: {image: devarch-test/busybox:1}\nprovides: [{contract: api}]\nconsumes: [{contract: queue, required: true}]\n",
		"name: w-worker\ncategory: runtime\nservice: {image: devarch-test/busybox:1}\nprovides: [{contract: queue}]\nconsumes: [{contract: api, required: true}]\n",
	} {
		p := filepath.Join(dir, strings.Fields(doc)[1]+".yaml")
		_ = os.WriteFile(p, []byte(doc), 0o644)
		mustRun(t, env, "devarch", "template", "import", p)
	}
	mustRun(t, env, "devarch", "stack", "create", "wr2")
	mustRun(t, env, "devarch", "instance", "add", "wr2", "worker", "--template", "w-worker")
	mustRun(t, env, "devarch", "instance", "add", "wr2", "app", "--template", "w-api")
	l := wireList(t, env, "wr2")
	if len(l.Problems) != 1 || l.Problems[0].Summary != "dependency cycle: app -> worker -> app" {
		t.Fatalf("cycle: %+v", l.Problems)
	}
	r := run(t, env, "devarch", "plan", "wr2", "--json")
	var doc struct {
		Plan struct {
			Errors []string `json:"errors"`
		} `json:"plan"`
	}
	_ = json.Unmarshal([]byte(r.stdout), &doc)
	if r.code != 1 || !strings.Contains(r.stdout+r.stderr, "app -> worker -> app") {
		t.Fatalf("plan with a cycle: %d %+v\n%s%s", r.code, doc, r.stdout, r.stderr)
	}
}
