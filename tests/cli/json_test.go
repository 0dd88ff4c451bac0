//go:build unix

package cli_test

import (
	"bytes"
	"encoding/json"
	"net"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The --json documents of docs/cli-json.md, pinned: each is decoded with unknown fields
// disallowed into the types below, so a key added, renamed or retyped fails here.

type jStack struct {
	Name          string    `json:"name"`
	Description   string    `json:"description"`
	InstanceCount int       `json:"instanceCount"`
	Revision      int64     `json:"revision"`
	Status        string    `json:"status"`
	UpdatedAt     time.Time `json:"updatedAt"`
	Engine        string    `json:"engine"`
}

type jInstanceRow struct {
	Name          string `json:"name"`
	Template      string `json:"template"`
	Container     string `json:"container"`
	Image         string `json:"image"`
	State         string `json:"state"`
	Health        string `json:"health"`
	OverrideCount int    `json:"overrideCount"`
}

type jStackDetail struct {
	Name        string         `json:"name"`
	Description string         `json:"description"`
	Root        string         `json:"root"`
	Revision    int64          `json:"revision"`
	Status      string         `json:"status"`
	Network     string         `json:"network"`
	Subnet      string         `json:"subnet"`
	Engine      string         `json:"engine"`
	RunsOn      string         `json:"runsOn"`
	Instances   []jInstanceRow `json:"instances"`
	Problems    []string       `json:"problems"`
}

type jInstance struct {
	Stack     string            `json:"stack"`
	Name      string            `json:"name"`
	Template  string            `json:"template"`
	Container string            `json:"container"`
	Revision  int64             `json:"revision"`
	Overrides map[string]any    `json:"overrides"`
	Effective map[string]any    `json:"effective"`
	Origins   map[string]string `json:"origins"`
}

type jRef struct {
	Stack    string `json:"stack"`
	Instance string `json:"instance"`
	Path     string `json:"path"`
}

type jTemplate struct {
	Name        string `json:"name"`
	Builtin     bool   `json:"builtin"`
	Category    string `json:"category"`
	Description string `json:"description"`
	Image       string `json:"image"`
	UsedBy      []jRef `json:"usedBy"`
	Created     *bool  `json:"created"`
}

type jTemplateDetail struct {
	Name        string           `json:"name"`
	Builtin     bool             `json:"builtin"`
	Version     int              `json:"version"`
	Category    string           `json:"category"`
	Description string           `json:"description"`
	Service     map[string]any   `json:"service"`
	Provides    []map[string]any `json:"provides"`
	Consumes    []map[string]any `json:"consumes"`
}

type jSecret struct {
	Name      string     `json:"name"`
	Set       bool       `json:"set"`
	UsedBy    []jRef     `json:"usedBy"`
	UpdatedAt *time.Time `json:"updatedAt"`
}

type jChange struct {
	Path      string          `json:"path"`
	Old       string          `json:"old"`
	New       string          `json:"new"`
	OldValue  json.RawMessage `json:"oldValue"`
	NewValue  json.RawMessage `json:"newValue"`
	Sensitive bool            `json:"sensitive"`
}

type jAction struct {
	Kind      string    `json:"kind"`
	Instance  string    `json:"instance"`
	Container string    `json:"container"`
	Network   string    `json:"network"`
	State     string    `json:"state"`
	Cause     string    `json:"cause"`
	Level     int       `json:"level"`
	Changes   []jChange `json:"changes"`
	Config    []struct {
		Path      string          `json:"path"`
		Value     json.RawMessage `json:"value"`
		Sensitive bool            `json:"sensitive"`
	} `json:"config"`
}

type jPlanFile struct {
	PlanID   int64  `json:"planId"`
	Stack    string `json:"stack"`
	Revision int64  `json:"revision"`
	Plan     struct {
		Stack       string        `json:"stack"`
		Revision    int64         `json:"revision"`
		Actions     []jAction     `json:"actions"`
		Diagnostics []jDiagnostic `json:"diagnostics"`
		Summary     struct {
			Add     int `json:"add"`
			Change  int `json:"change"`
			Destroy int `json:"destroy"`
		} `json:"summary"`
		Stopped bool     `json:"stopped"`
		Replace []string `json:"replace"`
	} `json:"plan"`
}

type jResult struct {
	Action    string `json:"action"`
	Kind      string `json:"kind"`
	Instance  string `json:"instance"`
	Container string `json:"container"`
	Network   string `json:"network"`
	Status    string `json:"status"`
	Error     string `json:"error"`
}

type jApply struct {
	PlanID  int64     `json:"planId"`
	RunID   int64     `json:"runId"`
	Summary string    `json:"summary"`
	Results []jResult `json:"results"`
	Error   *struct {
		Kind    string `json:"kind"`
		Summary string `json:"summary"`
		Detail  string `json:"detail"`
	} `json:"error"`
}

type jOperation struct {
	Stack          string   `json:"stack"`
	Operation      string   `json:"operation"`
	Summary        string   `json:"summary"`
	RemovedVolumes []string `json:"removedVolumes"`
}

type jStatus struct {
	Instance  string `json:"instance"`
	Container string `json:"container"`
	State     string `json:"state"`
	Health    string `json:"health"`
	Image     string `json:"image"`
	Status    string `json:"status"`
}

type jRun struct {
	ID         int64      `json:"id"`
	PlanID     *int64     `json:"planId"`
	Operation  string     `json:"operation"`
	Status     string     `json:"status"`
	StartedBy  string     `json:"startedBy"`
	StartedAt  time.Time  `json:"startedAt"`
	FinishedAt *time.Time `json:"finishedAt"`
	Results    []jResult  `json:"results"`
	Stderr     string     `json:"stderr"`
}

type jVersion struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	GoVersion string `json:"goVersion"`
	Platform  string `json:"platform"`
}

// nullFree matches a JSON null outside strings (the documents never print null; overrides
// are the user's delta, where null means "remove", and are checked apart).
var jsonNull = regexp.MustCompile(`:\s*null\b|\[\s*null\b|,\s*null\b`)

// decodeStrict runs argv (which must succeed and print only JSON on stdout) and decodes its
// document into v with unknown fields disallowed.
func decodeStrict(t *testing.T, env map[string]string, v any, argv ...string) string {
	t.Helper()
	r := mustRun(t, env, append([]string{"devarch"}, argv...)...)
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%v: %v\n%s", argv, err, r.stdout)
	}
	if dec.More() {
		t.Fatalf("%v: more than one document:\n%s", argv, r.stdout)
	}
	return r.stdout
}

func noNull(t *testing.T, what, doc string) {
	t.Helper()
	if jsonNull.MatchString(doc) {
		t.Errorf("%s prints null (absent values are left out):\n%s", what, doc)
	}
}

func TestJSON_OneConvention(t *testing.T) {
	a := newApplyEnv(t)
	env := a.env
	env["DEVARCH_MASTER_KEY_FILE"] = tempHome(t) + "/master.key"

	var created jStack
	noNull(t, "stack create", decodeStrict(t, env, &created, "stack", "create", "js1", "--json"))
	if created.Name != "js1" || created.InstanceCount != 0 || created.Status != "stopped" || created.Description != "" || created.Engine != "default" {
		t.Fatalf("stack create --json: %+v", created)
	}
	freshProject(t, "devarch-js1")

	var inst jInstance
	decodeStrict(t, env, &inst, "instance", "add", "js1", "web", "--template", "t-http", "--set", "environment.MODE=a", "--json")
	if inst.Container != "devarch-js1-web" || inst.Origins["environment.MODE"] != "override" || inst.Effective["image"] != "devarch-test/busybox:1" {
		t.Fatalf("instance add --json: %+v", inst)
	}
	mustRun(t, env, "devarch", "instance", "add", "js1", "app", "--template", "t-idle")
	mustRun(t, env, "devarch", "instance", "set", "js1", "app", "environment.TOKEN=${secret:token}", "environment.PASS=${secret:pass}")
	mustRunIn(t, env, "s3cret", "secret", "set", "js1", "token")

	var secretList []jSecret
	noNull(t, "secret list", decodeStrict(t, env, &secretList, "secret", "list", "js1", "--json"))
	if len(secretList) != 2 || secretList[0].Name != "pass" || secretList[0].Set || secretList[0].UpdatedAt != nil ||
		!secretList[1].Set || secretList[1].UpdatedAt == nil ||
		len(secretList[1].UsedBy) != 1 || secretList[1].UsedBy[0] != (jRef{Stack: "js1", Instance: "app", Path: "environment.TOKEN"}) {
		t.Fatalf("secret list --json: %+v", secretList)
	}
	mustRunIn(t, env, "pw", "secret", "set", "js1", "pass")

	var templates []jTemplate
	noNull(t, "template list", decodeStrict(t, env, &templates, "template", "list", "--json"))
	users := map[string][]jRef{}
	for _, tpl := range templates {
		users[tpl.Name] = tpl.UsedBy
		if tpl.UsedBy == nil || tpl.Created != nil {
			t.Errorf("template %s: usedBy %v created %v", tpl.Name, tpl.UsedBy, tpl.Created)
		}
	}
	if len(users["t-http"]) != 1 || users["t-http"][0] != (jRef{Stack: "js1", Instance: "web"}) {
		t.Fatalf("template list usedBy: %+v", users["t-http"])
	}
	var custom, builtin jTemplateDetail
	noNull(t, "template show", decodeStrict(t, env, &custom, "template", "show", "t-http", "--json"))
	decodeStrict(t, env, &builtin, "template", "show", "mysql", "--json")
	if custom.Version != 0 || custom.Builtin || custom.Provides == nil || custom.Consumes == nil || builtin.Version < 1 || len(builtin.Provides) == 0 {
		t.Fatalf("template show --json: custom %+v builtin %+v", custom, builtin)
	}
	if out := mustRun(t, env, "devarch", "template", "show", "t-http", "--json").stdout; strings.Contains(out, `"version"`) {
		t.Fatalf("a custom template has no version: %s", out)
	}
	var imported jTemplate
	decodeStrict(t, env, &imported, "template", "import", writeTemp(t, strings.Replace(idleTemplate, "t-idle", "t-idle-2", 1)), "--json")
	if imported.Name != "t-idle-2" || imported.Created == nil || !*imported.Created || imported.Image != "devarch-test/busybox:1" {
		t.Fatalf("template import --json: %+v", imported)
	}

	var p jPlanFile
	noNull(t, "plan", decodeStrict(t, env, &p, "plan", "js1", "--json"))
	if p.PlanID == 0 || len(p.Plan.Actions) != 3 || p.Plan.Diagnostics == nil || p.Plan.Replace == nil {
		t.Fatalf("plan --json: %+v", p)
	}
	// A create carries what it makes, as JSON values (image a string, ports a list).
	for _, act := range p.Plan.Actions {
		if act.Kind != "create" {
			continue
		}
		if len(act.Config) == 0 || act.Config[0].Path != "image" || compact(act.Config[0].Value) != `"devarch-test/busybox:1"` {
			t.Errorf("create %s: config %+v", act.Instance, act.Config)
		}
	}
	var applied jApply
	noNull(t, "apply", decodeStrict(t, env, &applied, "apply", "js1", "--yes", "--json"))
	if applied.RunID == 0 || applied.Error != nil || applied.Summary != "3 added, 0 changed, 0 destroyed" || len(applied.Results) != 3 {
		t.Fatalf("apply --json: %+v", applied)
	}
	for _, r := range applied.Results {
		if r.Status != "done" || r.Kind == "" {
			t.Errorf("result %+v", r)
		}
	}
	var nothing jApply
	decodeStrict(t, env, &nothing, "apply", "js1", "--yes", "--json")
	if nothing.Summary != "nothing to do" || nothing.Results == nil || len(nothing.Results) != 0 || nothing.RunID != 0 {
		t.Fatalf("apply --json, nothing to do: %+v", nothing)
	}

	// A changed field: typed values next to the rendered ones; a secret's: hidden.
	mustRun(t, env, "devarch", "instance", "set", "js1", "web", "environment.MODE=b", `ports=["127.0.0.1::8080"]`)
	mustRunIn(t, env, "s3cret-2", "secret", "set", "js1", "token")
	doc := decodeStrict(t, env, &p, "plan", "js1", "--json")
	if strings.Contains(doc, "s3cret") {
		t.Fatal("plan --json leaks a secret")
	}
	changes := map[string]jChange{}
	for _, act := range p.Plan.Actions {
		for _, c := range act.Changes {
			changes[act.Instance+" "+c.Path] = c
		}
	}
	if c := changes["web environment.MODE"]; compact(c.OldValue) != `"a"` || compact(c.NewValue) != `"b"` || c.Old != `"a"` || c.Sensitive {
		t.Errorf("environment.MODE change: %+v", c)
	}
	if c := changes["web ports"]; c.OldValue != nil || compact(c.NewValue) != `["127.0.0.1::8080"]` || c.Old != "(none)" {
		t.Errorf("ports change: %+v", c)
	}
	if c := changes["app environment.TOKEN"]; !c.Sensitive || c.OldValue != nil || c.NewValue != nil || c.Old != "(sensitive)" {
		t.Errorf("secret change: %+v", c)
	}
	// The document is the plan file: apply --plan takes it.
	planPath := writeTemp(t, doc)
	mustRun(t, env, "devarch", "apply", "js1", "--plan", planPath)

	var detail jStackDetail
	deadline := time.Now().Add(60 * time.Second)
	for {
		noNull(t, "stack show", decodeStrict(t, env, &detail, "stack", "show", "js1", "--json"))
		if len(detail.Instances) == 2 && detail.Instances[1].Health == "healthy" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("stack show --json: %+v", detail)
		}
		time.Sleep(500 * time.Millisecond)
	}
	web := detail.Instances[1]
	if _, pool, _ := net.ParseCIDR("10.200.0.0/16"); detail.Network != "devarch-js1-net" || detail.Subnet == "" || !pool.Contains(net.ParseIP(strings.Split(detail.Subnet, "/")[0])) {
		t.Fatalf("stack show --json: network %q subnet %q (want one from the default pool)", detail.Network, detail.Subnet)
	}
	if detail.Engine != "default" || detail.RunsOn != "" {
		t.Fatalf("stack show --json: engine %q runsOn %q (want the default engine, no move)", detail.Engine, detail.RunsOn)
	}
	if detail.Problems == nil || detail.Root != "" || web.Name != "web" || web.State != "running" || web.OverrideCount != 2 ||
		detail.Instances[0].Health != "" || detail.Instances[0].State != "running" {
		t.Fatalf("stack show --json: %+v", detail)
	}
	var rows []jInstanceRow
	decodeStrict(t, env, &rows, "instance", "list", "js1", "--json")
	if len(rows) != 2 || rows[1].State != "running" || rows[1].Health != "healthy" {
		t.Fatalf("instance list --json must be stack show's rows: %+v", rows)
	}
	var list []jStack
	noNull(t, "stack list", decodeStrict(t, env, &list, "stack", "list", "--json"))
	if len(list) != 1 || list[0].InstanceCount != 2 || list[0].Status != "running" {
		t.Fatalf("stack list --json: %+v", list)
	}
	var status []jStatus
	noNull(t, "status", decodeStrict(t, env, &status, "status", "js1", "--json"))
	if len(status) != 2 || status[1].Health != "healthy" || status[0].Health != "" {
		t.Fatalf("status --json: %+v", status)
	}

	var op jOperation
	for _, o := range []string{"stop", "start", "down"} {
		decodeStrict(t, env, &op, o, "js1", "--json")
		if op.Stack != "js1" || op.Operation != o || op.Summary != "done" || op.RemovedVolumes == nil {
			t.Fatalf("%s --json: %+v", o, op)
		}
	}

	var runs []jRun
	noNull(t, "history", decodeStrict(t, env, &runs, "history", "js1", "--json"))
	if len(runs) != 5 || runs[0].Operation != "down" || runs[0].PlanID != nil || runs[0].FinishedAt == nil || runs[4].PlanID == nil || len(runs[4].Results) != 3 {
		t.Fatalf("history --json: %+v", runs)
	}
	var one jRun
	decodeStrict(t, env, &one, "history", "js1", jsonID(runs[4].ID), "--json")
	if one.ID != runs[4].ID || one.Status != "succeeded" || len(one.Results) != 3 || one.Results[0].Kind == "" {
		t.Fatalf("history RUN --json: %+v", one)
	}

	var v jVersion
	noNull(t, "version", decodeStrict(t, env, &v, "version", "--json"))
	if v.GoVersion == "" || v.Platform == "" {
		t.Fatalf("version --json: %+v", v)
	}

	// Commands without a JSON form refuse --json instead of ignoring it.
	for _, argv := range [][]string{
		{"compose", "js1"}, {"logs", "js1"}, {"secret", "reveal", "js1", "pass"}, {"stack", "rename", "js1", "js2"},
		{"template", "clone", "nginx", "n2"}, {"instance", "remove", "js1", "web"}, {"stack", "set", "js1", "--description", "x"},
	} {
		r := run(t, env, append(append([]string{"devarch"}, argv...), "--json")...)
		if r.code != 2 || !strings.Contains(r.stderr, "unknown flag: --json") || r.stdout != "" {
			t.Errorf("%v --json: %+v", argv, r)
		}
	}
}

// A failed apply prints its document too, with the error and what was done.
func TestJSON_ApplyFailure(t *testing.T) {
	a := newApplyEnv(t)
	importTemplate(t, a.env, crashTemplate)
	a.stack("js3", "app:t-crash")
	r := run(t, a.env, "devarch", "apply", "js3", "--yes", "--json")
	var doc jApply
	dec := json.NewDecoder(bytes.NewReader([]byte(r.stdout)))
	dec.DisallowUnknownFields()
	if r.code != 1 || dec.Decode(&doc) != nil || doc.Error == nil || doc.Summary != "" || doc.RunID == 0 {
		t.Fatalf("failed apply --json: %+v\n%+v", r, doc)
	}
	failed := false
	for _, res := range doc.Results {
		failed = failed || (res.Status == "failed" && res.Instance == "app" && strings.Contains(res.Error, "exited with code 3"))
	}
	if !failed {
		t.Fatalf("results: %+v", doc.Results)
	}
}

func compact(raw json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return "<" + err.Error() + ">"
	}
	return b.String()
}

// apply --json refused before it runs still prints its document, with the error.
func TestJSON_ApplyRefused(t *testing.T) {
	env := map[string]string{"DEVARCH_DATABASE_URL": databaseURL(t), "DEVARCH_HOME": tempHome(t)}
	r := run(t, env, "devarch", "apply", "nope", "--yes", "--json")
	var doc jApply
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	dec.DisallowUnknownFields()
	if r.code != 1 || dec.Decode(&doc) != nil || doc.Error == nil || doc.Error.Kind != "not_found" || doc.PlanID != 0 ||
		doc.Results == nil || strings.Contains(r.stdout, "planId") || !strings.Contains(r.stderr, `error: stack: no stack named "nope"`) {
		t.Fatalf("apply --json of an unknown stack: %+v\n%+v", r, doc)
	}
	if r := run(t, env, "devarch", "apply", "nope", "--plan", "a", "--plan-id", "1", "--json"); r.code != 2 || r.stdout != "" {
		t.Fatalf("a usage error prints no document: %+v", r)
	}
}

func jsonID(id int64) string {
	b, _ := json.Marshal(id)
	return string(b)
}

func writeTemp(t *testing.T, content string) string {
	t.Helper()
	dir := tempHome(t)
	p := dir + "/doc"
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
