//go:build unix

package cli_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/runtime/runtimetest"
)

// The engine commands refuse bad input with the field and the fix, and change nothing: a
// context that does not exist, a name docker would refuse, an address that is not one.
func TestEngines_BadInput(t *testing.T) {
	cfg := t.TempDir() // a docker config with no contexts
	env := map[string]string{"DEVARCH_DATABASE_URL": databaseURL(t), "DEVARCH_HOME": tempHome(t), "DOCKER_CONFIG": cfg}
	if r := run(t, env, "devarch", "stack", "create", "eng-a"); r.code != 0 {
		t.Fatalf("create: %+v", r)
	}
	for _, c := range []struct {
		argv []string
		want []string
	}{
		{[]string{"stack", "create", "eng-b", "--context", "build-box"}, []string{`docker context "build-box" does not exist`, "docker context create build-box"}},
		{[]string{"stack", "create", "eng-b", "--context", "-bad name"}, []string{"is not a docker context name"}},
		{[]string{"stack", "set-context", "eng-a", "build-box"}, []string{`docker context "build-box" does not exist`}},
		{[]string{"stack", "set-context", "nosuch", "default"}, []string{"nosuch"}},
		{[]string{"engine", "set-address", "default", "my-laptop"}, []string{`"my-laptop" is not an IP address`, "192.168.1.40"}},
		{[]string{"engine", "set-address", "default", "0.0.0.0"}, []string{"every interface"}},
		{[]string{"engine", "set-address", "build-box", "10.0.0.4"}, []string{`docker context "build-box" does not exist`}},
		{[]string{"engine", "set-address", "default"}, []string{"needs ADDRESS (or --unset)"}},
	} {
		r := run(t, env, append([]string{"devarch"}, c.argv...)...)
		for _, w := range c.want {
			if r.code == 0 || !strings.Contains(r.stderr, w) {
				t.Errorf("%v: want a failure saying %q, got %d %q", c.argv, w, r.code, r.stderr)
			}
		}
	}
	r := run(t, env, "devarch", "stack", "list", "--json")
	var list []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil || len(list) != 1 || list[0]["engine"] != "default" {
		t.Fatalf("after the refusals only eng-a, on the default engine: %v %s", err, r.stdout)
	}
	r = run(t, env, "devarch", "stack", "show", "eng-a", "--json")
	var show map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &show); err != nil || show["revision"] != 1.0 || show["engine"] != "default" {
		t.Fatalf("eng-a changed: %v %s", err, r.stdout)
	}

	// A context the docker CLI knows is accepted, and setting it twice changes nothing.
	if r := run(t, env, "docker", "context", "create", "build-box", "--docker", "host=tcp://127.0.0.1:1"); r.code != 0 {
		t.Fatalf("docker context create: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(cfg, "contexts")); err != nil {
		t.Fatalf("the context was not written under DOCKER_CONFIG: %v", err)
	}
	if r := run(t, env, "devarch", "stack", "set-context", "eng-a", "build-box"); r.code != 0 || !strings.Contains(r.stderr, "devarch plan eng-a") {
		t.Fatalf("set-context: %+v", r)
	}
	if r := run(t, env, "devarch", "stack", "set-context", "eng-a", "build-box"); r.code != 0 || !strings.Contains(r.stderr, "nothing changed") {
		t.Fatalf("set-context again: %+v", r)
	}
	if r := run(t, env, "devarch", "engine", "set-address", "build-box", "192.0.2.10"); r.code != 0 {
		t.Fatalf("set-address: %+v", r)
	}
	r = run(t, env, "devarch", "stack", "show", "eng-a")
	if !strings.Contains(r.stdout, "engine build-box, ports on 192.0.2.10") {
		t.Fatalf("stack show: %+v", r)
	}
	// The engine cannot be reached (nothing listens on port 1):
	// engine list says so and names the endpoint, without failing.
	// The document of docs/cli-json.md, decoded with unknown fields refused.
	var engines []struct {
		Name           string `json:"name"`
		Endpoint       string `json:"endpoint"`
		Version        string `json:"version"`
		PublishAddress string `json:"publishAddress"`
		Stacks         int    `json:"stacks"`
		Healthy        bool   `json:"healthy"`
		Error          string `json:"error"`
	}
	doc := decodeStrict(t, env, &engines, "engine", "list", "--json")
	noNull(t, "engine list --json", doc)
	if len(engines) != 2 || engines[0].Name != "default" || engines[0].PublishAddress != "127.0.0.1" {
		t.Fatalf("engine list: %s", doc)
	}
	bb := engines[1]
	if bb.Name != "build-box" || bb.Endpoint != "tcp://127.0.0.1:1" || bb.Healthy || bb.Error == "" || bb.PublishAddress != "192.0.2.10" || bb.Stacks != 1 {
		t.Fatalf("build-box in engine list: %+v", bb)
	}
}

// The command line against a stack on another engine (a second dockerd behind a docker
// context): create it there, apply, see it in status, logs and engine list, down; nothing
// of it ever appears on the default engine.
func TestEngines_StackOnAnotherEngine(t *testing.T) {
	runtimetest.RequireCompose(t)
	runtimetest.BusyboxImage(t)
	far := runtimetest.SecondEngine(t, false)
	home := tempHome(t)
	env := map[string]string{"DEVARCH_HOME": home, "DEVARCH_DATABASE_URL": databaseURL(t), "DEVARCH_MASTER_KEY_FILE": home + "/master.key"}
	for _, kv := range far.Env {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	tpl := filepath.Join(tempHome(t), "site.yaml")
	if err := os.WriteFile(tpl, []byte(siteTemplate), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, env, "devarch", "template", "import", tpl)
	port := freePort(t)
	mustRun(t, env, "devarch", "stack", "create", "eng-far", "--context", far.Context)
	mustRun(t, env, "devarch", "instance", "add", "eng-far", "web", "--template", "t-site")
	mustRun(t, env, "devarch", "instance", "set", "eng-far", "web", fmt.Sprintf(`ports=["%d:8080"]`, port),
		`command=["sh","-c","mkdir -p /www && echo far > /www/index.html && echo serving from far && exec httpd -f -p 8080 -h /www"]`)
	t.Cleanup(func() { run(t, env, "devarch", "down", "eng-far") })

	mustRun(t, env, "devarch", "apply", "eng-far", "--yes")
	if body := get(t, port); !strings.Contains(body, "far") {
		t.Fatalf("its port: %q", body)
	}
	if s := containerState(t, "devarch-eng-far-web"); s != "missing" {
		t.Fatalf("the default engine has the stack's container (%s)", s)
	}
	r := mustRun(t, env, "devarch", "status", "eng-far", "--json")
	if !strings.Contains(r.stdout, `"state":"running"`) && !strings.Contains(r.stdout, `"state": "running"`) {
		t.Fatalf("status from the stack's engine:\n%s", r.stdout)
	}
	if r := mustRun(t, env, "devarch", "logs", "eng-far", "web"); !strings.Contains(r.stdout, "serving from far") {
		t.Fatalf("logs from the stack's engine:\n%s%s", r.stdout, r.stderr)
	}
	if r := mustRun(t, env, "devarch", "stack", "show", "eng-far"); !strings.Contains(r.stdout, "engine "+far.Context) {
		t.Fatalf("stack show names the engine:\n%s", r.stdout)
	}
	r = mustRun(t, env, "devarch", "engine", "list", "--json")
	var engines []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &engines); err != nil || len(engines) != 2 || engines[1]["name"] != far.Context ||
		engines[1]["healthy"] != true || engines[1]["endpoint"] != far.Host || engines[1]["stacks"] != 1.0 {
		t.Fatalf("engine list: %v\n%s", err, r.stdout)
	}
	rep, _ := doctor(t, env, nil)
	if status, summary, _ := rep.check(t, "engine "+far.Context); status != "ok" || !strings.Contains(summary, far.Host) {
		t.Fatalf("doctor's check of the stack's engine: %s %s", status, summary)
	}

	mustRun(t, env, "devarch", "down", "eng-far")
	cs, err := far.Engine.ListContainers(t.Context(), []string{"dev.devarch.stack=eng-far"})
	if err != nil || len(cs) != 0 {
		t.Fatalf("after down the stack's engine still has %+v %v", cs, err)
	}
}
