//go:build unix

package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// bindTemplate mounts a directory of the project, as the php, node and nginx templates do,
// and a named volume.
const bindTemplate = `name: t-bind
category: runtime
description: serves ./public, keeps data in a volume
service:
  image: devarch-test/busybox:1
  command: [sleep, "3600"]
  init: true
  stop_grace_period: 1s
  volumes: ["./public:/srv", "data:/data"]
`

func volumes(t *testing.T, filter string) []string {
	t.Helper()
	out, _ := exec.Command("docker", "volume", "ls", "-q", "--filter", filter).Output()
	return strings.Fields(string(out))
}

func removeVolumes(t *testing.T, names ...string) {
	t.Cleanup(func() {
		for _, n := range names {
			_ = exec.Command("docker", "volume", "rm", "-f", n).Run()
		}
	})
}

// Renaming a stack with containers would orphan them: it is refused, naming down; after
// down it works, the stack's folder (with the user's files) moves along, the volume keeps
// its data, and the next apply creates the containers under the new name. A rename to the
// same name changes nothing.
func TestStack_RenameKeepsEverything(t *testing.T) {
	a := newApplyEnv(t)
	importTemplate(t, a.env, bindTemplate)
	a.stack("lc1", "web:t-bind")
	freshProject(t, "devarch-lc1b")
	mustRun(t, a.env, "devarch", "apply", "lc1", "--yes")
	home := a.env["DEVARCH_HOME"]
	if err := os.WriteFile(filepath.Join(home, "stacks", "lc1", "public", "index.html"), []byte("mine"), 0o644); err != nil {
		t.Fatalf("the bind mount directory must exist, made by DevArch: %v", err)
	}
	if err := exec.Command("docker", "exec", "devarch-lc1-web", "sh", "-c", "echo kept > /data/file").Run(); err != nil {
		t.Fatal(err)
	}
	vols := volumes(t, "label=dev.devarch.stack=lc1")
	removeVolumes(t, vols...)

	r := run(t, a.env, "devarch", "stack", "rename", "lc1", "lc1b")
	if r.code != 1 || !strings.Contains(r.stderr, "devarch-lc1-web") || !strings.Contains(r.stderr, "devarch down lc1") {
		t.Fatalf("rename with containers must be refused naming down: %+v", r)
	}
	if r := mustRun(t, a.env, "devarch", "stack", "rename", "lc1", "lc1"); !strings.Contains(r.stderr, "nothing changed") {
		t.Fatalf("rename to the same name: %s", r.stderr)
	}
	mustRun(t, a.env, "devarch", "down", "lc1")
	mustRun(t, a.env, "devarch", "stack", "rename", "lc1", "lc1b")
	if b, err := os.ReadFile(filepath.Join(home, "stacks", "lc1b", "public", "index.html")); err != nil || string(b) != "mine" {
		t.Fatalf("the user's file moves with the stack's folder: %v", err)
	}
	out, _ := a.plan("lc1b")
	if strings.Contains(out, "lc1-") || !strings.Contains(out, "+ create web (devarch-lc1b-web)") {
		t.Fatalf("after the rename the plan creates the new containers:\n%s", out)
	}
	mustRun(t, a.env, "devarch", "apply", "lc1b", "--yes")
	got, err := exec.Command("docker", "exec", "devarch-lc1b-web", "cat", "/data/file", "/srv/index.html").Output()
	if err != nil || string(got) != "kept\nmine" {
		t.Fatalf("after rename the volume and the project folder are the same ones: %q %v", got, err)
	}
}

// Deleting a stack never deletes a file DevArch did not write, refuses while any container
// or network exists (a stopped stack included), names the volumes it keeps, and a new stack
// of the same name does not mount them unless asked to.
func TestStack_DeleteKeepsUserData(t *testing.T) {
	a := newApplyEnv(t)
	importTemplate(t, a.env, bindTemplate)
	a.stack("lc2", "web:t-bind")
	mustRun(t, a.env, "devarch", "apply", "lc2", "--yes")
	home := a.env["DEVARCH_HOME"]
	code := filepath.Join(home, "stacks", "lc2", "public", "app.js")
	if err := os.WriteFile(code, []byte("console.log(1)"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := exec.Command("docker", "exec", "devarch-lc2-web", "sh", "-c", "echo old-secret-data > /data/file").Run(); err != nil {
		t.Fatal(err)
	}
	old := volumes(t, "label=dev.devarch.stack=lc2")
	removeVolumes(t, old...)
	if len(old) != 1 {
		t.Fatalf("one volume: %v", old)
	}

	mustRun(t, a.env, "devarch", "stop", "lc2")
	r := run(t, a.env, "devarch", "stack", "delete", "lc2")
	if r.code != 1 || !strings.Contains(r.stderr, "still has containers or a network") || !strings.Contains(r.stderr, "devarch down lc2") {
		t.Fatalf("delete after stop must be refused: %+v", r)
	}
	r = mustRun(t, a.env, "devarch", "stack", "delete", "lc2", "--force")
	if !strings.Contains(r.stderr, "Kept its volumes (your data): "+old[0]) || !strings.Contains(r.stderr, "Kept 1 file(s) of yours") {
		t.Fatalf("delete names what it keeps: %s", r.stderr)
	}
	if b, err := os.ReadFile(code); err != nil || string(b) != "console.log(1)" {
		t.Fatalf("the user's code must survive the delete: %v", err)
	}
	if _, err := os.Stat(filepath.Join(home, "stacks", "lc2", "compose.yaml")); !os.IsNotExist(err) {
		t.Fatalf("DevArch's own compose file copy goes: %v", err)
	}
	if s := containerState(t, "devarch-lc2-web"); s != "missing" {
		t.Fatalf("--force removes the containers: %s", s)
	}
	if out, _ := exec.Command("docker", "network", "ls", "-q", "--filter", "name=devarch-lc2-net").Output(); len(strings.TrimSpace(string(out))) > 0 {
		t.Fatal("--force removes the network")
	}

	// Same name, new stack: fresh volume, the old data does not come back.
	a.stack("lc2", "web:t-bind")
	mustRun(t, a.env, "devarch", "apply", "lc2", "--yes")
	if out, _ := exec.Command("docker", "exec", "devarch-lc2-web", "cat", "/data/file").Output(); strings.Contains(string(out), "old-secret-data") {
		t.Fatal("a new stack adopted a deleted stack's volume silently")
	}
	fresh := volumes(t, "label=dev.devarch.stack=lc2")
	removeVolumes(t, fresh...)
	// down --volumes removes the new stack's volume, not the old one.
	r = mustRun(t, a.env, "devarch", "down", "lc2", "--volumes")
	if !strings.Contains(r.stderr, "Removed volumes:") {
		t.Fatalf("down --volumes: %s", r.stderr)
	}
	left := volumes(t, "label=dev.devarch.stack=lc2")
	if len(left) != 1 || left[0] != old[0] {
		t.Fatalf("down --volumes removes this stack's volumes only: %v", left)
	}
	// Reusing is an explicit choice.
	mustRun(t, a.env, "devarch", "stack", "delete", "lc2")
	mustRun(t, a.env, "devarch", "stack", "create", "lc2", "--reuse-volumes")
	mustRun(t, a.env, "devarch", "instance", "add", "lc2", "web", "--template", "t-bind")
	mustRun(t, a.env, "devarch", "apply", "lc2", "--yes")
	t.Cleanup(func() { _ = exec.Command("docker", "compose", "-p", "devarch-lc2", "down", "-t", "0").Run() })
	if out, err := exec.Command("docker", "exec", "devarch-lc2-web", "cat", "/data/file").Output(); err != nil || string(out) != "old-secret-data\n" {
		t.Fatalf("--reuse-volumes mounts the old data: %q %v", out, err)
	}
	r = mustRun(t, a.env, "devarch", "stack", "delete", "lc2", "--force", "--volumes")
	if v := volumes(t, "label=dev.devarch.stack=lc2"); len(v) != 0 {
		t.Fatalf("delete --volumes leaves %v", v)
	}
}

// A stack's project root is where relative paths resolve: the compose file shows the
// absolute directories, DevArch creates missing ones as the user, and moving the root
// replaces the containers that mount them.
func TestStack_ProjectRoot(t *testing.T) {
	a := newApplyEnv(t)
	importTemplate(t, a.env, bindTemplate)
	root := tempHome(t)
	r := run(t, a.env, "devarch", "stack", "create", "lc3", "--root", filepath.Join(root, "missing"))
	if r.code != 1 || !strings.Contains(r.stderr, "root: the project root") || !strings.Contains(r.stderr, "is not a directory") {
		t.Fatalf("a root that is not a directory: %+v", r)
	}
	mustRun(t, a.env, "devarch", "stack", "create", "lc3", "--root", root)
	freshProject(t, "devarch-lc3")
	mustRun(t, a.env, "devarch", "instance", "add", "lc3", "web", "--template", "t-bind")
	c := mustRun(t, a.env, "devarch", "compose", "lc3")
	if !strings.Contains(c.stdout, root+"/public:/srv") {
		t.Fatalf("compose shows the absolute bind source:\n%s", c.stdout)
	}
	mustRun(t, a.env, "devarch", "apply", "lc3", "--yes")
	fi, err := os.Stat(filepath.Join(root, "public"))
	if err != nil || !fi.IsDir() {
		t.Fatalf("DevArch creates the bind source: %v", err)
	}
	if st := fi.Sys().(*syscall.Stat_t); int(st.Uid) != os.Geteuid() {
		t.Fatalf("the bind source belongs to uid %d, want the user's %d", st.Uid, os.Geteuid())
	}
	vols := volumes(t, "label=dev.devarch.stack=lc3")
	removeVolumes(t, vols...)
	other := tempHome(t)
	if r := mustRun(t, a.env, "devarch", "stack", "set", "lc3", "--root", other); !strings.Contains(r.stderr, "the next plan replaces") {
		t.Fatalf("stack set --root: %s", r.stderr)
	}
	out, _ := a.plan("lc3")
	if !strings.Contains(out, "-/+ replace web") {
		t.Fatalf("a new root replaces the containers that mount it:\n%s", out)
	}
	if r := mustRun(t, a.env, "devarch", "stack", "set", "lc3", "--root", other); !strings.Contains(r.stderr, "nothing changed") {
		t.Fatalf("setting the same root: %s", r.stderr)
	}
	mustRun(t, a.env, "devarch", "stack", "set", "lc3", "--description", "shop on my laptop")
	if r := mustRun(t, a.env, "devarch", "stack", "list", "--json"); !strings.Contains(r.stdout, "shop on my laptop") {
		t.Fatalf("description: %s", r.stdout)
	}
}
