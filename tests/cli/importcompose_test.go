//go:build unix

package cli_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
		"services.web.depends_on", "services.web.ports[0]", "Nothing was written"} {
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
