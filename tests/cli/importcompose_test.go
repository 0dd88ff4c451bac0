//go:build unix

package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
)

// importComposeProject is a compose project written the way people write them: a fixed
// container_name, credentials in .env, relative bind mounts, a named volume, depends_on.
const importComposeProject = `services:
  web:
    image: %[1]s
    container_name: legacy-web
    command: [sh, -c, 'echo "$$GREETING" > /srv/out/greeting && printf %%s "$$API_TOKEN" | wc -c > /srv/out/tokenlen && exec httpd -f -p 8080 -h /srv/www']
    environment:
      GREETING: hello from compose
      API_TOKEN: ${TOKEN}
    ports: ["${WEB_PORT}:8080"]
    volumes:
      - ./www:/srv/www:ro
      - ./out:/srv/out
      - cache:/cache
    depends_on: [db]
  db:
    image: %[1]s
    command: [sleep, "3600"]
    environment:
      DB_PASSWORD: pw-from-dotenv-123
volumes:
  cache: {}
`

// TestImportCompose_CLI: import-compose turns a compose project into a stack (dry run
// first, which writes nothing), reports what it changed, stores the credentials as
// secrets (never in a template), and the stack applies on Docker: the page is served from
// the project's folder on the published port, and the container sees the values.
func TestImportCompose_CLI(t *testing.T) {
	runtimetest.RequireCompose(t)
	image := runtimetest.BusyboxImage(t)
	home := tempHome(t)
	env := map[string]string{"DEVARCH_HOME": home, "DEVARCH_DATABASE_URL": databaseURL(t), "DEVARCH_MASTER_KEY_FILE": home + "/master.key"}
	proj := tempHome(t)
	port := freePort(t)
	for name, content := range map[string]string{
		"compose.yaml":   fmt.Sprintf(importComposeProject, image),
		".env":           fmt.Sprintf("TOKEN=tok-1234567890\nWEB_PORT=%d\n", port),
		"www/index.html": "served from the project folder\n",
		"out/.keep":      "",
	} {
		p := filepath.Join(proj, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(filepath.Join(proj, "out"), 0o777); err != nil {
		t.Fatal(err)
	}
	freshProject(t, "devarch-ic1")
	file := filepath.Join(proj, "compose.yaml")

	r := mustRun(t, env, "devarch", "import-compose", file, "--stack", "ic1", "--dry-run")
	for _, want := range []string{"Would import stack ic1: 2 instances.", "replaced", "services.web.container_name",
		"services.web.ports[0]", "Nothing was written"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, r.stdout)
		}
	}
	if r := mustRun(t, env, "devarch", "stack", "list", "--json"); strings.Contains(r.stdout, "ic1") {
		t.Fatalf("a dry run created the stack:\n%s", r.stdout)
	}

	r = mustRun(t, env, "devarch", "import-compose", file, "--stack", "ic1", "--json")
	var got struct {
		Stack      string   `json:"stack"`
		Instances  []string `json:"instances"`
		SecretsSet []string `json:"secretsSet"`
		Report     []struct {
			Path, Change, Detail string
		} `json:"report"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("--json: %v\n%s", err, r.stdout)
	}
	if got.Stack != "ic1" || strings.Join(got.Instances, ",") != "db,web" || strings.Join(got.SecretsSet, ",") != "db_db_password,web_api_token" {
		t.Errorf("import result: %+v", got)
	}
	if len(got.Report) == 0 {
		t.Error("no fidelity report")
	}
	// Importing again under the same name is refused and changes nothing.
	r = run(t, env, "devarch", "import-compose", file, "--stack", "ic1")
	if r.code != 1 || !strings.Contains(r.stderr, `a stack named "ic1" already exists`) {
		t.Errorf("second import: exit %d\n%s", r.code, r.stderr)
	}

	// No credential in a template, and the secrets hold the values.
	for _, tpl := range []string{"ic1-web", "ic1-db"} {
		r := mustRun(t, env, "devarch", "template", "show", tpl)
		if strings.Contains(r.stdout, "tok-1234567890") || strings.Contains(r.stdout, "pw-from-dotenv-123") {
			t.Errorf("template %s holds a credential:\n%s", tpl, r.stdout)
		}
	}
	if r := mustRun(t, env, "devarch", "secret", "reveal", "ic1", "web_api_token"); strings.TrimSpace(r.stdout) != "tok-1234567890" {
		t.Errorf("secret web_api_token = %q", r.stdout)
	}

	mustRun(t, env, "devarch", "apply", "ic1", "--yes")
	var body string
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/", port))
		if err == nil {
			b := make([]byte, 200)
			n, _ := resp.Body.Read(b)
			resp.Body.Close()
			body = string(b[:n])
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if body != "served from the project folder\n" {
		t.Fatalf("GET on the published port: %q", body)
	}
	if b, _ := os.ReadFile(filepath.Join(proj, "out", "greeting")); string(b) != "hello from compose\n" {
		t.Errorf("the container wrote greeting %q into the project folder", b)
	}
	if b, _ := os.ReadFile(filepath.Join(proj, "out", "tokenlen")); strings.TrimSpace(string(b)) != "14" {
		t.Errorf("the container saw a token of length %q, want 14", b)
	}
	r = mustRun(t, env, "devarch", "status", "ic1")
	if !strings.Contains(r.stdout, "devarch-ic1-web") || strings.Contains(r.stdout, "legacy-web") {
		t.Errorf("status:\n%s", r.stdout)
	}
}

// importComposeOrderProject has what the first import-compose test lacks: depends_on with
// conditions, required and restart; a service name that is not a DNS label, which another
// service reaches by that name; and compose secrets from a file (short and long syntax)
// and from an environment variable (set in .env). (service_completed_successfully is
// compared with compose in backend/composeimport's corpus; apply runs such one-shot jobs,
// see backend/engine's TestApply_OneShotJob_RealEngine.)
const importComposeOrderProject = `services:
  app:
    image: %[1]s
    command: [sleep, "3600"]
    depends_on:
      Legacy_DB: {condition: service_healthy, restart: true}
      cache: {condition: service_started, required: false}
    secrets:
      - api_key
      - {source: db_token, target: /etc/app/token, uid: "1000", gid: "1000", mode: 0440}
      - {source: signing_key, target: signing}
  Legacy_DB:
    image: %[1]s
    command: [sleep, "3600"]
    healthcheck: {test: [CMD, "true"], interval: 1s, retries: 30}
  cache:
    image: %[1]s
    command: [sleep, "3600"]
secrets:
  api_key: {file: ./api_key.txt}
  db_token: {file: ./secrets/db_token}
  signing_key: {environment: SIGNING_KEY}
`

// TestImportCompose_CLIStartOrderAliasesSecrets: the imported stack applies on Docker with
// the original's start order (app is created once Legacy_DB is healthy), the renamed service answers to its old name on the stack network, and each
// compose secret is a file in the container with its value, owner and mode, while
// neither the database's templates nor the generated compose file on disk hold a value.
func TestImportCompose_CLIStartOrderAliasesSecrets(t *testing.T) {
	eng := runtimetest.RequireCompose(t)
	image := runtimetest.BusyboxImage(t)
	home := tempHome(t)
	env := map[string]string{"DEVARCH_HOME": home, "DEVARCH_DATABASE_URL": databaseURL(t), "DEVARCH_MASTER_KEY_FILE": home + "/master.key"}
	proj := tempHome(t)
	values := map[string]string{"api_key": "k3y-from-a-file\n", "db_token": "tok-0123456789", "signing_key": "sign-from-dotenv-42"}
	for name, content := range map[string]string{
		"compose.yaml":     fmt.Sprintf(importComposeOrderProject, image),
		".env":             "SIGNING_KEY=" + values["signing_key"] + "\n",
		"api_key.txt":      values["api_key"],
		"secrets/db_token": values["db_token"],
	} {
		p := filepath.Join(proj, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	freshProject(t, "devarch-ic2")
	r := mustRun(t, env, "devarch", "import-compose", filepath.Join(proj, "compose.yaml"), "--stack", "ic2", "--json")
	var got struct {
		SecretsSet []string `json:"secretsSet"`
		Report     []struct{ Path, Change, Detail string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("--json: %v\n%s", err, r.stdout)
	}
	if strings.Join(got.SecretsSet, ",") != "api_key,db_token,signing_key" {
		t.Errorf("secrets set: %v", got.SecretsSet)
	}
	report := map[string]string{}
	for _, f := range got.Report {
		report[f.Path] = f.Change + ": " + f.Detail
	}
	for path, want := range map[string]string{
		"services.Legacy_DB":  "Legacy_DB stays its network alias",
		"secrets.api_key":     "stored encrypted as the stack secret api_key",
		"secrets.signing_key": "$SIGNING_KEY at import is stored encrypted",
	} {
		if !strings.Contains(report[path], want) {
			t.Errorf("report for %s: %q, want it to say %q", path, report[path], want)
		}
	}
	for path := range report {
		if strings.Contains(path, "depends_on") {
			t.Errorf("depends_on is carried, yet the report names %s: %s", path, report[path])
		}
	}
	for _, tpl := range []string{"ic2-app", "ic2-legacy-db"} {
		r := mustRun(t, env, "devarch", "template", "show", tpl)
		for name, v := range values {
			if strings.Contains(r.stdout, strings.TrimSpace(v)) {
				t.Errorf("template %s holds secret %s:\n%s", tpl, name, r.stdout)
			}
		}
	}

	ar := mustRun(t, env, "devarch", "apply", "ic2", "--yes")
	applied := ar.stdout + ar.stderr
	healthy, created := strings.Index(applied, "legacy-db        Healthy"), strings.Index(applied, "app              Creating")
	if healthy < 0 || created < 0 || created < healthy {
		t.Errorf("app should be created after legacy-db is healthy:\n%s", applied)
	}

	// The generated file declares the secrets by variable, with the original's start order.
	var file []byte
	_ = filepath.WalkDir(filepath.Join(home, "stacks"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.Contains(p, "ic2") && strings.HasSuffix(p, ".yaml") {
			b, _ := os.ReadFile(p)
			file = append(file, b...)
		}
		return nil
	})
	if len(file) == 0 {
		t.Fatalf("no generated compose file for ic2 under %s", filepath.Join(home, "stacks"))
	}
	for name, v := range values {
		if strings.Contains(string(file), strings.TrimSpace(v)) {
			t.Errorf("the generated file holds secret %s's value:\n%s", name, file)
		}
	}
	for _, want := range []string{"environment: DEVARCH_SECRET_API_KEY", "condition: service_started", "condition: service_healthy",
		"restart: true", "required: false", "- Legacy_DB"} {
		if !strings.Contains(string(file), want) {
			t.Errorf("the generated file lacks %q:\n%s", want, file)
		}
	}

	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	exec := func(args ...string) string {
		t.Helper()
		out, err := eng.Run(ctx, append([]string{"exec", "devarch-ic2-app"}, args...), runtime.RunOptions{})
		if err != nil {
			t.Errorf("docker exec %v: %v", args, err)
		}
		return string(out.Stdout)
	}
	for path, want := range map[string]string{"/run/secrets/api_key": values["api_key"], "/etc/app/token": values["db_token"], "/run/secrets/signing": values["signing_key"]} {
		if got := exec("cat", path); got != want {
			t.Errorf("cat %s in the container: %q, want %q", path, got, want)
		}
	}
	if got := strings.TrimSpace(exec("stat", "-c", "%u:%g %a", "/etc/app/token")); got != "1000:1000 440" {
		t.Errorf("/etc/app/token is %q, want 1000:1000 440", got)
	}
	// The old name resolves to the renamed instance's container on the stack network.
	if got := exec("ping", "-c1", "-W2", "Legacy_DB"); !strings.Contains(got, "1 packets received") {
		t.Errorf("ping Legacy_DB from app:\n%s", got)
	}
}
