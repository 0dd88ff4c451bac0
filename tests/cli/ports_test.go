//go:build unix

package cli_test

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// jDiagnostic pins the shape of one plan diagnostic in plan --json.
type jDiagnostic struct {
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
	Subject  struct {
		Instance string `json:"instance"`
		Path     string `json:"path"`
	} `json:"subject"`
	// Fix is the typed fix, when there is one: kind set-secret (secret), edit-field or
	// use-secret (secret), command the CLI equivalent.
	Fix *struct {
		Kind    string `json:"kind"`
		Secret  string `json:"secret"`
		Command string `json:"command"`
	} `json:"fix"`
}

// planJSON runs plan --json, which prints its document even when the plan has errors (exit
// 1), and decodes it strictly.
func planJSONDoc(t *testing.T, env map[string]string, stack string) (jPlanFile, int) {
	t.Helper()
	r := run(t, env, "devarch", "plan", stack, "--json")
	var p jPlanFile
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("plan %s --json (exit %d): %v\n%s\n%s", stack, r.code, err, r.stdout, r.stderr)
	}
	return p, r.code
}

func networkExists(name string) bool {
	return exec.Command("docker", "network", "inspect", name).Run() == nil
}

// Host ports are plan diagnostics: another stack's running container holding the port is an
// error naming that stack and instance, and apply is refused before anything is created; the
// same port merely defined by a stopped stack is a warning; a process outside DevArch
// listening on the address is an error naming the address.
func TestPlan_PortClashesAreDiagnostics(t *testing.T) {
	a := newApplyEnv(t)
	sfx := strconv.Itoa(os.Getpid() % 100000)
	pa, pb := "dgpa"+sfx, "dgpb"+sfx
	port := freePort(t)
	for _, st := range []string{pa, pb} {
		a.stack(st)
		mustRun(t, a.env, "devarch", "instance", "add", st, "web", "--template", "t-http", "--set", fmt.Sprintf(`ports=["%d:8080"]`, port))
	}
	warning := fmt.Sprintf("Warning: host port %d/tcp is also published by stack %s\n  on instance web, field ports\n", port, pa)

	// pa is defined, not running: pb's plan warns and can be applied (not applied here).
	r := run(t, a.env, "devarch", "plan", pb)
	if r.code != 0 || !strings.Contains(r.stdout, warning) || strings.Contains(r.stdout, "Error:") {
		t.Fatalf("a port another stack only defines is a warning (exit %d):\n%s%s", r.code, r.stdout, r.stderr)
	}
	// A plan made now, applied after pa starts: apply plans again under the lock and refuses.
	early, code := planJSONDoc(t, a.env, pb)
	if code != 0 {
		t.Fatalf("plan --json exit %d", code)
	}

	mustRun(t, a.env, "devarch", "apply", pa, "--yes")
	held := fmt.Sprintf("Error: host port %d/tcp is in use by stack %s\n  on instance web, field ports\n  Stack %s's running container devarch-%s-web (instance web) holds 127.0.0.1:%d/tcp",
		port, pa, pa, pa, port)
	r = run(t, a.env, "devarch", "plan", pb)
	if r.code != 1 || !strings.Contains(r.stdout, held) || !strings.Contains(r.stdout, "Plan cannot be applied") {
		t.Fatalf("a port another stack's running container holds is a plan error naming it (exit %d):\n%s%s", r.code, r.stdout, r.stderr)
	}

	// The JSON shape: one error about web's ports, none else.
	p, code := planJSONDoc(t, a.env, pb)
	if code != 1 || len(p.Plan.Diagnostics) != 1 {
		t.Fatalf("plan --json (exit %d): %+v", code, p.Plan.Diagnostics)
	}
	d := p.Plan.Diagnostics[0]
	if d.Severity != "error" || d.Subject.Instance != "web" || d.Subject.Path != "ports" ||
		d.Summary != fmt.Sprintf("host port %d/tcp is in use by stack %s", port, pa) || !strings.Contains(d.Detail, "devarch-"+pa+"-web") ||
		d.Fix == nil || d.Fix.Kind != "edit-field" {
		t.Errorf("diagnostic %+v", d)
	}

	// Apply is refused before touching anything, both with a fresh plan and with the plan
	// made before pa started.
	r = run(t, a.env, "devarch", "apply", pb, "--yes")
	if r.code != 1 || !strings.Contains(r.stderr, "the plan has errors") {
		t.Fatalf("apply with a port clash (exit %d):\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = run(t, a.env, "devarch", "apply", pb, "--plan-id", strconv.FormatInt(early.PlanID, 10), "--yes")
	if r.code != 1 || !strings.Contains(r.stderr, "the plan has errors now") || !strings.Contains(r.stderr, fmt.Sprintf("in use by stack %s", pa)) {
		t.Fatalf("apply of a plan made before the clash (exit %d):\n%s%s", r.code, r.stdout, r.stderr)
	}
	if s := containerState(t, "devarch-"+pb+"-web"); s != "missing" {
		t.Errorf("a refused apply created pb's container (%s)", s)
	}
	if networkExists("devarch-" + pb + "-net") {
		t.Error("a refused apply created pb's network")
	}

	// compose and stack show name the stack holding the port, not "another process".
	r = mustRun(t, a.env, "devarch", "compose", pb)
	if !strings.Contains(r.stderr, fmt.Sprintf("host port %d/tcp is in use by stack %s", port, pa)) || strings.Contains(r.stderr, "another process") ||
		strings.Contains(r.stderr, "outside DevArch") {
		t.Errorf("compose blames the wrong holder:\n%s", r.stderr)
	}
	r = mustRun(t, a.env, "devarch", "stack", "show", pb, "--json")
	if !strings.Contains(r.stdout, "in use by stack "+pa) {
		t.Errorf("stack show lists the holder: %s", r.stdout)
	}
	// pa's own plan is clean: its own running container holds the port.
	if r := run(t, a.env, "devarch", "plan", pa); r.code != 0 || strings.Contains(r.stdout, "Error:") {
		t.Errorf("a stack's own container is no clash (exit %d):\n%s", r.code, r.stdout)
	}

	// pa stopped: a warning again, and pb applies.
	mustRun(t, a.env, "devarch", "stop", pa)
	r = run(t, a.env, "devarch", "plan", pb)
	if r.code != 0 || !strings.Contains(r.stdout, warning) {
		t.Fatalf("a stopped stack's port is a warning (exit %d):\n%s%s", r.code, r.stdout, r.stderr)
	}
	mustRun(t, a.env, "devarch", "apply", pb, "--yes")
	if s := containerState(t, "devarch-"+pb+"-web"); s != "running" {
		t.Fatalf("pb's web is %s after apply", s)
	}

	// A process outside DevArch listens on the address pb's web is to publish now: the
	// replace is refused, and the running container is left as it was.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	busy := l.Addr().(*net.TCPAddr).Port
	mustRun(t, a.env, "devarch", "instance", "set", pb, "web", fmt.Sprintf(`ports=["%d:8080"]`, busy))
	r = run(t, a.env, "devarch", "plan", pb)
	want := fmt.Sprintf("Error: host address 127.0.0.1:%d/tcp is in use by a process outside DevArch\n  on instance web, field ports\n", busy)
	if r.code != 1 || !strings.Contains(r.stdout, want) || !strings.Contains(r.stdout, "replace web") {
		t.Fatalf("a port held outside DevArch is a plan error naming the address (exit %d):\n%s%s", r.code, r.stdout, r.stderr)
	}
	before := containerID(t, "devarch-"+pb+"-web")
	r = run(t, a.env, "devarch", "apply", pb, "--yes")
	if r.code != 1 || containerID(t, "devarch-"+pb+"-web") != before || containerState(t, "devarch-"+pb+"-web") != "running" {
		t.Fatalf("apply with a port held outside DevArch must change nothing (exit %d):\n%s", r.code, r.stderr)
	}
}

func containerID(t *testing.T, name string) string {
	out, err := exec.Command("docker", "inspect", "-f", "{{.Id}}", name).Output()
	if err != nil {
		t.Fatalf("inspect %s: %v", name, err)
	}
	return strings.TrimSpace(string(out))
}
