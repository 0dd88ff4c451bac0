//go:build unix

package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const (
	cfgProviderTemplate = `name: cfg-db
category: database
description: provides cfgdb
service:
  image: devarch-test/busybox:1
  command: [sleep, "3600"]
provides:
  - contract: cfgdb
    values: {host: "${host}", port: "5432"}
`
	// The config file names the wired provider; $HOME is literal text for the file.
	cfgAppTemplate = `name: cfg-app
category: runtime
description: consumes cfgdb, carries a config file
service:
  image: devarch-test/busybox:1
  command: [sleep, "3600"]
  configs:
    /etc/app/app.conf: |
      upstream = ${env.DB_HOST}:${env.DB_PORT}
      literal = $HOME
consumes:
  - contract: cfgdb
    env: {DB_HOST: host, DB_PORT: port}
`
)

// A template's config file is rendered with the wired values and delivered through compose
// configs (inline content): after apply it is in the container with the provider's name; a
// per-instance override adds a file, shows in the effective config with its origin and in
// the plan, and reaches the container too.
func TestConfigFiles_RenderedWithWiresOnDocker(t *testing.T) {
	a := newApplyEnv(t)
	dir := tempHome(t)
	for name, doc := range map[string]string{"cfg-db": cfgProviderTemplate, "cfg-app": cfgAppTemplate} {
		p := filepath.Join(dir, name+".yaml")
		if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		mustRun(t, a.env, "devarch", "template", "import", p)
	}
	a.stack("crcfg", "db:cfg-db", "app:cfg-app")

	c := mustRun(t, a.env, "devarch", "compose", "crcfg").stdout
	if !strings.Contains(c, "configs:") || !strings.Contains(c, `upstream = db:5432\nliteral = $$HOME\n`) || !strings.Contains(c, "target: /etc/app/app.conf") {
		t.Fatalf("compose:\n%s", c)
	}
	cmd := exec.Command("docker", "compose", "-p", "devarch-crcfg", "-f", "-", "config", "-q")
	cmd.Stdin = strings.NewReader(c)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("docker compose config: %v\n%s", err, out)
	}
	mustRun(t, a.env, "devarch", "apply", "crcfg", "--yes")
	cat := func(path string) string {
		t.Helper()
		out, err := exec.Command("docker", "exec", "devarch-crcfg-app", "cat", path).CombinedOutput()
		if err != nil {
			t.Fatalf("cat %s: %v\n%s", path, err, out)
		}
		return string(out)
	}
	if got := cat("/etc/app/app.conf"); got != "upstream = db:5432\nliteral = $HOME\n" {
		t.Fatalf("app.conf in the container = %q", got)
	}

	// Overridable per instance like any other field, with its origin, and part of the plan.
	mustRun(t, a.env, "devarch", "instance", "set", "crcfg", "app", "configs./etc/app/extra.conf=port ${env.DB_PORT}")
	show := mustRun(t, a.env, "devarch", "instance", "show", "crcfg", "app", "--effective").stdout
	if !regexp.MustCompile(`configs\./etc/app/extra\.conf +port \$\{env\.DB_PORT\} +override\n`).MatchString(show) ||
		!regexp.MustCompile(`configs\./etc/app/app\.conf +"upstream = \$\{env\.DB_HOST\}:\$\{env\.DB_PORT\}\\nliteral = \$HOME\\n" +template\n`).MatchString(show) {
		t.Fatalf("effective config:\n%s", show)
	}
	plan, code := a.plan("crcfg")
	if code != 2 || !strings.Contains(plan, "app") {
		t.Fatalf("plan after a config override (exit %d):\n%s", code, plan)
	}
	mustRun(t, a.env, "devarch", "apply", "crcfg", "--yes")
	if got := cat("/etc/app/extra.conf"); got != "port 5432" {
		t.Fatalf("extra.conf = %q", got)
	}
	t.Logf("effective config:\n%s\nplan:\n%s", show, plan)
}
