package engine_test

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/secrets"
)

// cloneAdd adds an instance or fails the test.
func cloneAdd(t testing.TB, svc *engine.Service, stack, name, template string, sets ...string) {
	t.Helper()
	if _, err := svc.AddInstance(t.Context(), stack, name, template, sets); err != nil {
		t.Fatalf("add %s/%s: %v", stack, name, err)
	}
}

func cloneCreate(t testing.TB, svc *engine.Service, stack string, opts engine.StackOptions) {
	t.Helper()
	if _, err := svc.CreateStack(t.Context(), stack, opts); err != nil {
		t.Fatal(err)
	}
}

// effectivePorts is an instance's effective ports list.
func effectivePorts(t testing.TB, svc *engine.Service, stack, instance string) []any {
	t.Helper()
	rs, err := svc.Resolve(t.Context(), stack)
	if err != nil {
		t.Fatal(err)
	}
	for _, es := range rs.Effective.Services {
		if es.Instance == instance {
			p, _ := es.Spec["ports"].([]any)
			return p
		}
	}
	t.Fatalf("%s has no instance %s", stack, instance)
	return nil
}

// hostBound reports whether something holds 127.0.0.1:port now.
func hostBound(port int) bool {
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return true
	}
	l.Close()
	return false
}

// Ports move to the lowest free port above the source's: skipping ports other stacks
// publish, ports the source itself publishes, ports bound on the host, ports an earlier
// entry of the clone took; ranges move as a block; container-only entries stay; the entry
// keeps its form. The choice is the same on every run, and a dry run writes nothing. The
// ports are below the kernel's ephemeral range (32768-60999 on Linux), where no client
// socket or freshly started server of a concurrent test can hold one (CI run 19 saw 41018
// taken by one).
func TestClone_PortChoice(t *testing.T) {
	svc, pool := transferService(t)
	ctx := t.Context()
	cloneCreate(t, svc, "cl-src", engine.StackOptions{})
	cloneCreate(t, svc, "cl-other", engine.StackOptions{})
	cloneAdd(t, svc, "cl-src", "web", "nginx", `ports=["127.0.0.1:22000:80/tcp", "9999"]`)
	cloneAdd(t, svc, "cl-src", "api", "nginx", `ports=["22010-22012:90-92"]`)
	cloneAdd(t, svc, "cl-src", "tpl", "nginx") // the template's "8080:80"
	cloneAdd(t, svc, "cl-other", "x", "nginx", `ports=["22001:80", "22014:81", "0.0.0.0:22004:82"]`)
	// Something outside DevArch holds 22002 on this host.
	l, err := net.Listen("tcp", "127.0.0.1:22002")
	if err != nil {
		t.Fatalf("the test needs port 22002 free: %v", err)
	}
	defer l.Close()
	tpl := 8081
	for hostBound(tpl) {
		tpl++
	}

	before := rowCounts(t, pool)
	var first engine.CloneResult
	for run := range 2 {
		res, err := svc.CloneStack(ctx, "cl-src", "cl-new", engine.CloneOptions{DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		if run == 0 {
			first = res
		} else if !reflect.DeepEqual(first, res) {
			t.Errorf("two dry runs differ:\n%+v\n%+v", first, res)
		}
	}
	if after := rowCounts(t, pool); !reflect.DeepEqual(before, after) {
		t.Errorf("the dry run wrote: %v -> %v", before, after)
	}
	want := []engine.PortChange{
		// api: 22011-22012 are the source's own, 22014 cl-other's: the block 22015-22017.
		{Instance: "api", From: "22010-22012:90-92", To: "22015-22017:90-92", OldPort: 22010, OldPortEnd: 22012, NewPort: 22015, NewPortEnd: 22017, Protocol: "tcp"},
		{Instance: "tpl", From: "8080:80", To: fmt.Sprintf("%d:80", tpl), OldPort: 8080, OldPortEnd: 8080, NewPort: tpl, NewPortEnd: tpl, Protocol: "tcp"},
		// web: 22001 published by cl-other, 22002 bound on the host, 22003 free.
		{Instance: "web", From: "127.0.0.1:22000:80/tcp", To: "127.0.0.1:22003:80/tcp", OldPort: 22000, OldPortEnd: 22000, NewPort: 22003, NewPortEnd: 22003, Protocol: "tcp"},
	}
	if !reflect.DeepEqual(first.Ports, want) {
		t.Errorf("ports\n got %+v\nwant %+v", first.Ports, want)
	}

	res, err := svc.CloneStack(ctx, "cl-src", "cl-new", engine.CloneOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res.Ports, want) {
		t.Errorf("the clone's ports differ from the dry run's: %+v", res.Ports)
	}
	if got := effectivePorts(t, svc, "cl-new", "web"); !reflect.DeepEqual(got, []any{"127.0.0.1:22003:80/tcp", "9999"}) {
		t.Errorf("cl-new web ports %v", got)
	}
	if got := effectivePorts(t, svc, "cl-src", "web"); !reflect.DeepEqual(got, []any{"127.0.0.1:22000:80/tcp", "9999"}) {
		t.Errorf("the source changed: %v", got)
	}
	clashes, err := svc.PortClashes(ctx, "cl-new")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range clashes {
		if strings.Contains(c.Error(), "published twice") {
			t.Errorf("clash: %v", c)
		}
	}
	// A second clone skips the first clone's ports too.
	res, err = svc.CloneStack(ctx, "cl-src", "cl-new2", engine.CloneOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Ports[2].NewPort != 22005 || res.Ports[0].NewPort != 22018 {
		t.Errorf("second clone: web %d (want 22005: 22004 is cl-other's on 0.0.0.0), api %d (want 22018)", res.Ports[2].NewPort, res.Ports[0].NewPort)
	}
}

// Secrets are copied with their values, generated passwords included, and sealed for the
// clone: its rows carry its stack id and other ciphertexts, and the source's ciphertext
// does not open as the clone's (the stack id is in the AAD).
func TestClone_SecretsResealed(t *testing.T) {
	svc, pool := transferService(t)
	ctx := t.Context()
	cloneCreate(t, svc, "cl-sec", engine.StackOptions{})
	cloneAdd(t, svc, "cl-sec", "db", "postgres")
	cloneAdd(t, svc, "cl-sec", "web", "nginx", `environment.TOKEN=${secret:api_token}`, `ports=["41100:80"]`)
	if _, err := svc.SetSecret(ctx, "cl-sec", "api_token", secrets.NewValue("tok-123")); err != nil {
		t.Fatal(err)
	}
	res, err := svc.CloneStack(ctx, "cl-sec", "cl-sec2", engine.CloneOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res.Secrets, []string{"api_token", "db_password"}) || len(res.MissingSecrets) != 0 {
		t.Fatalf("secrets %v, missing %v", res.Secrets, res.MissingSecrets)
	}
	for _, name := range res.Secrets {
		if a, b := reveal(t, svc, "cl-sec", name), reveal(t, svc, "cl-sec2", name); a != b || a == "" {
			t.Errorf("%s: source %q, clone %q", name, a, b)
		}
	}
	type row struct {
		id     int64
		cipher []byte
	}
	rows := map[string]row{}
	for _, stack := range []string{"cl-sec", "cl-sec2"} {
		var r row
		if err := pool.QueryRow(ctx, `SELECT s.stack_id, s.ciphertext FROM secrets s JOIN stacks st ON st.id = s.stack_id WHERE st.name = $1 AND s.name = 'api_token'`, stack).Scan(&r.id, &r.cipher); err != nil {
			t.Fatal(err)
		}
		rows[stack] = r
	}
	if rows["cl-sec"].id == rows["cl-sec2"].id || bytes.Equal(rows["cl-sec"].cipher, rows["cl-sec2"].cipher) {
		t.Fatalf("the clone's secret is the source's row: %+v", rows)
	}
	// The source's sealed value put in the clone's row does not open: it is bound to the
	// source's id.
	if _, err := pool.Exec(ctx, `UPDATE secrets SET nonce = src.nonce, ciphertext = src.ciphertext FROM secrets src
		WHERE secrets.stack_id = $1 AND secrets.name = 'api_token' AND src.stack_id = $2 AND src.name = 'api_token'`, rows["cl-sec2"].id, rows["cl-sec"].id); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.RevealSecret(ctx, "cl-sec2", "api_token"); err == nil {
		t.Error("the source's ciphertext opened as the clone's secret")
	}
}

// --root points the clone's relative bind mounts at another folder; without it the clone
// resolves them where the source does.
func TestClone_Root(t *testing.T) {
	svc, _ := transferService(t)
	ctx := t.Context()
	srcRoot, wt := t.TempDir(), t.TempDir()
	cloneCreate(t, svc, "cl-r", engine.StackOptions{Root: srcRoot})
	cloneAdd(t, svc, "cl-r", "web", "nginx", `ports=["41200:80"]`, `volumes=["./site:/usr/share/nginx/html:ro"]`)
	if _, err := svc.CloneStack(ctx, "cl-r", "cl-r-same", engine.CloneOptions{}); err != nil {
		t.Fatal(err)
	}
	res, err := svc.CloneStack(ctx, "cl-r", "cl-r-wt", engine.CloneOptions{Root: wt})
	if err != nil {
		t.Fatal(err)
	}
	if res.Root != wt {
		t.Errorf("root %q", res.Root)
	}
	for stack, root := range map[string]string{"cl-r": srcRoot, "cl-r-same": srcRoot, "cl-r-wt": wt} {
		c, err := svc.Compose(ctx, stack, false)
		if err != nil {
			t.Fatal(err)
		}
		if want := filepath.ToSlash(filepath.Join(root, "site")) + ":/usr/share/nginx/html"; !bytes.Contains(c.YAML, []byte(want)) {
			t.Errorf("%s: the compose file does not mount %s:\n%s", stack, want, c.YAML)
		}
	}
	// A source with the default root: the clone mounts the source's folder.
	cloneCreate(t, svc, "cl-d", engine.StackOptions{})
	res, err = svc.CloneStack(ctx, "cl-d", "cl-d2", engine.CloneOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Root != svc.StackDir("cl-d") {
		t.Errorf("default root: %q, want the source's folder %q", res.Root, svc.StackDir("cl-d"))
	}
}

// Bad input is refused with the field and the fix, and nothing is written.
func TestClone_ErrorsChangeNothing(t *testing.T) {
	svc, pool := transferService(t)
	ctx := t.Context()
	cloneCreate(t, svc, "cl-src", engine.StackOptions{})
	cloneAdd(t, svc, "cl-src", "web", "nginx", `ports=["41300:80"]`)
	cloneCreate(t, svc, "cl-taken", engine.StackOptions{})
	file := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	before := rowCounts(t, pool)
	cases := []struct {
		src, dst, root string
		kind           model.Kind
		want           []string
	}{
		{"cl-src", "cl-taken", "", model.KindConflict, []string{`a stack named "cl-taken" already exists`, "devarch stack delete cl-taken"}},
		{"cl-scr", "cl-x", "", model.KindNotFound, []string{`no stack named "cl-scr"`, "Did you mean cl-src?"}},
		{"cl-src", "Bad_Name", "", model.KindInvalid, []string{"Bad_Name"}},
		{"cl-src", "cl-x", "rel/dir", model.KindInvalid, []string{"not an absolute path"}},
		{"cl-src", "cl-x", "/nonexistent/cl", model.KindInvalid, []string{"not a directory"}},
		{"cl-src", "cl-x", file, model.KindInvalid, []string{"not a directory"}},
		{"cl-src", "cl-src", "", model.KindInvalid, []string{"onto itself"}},
	}
	for _, c := range cases {
		_, err := svc.CloneStack(ctx, c.src, c.dst, engine.CloneOptions{Root: c.root})
		if err == nil {
			t.Errorf("%s -> %s (root %q): no error", c.src, c.dst, c.root)
			continue
		}
		msg := model.AsError(err).Summary + " " + model.AsError(err).Detail
		if model.KindOf(err) != c.kind {
			t.Errorf("%s -> %s: kind %v, want %v (%s)", c.src, c.dst, model.KindOf(err), c.kind, msg)
		}
		for _, w := range c.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s -> %s: %q does not say %q", c.src, c.dst, msg, w)
			}
		}
	}
	if after := rowCounts(t, pool); !reflect.DeepEqual(before, after) {
		t.Errorf("a refused clone wrote: %v -> %v", before, after)
	}
}

// Benchmark (issue 13 item 6): clone of a 50-instance stack (40 published ports moved,
// secrets re-sealed). The reference, in the same run, is Export + Import of the same stack
// under a new name (no port moves, generated secrets made fresh).
func BenchmarkClone50(b *testing.B) {
	svc, _ := transferService(b)
	if _, err := svc.Import(b.Context(), bigStack("cl-bench", 50, benchName), engine.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	n := 0
	for b.Loop() {
		n++
		if _, err := svc.CloneStack(b.Context(), "cl-bench", fmt.Sprintf("cl-b%d", n), engine.CloneOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExportImport50(b *testing.B) {
	svc, _ := transferService(b)
	if _, err := svc.Import(b.Context(), bigStack("cl-bench", 50, benchName), engine.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	n := 0
	for b.Loop() {
		n++
		doc, _, err := svc.Export(b.Context(), "cl-bench", engine.ExportOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := svc.Import(b.Context(), doc, engine.ImportOptions{Name: fmt.Sprintf("cl-b%d", n)}); err != nil {
			b.Fatal(err)
		}
	}
}
