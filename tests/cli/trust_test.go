//go:build unix

package cli_test

import (
	"bufio"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// slowTemplate becomes healthy a few seconds after it starts: long enough for a test to act
// while compose waits for it.
const slowTemplate = `name: t-slow
category: runtime
description: healthy after a few seconds
service:
  image: devarch-test/busybox:1
  command: [sh, -c, "sleep 5; touch /tmp/ready; exec sleep 3600"]
  init: true
  stop_grace_period: 1s
  healthcheck:
    test: [CMD, test, -f, /tmp/ready]
    interval: 1s
    retries: 60
`

// startApplyUntil runs `devarch apply STACK --yes` in the background and returns once a
// progress line satisfies ready.
func startApplyUntil(t *testing.T, env map[string]string, stack string, ready func(line string) bool) (*exec.Cmd, *lockedBuffer) {
	t.Helper()
	cmd := exec.Command(devarch(t), "apply", stack, "--yes")
	cmd.Env = environ(env)
	var out lockedBuffer
	cmd.Stdout = &out
	pr, pw, _ := os.Pipe()
	cmd.Stderr = pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	started := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(pr)
		once := sync.Once{}
		for sc.Scan() {
			out.Write([]byte(sc.Text() + "\n"))
			if ready(sc.Text()) {
				once.Do(func() { close(started) })
			}
		}
	}()
	select {
	case <-started:
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("apply did not reach the expected step:\n%s", out.String())
	}
	return cmd, &out
}

func importTemplate(t *testing.T, env map[string]string, doc string) {
	t.Helper()
	p := filepath.Join(tempHome(t), "t.yaml")
	_ = os.WriteFile(p, []byte(doc), 0o644)
	mustRun(t, env, "devarch", "template", "import", p)
}

// containerEnv is a variable of a container's configured environment.
func containerEnv(t *testing.T, container, name string) string {
	t.Helper()
	out, err := exec.Command("docker", "inspect", "-f", "{{range .Config.Env}}{{println .}}{{end}}", container).Output()
	if err != nil {
		return "<" + err.Error() + ">"
	}
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, name+"="); ok {
			return v
		}
	}
	return "<unset>"
}

// Apply runs exactly the planned revision. An instance edited and previewed (which writes
// the stack's compose file) while an apply waits for another instance changes nothing in
// that apply: before, the apply's later compose steps re-read the rewritten file and created
// containers from a revision nobody planned. The next plan then shows the edit.
func TestApply_RunsThePlannedDocument(t *testing.T) {
	a := newApplyEnv(t)
	importTemplate(t, a.env, slowTemplate)
	a.stack("tr1", "slow:t-slow")
	mustRun(t, a.env, "devarch", "apply", "tr1", "--yes")
	// Next apply: slow is replaced (waits ~5 s for its health), app is created after it.
	mustRun(t, a.env, "devarch", "instance", "set", "tr1", "slow", "environment.ROUND=2")
	mustRun(t, a.env, "devarch", "instance", "add", "tr1", "app", "--template", "t-idle", "--set", "environment.MARK=planned")
	cmd, out := startApplyUntil(t, a.env, "tr1", func(line string) bool {
		return strings.Contains(line, "slow") && (strings.Contains(line, "Started") || strings.Contains(line, "Waiting"))
	})
	mustRun(t, a.env, "devarch", "instance", "set", "tr1", "app", "environment.MARK=edited-during-apply")
	r := mustRun(t, a.env, "devarch", "compose", "tr1")
	if !strings.Contains(r.stdout, "edited-during-apply") {
		t.Fatalf("the preview shows the edit: %s", r.stdout)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("apply: %v\n%s", err, out.String())
	}
	if got := containerEnv(t, "devarch-tr1-app", "MARK"); got != "planned" {
		t.Fatalf("app runs MARK=%q, want the planned value", got)
	}
	p, code := a.plan("tr1")
	if code != 2 || !strings.Contains(p, "-/+ replace app") || !strings.Contains(p, `"planned" -> "edited-during-apply"`) {
		t.Fatalf("the next plan shows the edit:\n%s", p)
	}
}

// Rename, delete and delete --force take the stack's lock like apply: during an apply they
// fail at once naming the holder, and change nothing.
func TestStackLock_RenameDeleteDuringApply(t *testing.T) {
	a := newApplyEnv(t)
	a.stack("tr2", "sick:t-sick")
	first, _ := startApply(t, a, "tr2")
	defer func() { _ = first.Process.Kill(); _ = first.Wait() }()
	for _, argv := range [][]string{
		{"stack", "rename", "tr2", "tr2b"},
		{"stack", "delete", "tr2"},
		{"stack", "delete", "tr2", "--force"},
	} {
		start := time.Now()
		r := run(t, a.env, append([]string{"devarch"}, argv...)...)
		if r.code != 1 || !strings.Contains(r.stderr, `stack "tr2" is locked: apply of plan`) || !strings.Contains(r.stderr, "(cli, pid") {
			t.Fatalf("%v during an apply: %+v", argv, r)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Fatalf("%v waited %s instead of failing at once", argv, d)
		}
	}
	if r := mustRun(t, a.env, "devarch", "stack", "show", "tr2", "--json"); !strings.Contains(r.stdout, `"name": "tr2"`) {
		t.Fatalf("the stack must be untouched: %s", r.stdout)
	}
	if s := containerState(t, "devarch-tr2-sick"); s != "running" {
		t.Fatalf("the apply's container is %s", s)
	}
}

// Secret values never leave through compose's output. Compose prints interpolated values
// in its errors (an invalid extra host, a bad duration or size, an image it cannot pull):
// DevArch redacts every value before anything is stored, streamed or printed, and the plan
// warns about secrets outside environment variables.
func TestSecrets_NeverInComposeOutput(t *testing.T) {
	a := newApplyEnv(t)
	a.env["DEVARCH_MASTER_KEY_FILE"] = filepath.Join(tempHome(t), "master.key")
	a.stack("tr3", "app:t-idle")
	values := map[string]string{
		"host":  "Hunter2-host-value",
		"img":   "hunter2-image-value",
		"grace": "Hunter2-grace-value",
		"shm":   "Hunter2-shm-value",
		"env":   "Hunter2-env-value",
	}
	for name, v := range values {
		mustRunIn(t, a.env, v, "secret", "set", "tr3", name)
	}
	var outputs strings.Builder
	record := func(r result) result {
		outputs.WriteString(r.stdout + r.stderr)
		return r
	}
	// One field at a time: each fails inside compose (or the engine) with the value in its
	// message.
	for _, c := range []struct {
		set    string
		echoes bool // compose prints (part of) the value in its error
	}{
		{`extra_hosts=["${secret:host}"]`, true},
		{`image=${secret:img}`, false}, // an image pull error names the image only when a registry answers
		{`stop_grace_period=${secret:grace}`, true},
		{`shm_size=${secret:shm}`, true},
	} {
		set := c.set
		mustRun(t, a.env, "devarch", "instance", "set", "tr3", "app", "environment.TOKEN=${secret:env}", set)
		r := record(run(t, a.env, "devarch", "plan", "tr3"))
		field := strings.SplitN(set, "=", 2)[0]
		if !strings.Contains(r.stdout, " is used outside an environment variable\n  on instance app, field "+field+"\n") {
			t.Errorf("%s: the plan must warn: %s", set, r.stdout)
		}
		if strings.Contains(r.stdout, "field environment.TOKEN") {
			t.Errorf("a secret in an environment variable is not worth a warning: %s", r.stdout)
		}
		r = record(run(t, a.env, "devarch", "apply", "tr3", "--yes"))
		if r.code == 0 {
			t.Fatalf("%s: the apply was expected to fail inside compose: %+v", set, r)
		}
		if c.echoes && !strings.Contains(r.stdout+r.stderr, "(sensitive)") {
			t.Errorf("%s: compose's message should be shown with the value redacted: %s", set, r.stderr)
		}
		mustRun(t, a.env, "devarch", "instance", "set", "tr3", "app", "--unset", field)
	}
	record(mustRun(t, a.env, "devarch", "history", "tr3", "--json"))
	record(mustRun(t, a.env, "devarch", "history", "tr3"))
	// Whole values, and the pieces compose prints ("parsing \"Hunter2\"").
	leaks := func(text string) []string {
		var out []string
		for name, v := range values {
			if strings.Contains(text, v) || strings.Contains(strings.ToLower(text), "hunter2") {
				out = append(out, name)
			}
		}
		return out
	}
	if l := leaks(outputs.String()); len(l) > 0 {
		t.Errorf("secrets %v leak into the CLI's output or history:\n%s", l, outputs.String())
	}
	if !strings.Contains(outputs.String(), "(sensitive)") {
		t.Error("history should keep compose's redacted messages")
	}
	_ = filepath.WalkDir(a.env["DEVARCH_HOME"], func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		b, _ := os.ReadFile(path)
		if l := leaks(string(b)); len(l) > 0 {
			t.Errorf("%s contains secrets %v", path, l)
		}
		return nil
	})
	dump, err := exec.Command(pgDump(t), "--dbname="+a.env["DEVARCH_DATABASE_URL"], "--no-owner").Output()
	if err != nil || !strings.Contains(string(dump), "COPY public.applies") {
		t.Fatalf("pg_dump: %v", err)
	}
	if l := leaks(string(dump)); len(l) > 0 {
		t.Errorf("the database dump contains secrets %v", l)
	}
}
