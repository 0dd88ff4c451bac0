//go:build unix

package cli_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// export then import under a new name, on the embedded PostgreSQL the binary starts
// itself; the imported stack plans. --dry-run writes nothing; a name clash names the fix.
func TestExportImport_CLI(t *testing.T) {
	home := tempHome(t)
	env := map[string]string{"DEVARCH_HOME": home, "DEVARCH_DATABASE_URL": storeURL(t), "DEVARCH_MASTER_KEY_FILE": home + "/master.key"}
	for _, argv := range [][]string{
		{"stack", "create", "tx-src", "--description", "exported by the CLI test"},
		{"instance", "add", "tx-src", "db", "--template", "postgres"},
		{"instance", "add", "tx-src", "db2", "--template", "postgres"},
		{"instance", "add", "tx-src", "app", "--template", "node", "--set", "environment.API_TOKEN=${secret:api_token}"},
		{"wire", "set", "tx-src", "app", "postgres", "db2"},
	} {
		mustRun(t, env, append([]string{"devarch"}, argv...)...)
	}

	file := filepath.Join(home, "devarch.yml")
	r := mustRun(t, env, "devarch", "export", "tx-src", "-o", file)
	if r.stdout != "" || !strings.Contains(r.stderr, "Exported stack tx-src to "+file) {
		t.Errorf("export -o: stdout %q, stderr %q", r.stdout, r.stderr)
	}
	st, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", st.Mode().Perm())
	}
	doc, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if r := mustRun(t, env, "devarch", "export", "tx-src"); r.stdout != string(doc) {
		t.Errorf("export to stdout differs from -o:\n%s", r.stdout)
	}
	for _, want := range []string{"apiVersion: devarch/v1", "kind: Stack", "name: tx-src", "secrets:\n  - api_token\n",
		"{consumer: app, contract: postgres, provider: db2}", "POSTGRES_PASSWORD: ${secret:db_password}"} {
		if !strings.Contains(string(doc), want) {
			t.Errorf("the export lacks %q:\n%s", want, doc)
		}
	}
	matches, _ := filepath.Glob(filepath.Join(home, ".devarch.yml.*"))
	if len(matches) != 0 {
		t.Errorf("temporary files left: %v", matches)
	}

	// --dry-run: reported, nothing written.
	r = mustRun(t, env, "devarch", "import", file, "--name", "tx-dst", "--dry-run")
	if !strings.Contains(r.stdout, "Would import stack tx-dst: 3 instances, 1 wire.") || !strings.Contains(r.stdout, "Nothing was written") {
		t.Errorf("dry run output:\n%s", r.stdout)
	}
	if r := mustRun(t, env, "devarch", "stack", "list", "--json"); strings.Contains(r.stdout, "tx-dst") {
		t.Fatalf("a dry run created the stack:\n%s", r.stdout)
	}

	// A name clash names the fix, and changes nothing.
	r = run(t, env, "devarch", "import", file)
	if r.code != 1 || !strings.Contains(r.stderr, `a stack named "tx-src" already exists`) || !strings.Contains(r.stderr, "--name NEW") {
		t.Errorf("name clash: exit %d\n%s", r.code, r.stderr)
	}

	// Import from stdin under a new name, --json.
	r = mustRunIn(t, env, string(doc), "import", "-", "--name", "tx-dst", "--json")
	var got struct {
		Stack            string   `json:"stack"`
		DryRun           bool     `json:"dryRun"`
		Root             string   `json:"root"`
		Instances        []string `json:"instances"`
		WireCount        int      `json:"wireCount"`
		TemplatesCreated []string `json:"templatesCreated"`
		TemplatesReused  []string `json:"templatesReused"`
		SecretsGenerated []string `json:"secretsGenerated"`
		MissingSecrets   []string `json:"missingSecrets"`
		Warnings         []string `json:"warnings"`
		SecretsSet       []string `json:"secretsSet"`
		Unchecked        bool     `json:"secretValuesUnchecked"`
	}
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil || got.SecretsSet == nil || got.Unchecked {
		t.Fatalf("import --json: %v\n%s", err, r.stdout)
	}
	if got.Stack != "tx-dst" || got.DryRun || got.Root != filepath.Join(home, "stacks", "tx-dst") || !reflect.DeepEqual(got.Instances, []string{"app", "db", "db2"}) || got.WireCount != 1 ||
		!reflect.DeepEqual(got.SecretsGenerated, []string{"db2_password", "db_password"}) || !reflect.DeepEqual(got.MissingSecrets, []string{"api_token"}) {
		t.Errorf("import --json: %+v", got)
	}

	// The copy exports as the same document under its name.
	r = mustRun(t, env, "devarch", "export", "tx-dst")
	if want := strings.Replace(string(doc), "name: tx-src", "name: tx-dst", 1); r.stdout != want {
		t.Errorf("the copy exports differently:\n%s", r.stdout)
	}

	// Its plan refuses while api_token has no value, and plans once it has one.
	r = run(t, env, "devarch", "plan", "tx-dst")
	if r.code != 1 || !strings.Contains(r.stdout+r.stderr, "secret api_token does not exist") {
		t.Errorf("plan with a missing secret: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	mustRunIn(t, env, "token-value", "secret", "set", "tx-dst", "api_token")
	r = mustRun(t, env, "devarch", "plan", "tx-dst")
	if !strings.Contains(r.stdout, "Plan: 4 to add, 0 to change, 0 to destroy.") {
		t.Errorf("plan of the imported stack:\n%s", r.stdout)
	}
	if bytes.Contains([]byte(r.stdout), []byte("token-value")) {
		t.Error("the plan shows a secret value")
	}
}

// Paths travel: a devarch.yml at a project's root imports with that folder as the new
// stack's root, so its relative bind mounts point into the project; --root chooses another;
// an export written away from the root warns.
func TestImport_CLIProjectRoot(t *testing.T) {
	home := tempHome(t)
	env := map[string]string{"DEVARCH_HOME": home, "DEVARCH_DATABASE_URL": storeURL(t), "DEVARCH_MASTER_KEY_FILE": home + "/master.key"}
	repo, worktree := filepath.Join(home, "repo"), filepath.Join(home, "worktree")
	for _, d := range []string{repo, worktree} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	mustRun(t, env, "devarch", "stack", "create", "tx-team", "--root", repo)
	mustRun(t, env, "devarch", "instance", "add", "tx-team", "web", "--template", "nginx") // ./public
	file := filepath.Join(repo, "devarch.yml")
	if r := mustRun(t, env, "devarch", "export", "tx-team", "-o", file); strings.Contains(r.stderr, "warning") {
		t.Errorf("export at the root warns:\n%s", r.stderr)
	}
	r := mustRun(t, env, "devarch", "export", "tx-team", "-o", filepath.Join(home, "elsewhere.yml"))
	if !strings.Contains(r.stderr, "warning: relative paths (web.volumes[0]) resolve under tx-team's project root, "+repo) {
		t.Errorf("export away from the root:\n%s", r.stderr)
	}

	// A teammate's clone of the repository: the file's folder is the root.
	clone := filepath.Join(home, "teammate")
	if err := os.MkdirAll(clone, 0o755); err != nil {
		t.Fatal(err)
	}
	doc, _ := os.ReadFile(file)
	if err := os.WriteFile(filepath.Join(clone, "devarch.yml"), doc, 0o644); err != nil {
		t.Fatal(err)
	}
	r = mustRun(t, env, "devarch", "import", filepath.Join(clone, "devarch.yml"), "--name", "tx-mate")
	if !strings.Contains(r.stdout, "project root: "+clone+" ") {
		t.Errorf("import output:\n%s", r.stdout)
	}
	if r := mustRun(t, env, "devarch", "compose", "tx-mate"); !strings.Contains(r.stdout, clone+"/public:/usr/share/nginx/html") {
		t.Errorf("the bind mount is not under the file's folder:\n%s", r.stdout)
	}
	// --root: another checkout of the same project.
	mustRun(t, env, "devarch", "import", file, "--name", "tx-wt", "--root", worktree)
	if r := mustRun(t, env, "devarch", "compose", "tx-wt"); !strings.Contains(r.stdout, worktree+"/public:/usr/share/nginx/html") {
		t.Errorf("--root is not used:\n%s", r.stdout)
	}
	// A root that is not a directory: refused, nothing created.
	r = run(t, env, "devarch", "import", file, "--name", "tx-none", "--root", filepath.Join(home, "missing"))
	if r.code == 0 || !strings.Contains(r.stderr, "is not a directory") {
		t.Errorf("missing root: exit %d\n%s", r.code, r.stderr)
	}
	if r := mustRun(t, env, "devarch", "stack", "list"); strings.Contains(r.stdout, "tx-none") {
		t.Errorf("a refused import created the stack:\n%s", r.stdout)
	}
}

// import --update: a changed file is shown as a diff (--dry-run writes nothing), written in
// one transaction, and a second run finds nothing to change; --json carries the changes;
// --update with --name is a usage error; a bad file changes nothing.
func TestImport_CLIUpdate(t *testing.T) {
	home := tempHome(t)
	env := map[string]string{"DEVARCH_HOME": home, "DEVARCH_DATABASE_URL": storeURL(t), "DEVARCH_MASTER_KEY_FILE": home + "/master.key"}
	mustRun(t, env, "devarch", "stack", "create", "tx-up")
	mustRun(t, env, "devarch", "instance", "add", "tx-up", "web", "--template", "nginx")
	mustRun(t, env, "devarch", "instance", "add", "tx-up", "old", "--template", "redis")
	file := filepath.Join(home, "devarch.yml")
	mustRun(t, env, "devarch", "export", "tx-up", "-o", file)
	doc, _ := os.ReadFile(file)
	changed := strings.Replace(string(doc), "  old:\n    template: redis\n    version: 1\n", "", 1)
	changed = strings.Replace(changed, "  web:\n    template: nginx\n    version: 2\n", "  db:\n    template: postgres\n    version: 2\n    overrides:\n      environment:\n        POSTGRES_PASSWORD: ${secret:db_password}\n  web:\n    template: nginx\n    version: 2\n    overrides:\n      environment:\n        APP_ENV: dev\n", 1)
	if changed == string(doc) || strings.Contains(changed, "old:") {
		t.Fatalf("the test's edit did not apply:\n%s", doc)
	}
	if err := os.WriteFile(file, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}

	r := mustRun(t, env, "devarch", "import", file, "--update", "tx-up", "--dry-run")
	want := "Would update stack tx-up:\n" +
		"  + instance db (template postgres)\n" +
		"  - instance old (template redis)\n" +
		"  ~ instance web\n" +
		"      overrides.environment.APP_ENV: (not set) -> \"dev\"\n" +
		"  generated secrets: db_password\n\n" +
		"3 changes; nothing was written (--dry-run).\n"
	if r.stdout != want {
		t.Errorf("dry run:\n%s\nwant\n%s", r.stdout, want)
	}
	if r := mustRun(t, env, "devarch", "export", "tx-up"); r.stdout != string(doc) {
		t.Fatalf("a dry run changed the stack:\n%s", r.stdout)
	}
	r = mustRun(t, env, "devarch", "import", file, "--update", "tx-up", "--json")
	var got struct {
		Stack    string `json:"stack"`
		DryRun   bool   `json:"dryRun"`
		Revision int64  `json:"revision"`
		Changes  []struct {
			Action  string   `json:"action"`
			Subject string   `json:"subject"`
			Details []string `json:"details"`
		} `json:"changes"`
		TemplatesCreated []string `json:"templatesCreated"`
		SecretsGenerated []string `json:"secretsGenerated"`
		MissingSecrets   []string `json:"missingSecrets"`
		Warnings         []string `json:"warnings"`
		SecretsSet       []string `json:"secretsSet"`
		Unchecked        bool     `json:"secretValuesUnchecked"`
	}
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil || got.SecretsSet == nil || got.DryRun || len(got.Changes) != 3 || got.Changes[2].Subject != "instance web" || !reflect.DeepEqual(got.SecretsGenerated, []string{"db_password"}) {
		t.Fatalf("update --json: %v %+v\n%s", err, got, r.stdout)
	}
	if r := mustRun(t, env, "devarch", "export", "tx-up"); r.stdout != changed {
		t.Errorf("the updated stack does not export as the file:\n%s", r.stdout)
	}
	if r := mustRun(t, env, "devarch", "import", file, "--update", "tx-up"); !strings.Contains(r.stdout, "already matches the file: nothing to change") {
		t.Errorf("second update:\n%s", r.stdout)
	}
	if r := run(t, env, "devarch", "import", file, "--update", "tx-up", "--name", "x"); r.code != 2 || !strings.Contains(r.stderr, "leave out --name and --root") {
		t.Errorf("--update with --name: exit %d\n%s", r.code, r.stderr)
	}
	bad := strings.Replace(changed, "        APP_ENV: dev\n", "        APP_ENV: dev\n      ports: [\"not a port\"]\n", 1)
	if err := os.WriteFile(file, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := run(t, env, "devarch", "import", file, "--update", "tx-up"); r.code != 1 || !strings.Contains(r.stderr, "instances.web.overrides.ports") || !strings.Contains(r.stderr, "Nothing was updated") {
		t.Errorf("bad file: exit %d\n%s", r.code, r.stderr)
	}
	if r := mustRun(t, env, "devarch", "export", "tx-up"); r.stdout != changed {
		t.Errorf("a refused update changed the stack:\n%s", r.stdout)
	}
}

// Bad files are refused with the field and line, and nothing is created.
func TestImport_CLIBadFile(t *testing.T) {
	env := map[string]string{"DEVARCH_DATABASE_URL": databaseURL(t), "DEVARCH_HOME": tempHome(t)}
	dir := tempHome(t)
	bad := filepath.Join(dir, "bad.yml")
	if err := os.WriteFile(bad, []byte("apiVersion: devarch/v1\nkind: Stack\nname: tx-bad\ninstances:\n  app:\n    template: node\n    version: 2\n    overrides: {ports: [8080]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.yml")
	if err := os.WriteFile(big, bytes.Repeat([]byte("#"), 5<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		argv []string
		want string
	}{
		{[]string{"devarch", "import", bad}, "instances.app.overrides.ports[0]"},
		{[]string{"devarch", "import", bad, "--dry-run"}, "line 8, column 25"},
		{[]string{"devarch", "import", big}, "the file is 5.0 MiB; the limit is 1 MiB"},
		{[]string{"devarch", "import", "/dev/zero"}, "larger than the limit of 1 MiB"},
	} {
		r := run(t, env, c.argv...)
		if r.code != 1 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d, want 1 with %q:\n%s", c.argv[1:], r.code, c.want, r.stderr)
		}
	}
	if r := mustRun(t, env, "devarch", "stack", "list", "--json"); strings.Contains(r.stdout, "tx-bad") {
		t.Fatal("a refused import created the stack")
	}
}
