package engine_test

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/devarch/devarch/backend/compose"
	"github.com/devarch/devarch/backend/database/dbtest"
	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/secrets"
	"github.com/devarch/devarch/backend/store"
)

// transferService is an engine with the built-in catalog synced, and its pool for counts.
func transferService(t testing.TB) (*engine.Service, *pgxpool.Pool) {
	t.Helper()
	pool := dbtest.MigratedDatabase(t)
	t.Setenv(secrets.EnvMasterKeyFile, filepath.Join(t.TempDir(), "master.key"))
	svc := engine.New(store.New(pool), runtime.Options{}, t.TempDir())
	if _, err := svc.SyncCatalog(t.Context()); err != nil {
		t.Fatal(err)
	}
	return svc, pool
}

// rowCounts counts the rows of every table an import writes.
func rowCounts(t testing.TB, pool *pgxpool.Pool) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"stacks", "instances", "templates", "wires", "secrets"} {
		var n int
		if err := pool.QueryRow(t.Context(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

func golden(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "transfer", "testdata", name+".devarch.yml"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// export -> import -> export gives the same bytes, for each golden: the file is imported
// as it is, and exporting the new stack gives the file again.
func TestImportExport_RoundTripGoldens(t *testing.T) {
	svc, _ := transferService(t)
	ctx := t.Context()
	for _, name := range []string{"builtins", "custom-template", "wires", "secrets", "secret-values"} {
		t.Run(name, func(t *testing.T) {
			doc := golden(t, name)
			in, exp := engine.ImportOptions{}, engine.ExportOptions{}
			var wantWarnings []string
			if name == "secret-values" {
				// With values: the export over the file it came from keeps the blobs of the
				// unchanged values (a fresh export makes new ones: age is randomized), and
				// the decrypted value is the one the file was made with.
				in.Passphrase = passphrase(goldenPassphrase)
				exp = engine.ExportOptions{WithSecrets: true, Passphrase: secrets.NewValue(goldenPassphrase), Previous: doc}
				wantWarnings = []string{"secret smtp_password has no value: the file lists its name only (set it with devarch secret set mailer-sealed smtp_password)"}
			}
			res, err := svc.Import(ctx, doc, in)
			if err != nil {
				t.Fatalf("import: %v", err)
			}
			out, warnings, err := svc.Export(ctx, res.Stack, exp)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out, doc) {
				t.Errorf("export after import differs from the file:\n%s", out)
			}
			if !slices.Equal(warnings, wantWarnings) {
				t.Errorf("warnings: %v", warnings)
			}
			if name == "secret-values" {
				if got := reveal(t, svc, res.Stack, "stripe_key"); got != goldenStripeValue {
					t.Errorf("stripe_key: %q", got)
				}
				in.Name = "tx-" + name
				if _, err := svc.Import(ctx, out, in); err != nil {
					t.Fatalf("import again: %v", err)
				}
				if got := reveal(t, svc, "tx-"+name, "stripe_key"); got != goldenStripeValue {
					t.Errorf("stripe_key after the second import: %q", got)
				}
				return
			}
			// And once more: the re-exported file imports under a new name.
			res2, err := svc.Import(ctx, out, engine.ImportOptions{Name: "tx-" + name})
			if err != nil {
				t.Fatalf("import again: %v", err)
			}
			if !slices.Equal(res2.Instances, res.Instances) {
				t.Errorf("instances %v, then %v", res.Instances, res2.Instances)
			}
		})
	}
}

// Generated secrets (the built-in databases' passwords) are made by each import, never
// exported; the other referenced secrets are listed as missing.
func TestImport_Secrets(t *testing.T) {
	svc, _ := transferService(t)
	ctx := t.Context()
	res, err := svc.Import(ctx, golden(t, "builtins"), engine.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"mariadb_password", "mariadb_root_password", "minio_root_password", "mysql_password", "mysql_root_password", "postgres_password"}
	if !reflect.DeepEqual(res.SecretsGenerated, want) || len(res.MissingSecrets) != 0 {
		t.Fatalf("generated %v, missing %v", res.SecretsGenerated, res.MissingSecrets)
	}
	a := reveal(t, svc, "everything", "mysql_password")
	if _, err := svc.Import(ctx, golden(t, "builtins"), engine.ImportOptions{Name: "tx-copy"}); err != nil {
		t.Fatal(err)
	}
	if b := reveal(t, svc, "tx-copy", "mysql_password"); a == b || len(b) < 16 {
		t.Errorf("the second import's password is not its own: %q and %q", a, b)
	}
	out, _, err := svc.Export(ctx, "everything", engine.ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte(a)) || bytes.Contains(out, []byte("secrets:")) {
		t.Errorf("the export holds a generated password or lists generated secrets:\n%s", out)
	}

	res, err = svc.Import(ctx, golden(t, "secrets"), engine.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res.MissingSecrets, []string{"smtp_password", "stripe_key"}) {
		t.Errorf("missing %v", res.MissingSecrets)
	}
}

// The plan of an imported stack whose secrets are not set refuses to apply, naming them.
func TestImport_MissingSecretPlanRefuses(t *testing.T) {
	svc, _ := transferService(t)
	ctx := t.Context()
	if _, err := svc.Import(ctx, golden(t, "secrets"), engine.ImportOptions{Name: "tx-mailer"}); err != nil {
		t.Fatal(err)
	}
	p, err := svc.Plan(ctx, "tx-mailer", "test", engine.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Plan.Failed() {
		t.Fatalf("the plan would apply with missing secrets: %v", p.Plan.Diagnostics)
	}
	text := fmt.Sprint(p.Plan.Diagnostics)
	for _, name := range []string{"smtp_password", "stripe_key"} {
		if !strings.Contains(text, "secret "+name+" does not exist") {
			t.Errorf("no diagnostic for %s: %s", name, text)
		}
	}
}

func TestImport_DryRunWritesNothing(t *testing.T) {
	svc, pool := transferService(t)
	before := rowCounts(t, pool)
	res, err := svc.Import(t.Context(), golden(t, "custom-template"), engine.ImportOptions{DryRun: true, Name: "tx-dry"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.DryRun || res.Stack != "tx-dry" || !slices.Equal(res.Instances, []string{"api", "db"}) || !slices.Equal(res.TemplatesCreated, []string{"shop-api"}) {
		t.Errorf("result %+v", res)
	}
	if after := rowCounts(t, pool); !reflect.DeepEqual(before, after) {
		t.Errorf("a dry run wrote: %v -> %v", before, after)
	}
}

// An embedded template identical to a stored one is reused; one that differs is an error
// naming the differences, and nothing is written.
func TestImport_EmbeddedTemplates(t *testing.T) {
	svc, pool := transferService(t)
	ctx := t.Context()
	doc := golden(t, "custom-template")
	if _, err := svc.Import(ctx, doc, engine.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	res, err := svc.Import(ctx, doc, engine.ImportOptions{Name: "tx-again"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.TemplatesCreated) != 0 || !slices.Equal(res.TemplatesReused, []string{"shop-api"}) {
		t.Errorf("created %v, reused %v", res.TemplatesCreated, res.TemplatesReused)
	}
	changed := bytes.Replace(doc, []byte("category: runtime"), []byte("category: web"), 1)
	changed = bytes.Replace(changed, []byte("APP_ENV: local"), []byte("APP_ENV: prod"), 1)
	before := rowCounts(t, pool)
	_, err = svc.Import(ctx, changed, engine.ImportOptions{Name: "tx-other"})
	var e *model.Error
	if !errors.As(err, &e) || e.Kind != model.KindConflict || !strings.Contains(e.Error(), "differs in category, service.environment") ||
		e.Field != "templates[0]" {
		t.Fatalf("got %v", err)
	}
	if after := rowCounts(t, pool); !reflect.DeepEqual(before, after) {
		t.Errorf("a refused import wrote: %v -> %v", before, after)
	}
}

// Bad input: each is refused with an error naming the field, and the database is unchanged.
func TestImport_BadInput(t *testing.T) {
	svc, pool := transferService(t)
	ctx := t.Context()
	if _, err := svc.CreateStack(ctx, "shop", engine.StackOptions{}); err != nil {
		t.Fatal(err)
	}
	const head = "apiVersion: devarch/v1\nkind: Stack\nname: tx-bad\n"
	node := "instances:\n  app:\n    template: node\n    version: 2\n"
	cases := []struct {
		name, doc string
		opts      engine.ImportOptions
		kind      model.Kind
		field     string
		text      string
	}{
		{"unknown field", head + "instancez: {}\n", engine.ImportOptions{}, model.KindInvalid, "instancez", "line 4, column 1"},
		{"wrong type", head + node + "    overrides: {ports: [8080]}\n", engine.ImportOptions{}, model.KindInvalid, "instances.app.overrides.ports[0]", "line 8"},
		{"unknown apiVersion", "apiVersion: devarch/v2\nkind: Stack\nname: tx-bad\n", engine.ImportOptions{}, model.KindInvalid, "apiVersion", "devarch/v1"},
		{"duplicate instance", head + node + "  app:\n    template: redis\n    version: 1\n", engine.ImportOptions{}, model.KindInvalid, "instances.app", "set twice"},
		{"unknown built-in", head + "instances:\n  app:\n    template: nosuch\n    version: 1\n", engine.ImportOptions{}, model.KindInvalid, "instances.app.template", "no built-in template"},
		{"newer built-in version", head + "instances:\n  app:\n    template: redis\n    version: 99\n", engine.ImportOptions{}, model.KindInvalid, "instances.app.version", "Update DevArch"},
		{"name clash", strings.Replace(head, "tx-bad", "shop", 1), engine.ImportOptions{}, model.KindConflict, "name", "--name NEW"},
		{"name clash via --name", head, engine.ImportOptions{Name: "shop"}, model.KindConflict, "name", "--name NEW"},
		{"wire to a missing instance", head + node + "wires:\n  - {consumer: app, contract: postgres, provider: db}\n", engine.ImportOptions{}, model.KindInvalid, "wires[0].provider", `no instance named "db"`},
		{"wire to a contract not provided", head + node + "  cache:\n    template: redis\n    version: 1\nwires:\n  - {consumer: app, contract: postgres, provider: cache}\n", engine.ImportOptions{}, model.KindInvalid, "wires[0].provider", "does not provide postgres"},
		{"override invalid for its template", head + node + "    overrides: {image: null}\n", engine.ImportOptions{}, model.KindInvalid, "instances.app.overrides.image", "image"},
		{"instance name too long for --name", head + "instances:\n  " + strings.Repeat("a", 40) + ":\n    template: redis\n    version: 1\n", engine.ImportOptions{Name: strings.Repeat("b", 20)}, model.KindInvalid, "instances." + strings.Repeat("a", 40), "too long"},
		{"invalid UTF-8", head + "description: caf\xe9\n", engine.ImportOptions{}, model.KindInvalid, "", "UTF-8"},
		{"5 MiB file", head + "description: " + strings.Repeat("a", 5<<20) + "\n", engine.ImportOptions{}, model.KindInvalid, "", "the limit is 1 MiB"},
		{"alias bomb", head + "x-a: &a [1,1,1,1,1,1,1,1,1,1]\nx-b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nx-c: [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n", engine.ImportOptions{}, model.KindInvalid, "x-b[0]", "aliases"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := rowCounts(t, pool)
			_, err := svc.Import(ctx, []byte(c.doc), c.opts)
			var e *model.Error
			if !errors.As(err, &e) {
				t.Fatalf("want a *model.Error, got %v", err)
			}
			fields := []string{e.Field}
			for _, p := range e.Problems {
				fields = append(fields, p.Field)
			}
			if e.Kind != c.kind || !slices.Contains(fields, c.field) || !strings.Contains(e.Error(), c.text) {
				t.Errorf("got %v %v: %v\nwant %v, field %q, text %q", e.Kind, fields, err, c.kind, c.field, c.text)
			}
			if after := rowCounts(t, pool); !reflect.DeepEqual(before, after) {
				t.Errorf("a refused import wrote: %v -> %v", before, after)
			}
		})
	}
}

// A failure on the last of 50 instances, found only by the database (its container name
// is taken by another stack's), leaves nothing behind: not the stack, not the 49 others,
// not the embedded template, not the generated secrets.
func TestImport_FailureOnLastOf50LeavesNothing(t *testing.T) {
	svc, pool := transferService(t)
	ctx := t.Context()
	// devarch-tx-big-i49 is taken: stack "tx-big", instance "i49".
	if _, err := svc.CreateStack(ctx, "tx-big", engine.StackOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddInstance(ctx, "tx-big", "i49", "redis", nil); err != nil {
		t.Fatal(err)
	}
	doc := bigStack("tx", 50, func(i int) string {
		if i == 49 {
			return "big-i49" // devarch-tx-big-i49
		}
		return fmt.Sprintf("i%02d", i)
	})
	before := rowCounts(t, pool)
	_, err := svc.Import(ctx, doc, engine.ImportOptions{})
	var e *model.Error
	if !errors.As(err, &e) || e.Kind != model.KindConflict || !strings.Contains(e.Error(), "devarch-tx-big-i49") {
		t.Fatalf("got %v", err)
	}
	if after := rowCounts(t, pool); !reflect.DeepEqual(before, after) {
		t.Errorf("a failed import left rows behind: %v -> %v", before, after)
	}
	// The same file under a free name imports whole.
	res, err := svc.Import(ctx, doc, engine.ImportOptions{Name: "tx-ok"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Instances) != 50 || len(res.SecretsGenerated) != 10 {
		t.Errorf("imported %d instances, %d secrets", len(res.Instances), len(res.SecretsGenerated))
	}
}

// bigStack is a devarch.yml of n instances named by name(i): every fifth a postgres (with
// its generated password), the others a custom template embedded once, wired in pairs.
func bigStack(stack string, n int, name func(int) string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: devarch/v1\nkind: Stack\nname: %s\ninstances:\n", stack)
	for i := range n {
		if i%5 == 0 {
			fmt.Fprintf(&b, "  %s:\n    template: postgres\n    version: 2\n    overrides:\n      environment:\n        POSTGRES_PASSWORD: ${secret:%s_password}\n", name(i), strings.ReplaceAll(name(i), "-", "_"))
			continue
		}
		fmt.Fprintf(&b, "  %s:\n    template: tx-worker\n    overrides:\n      environment: {WORKER_ID: \"%d\"}\n      ports: [\"127.0.0.1:%d:8080\"]\n", name(i), i, 20000+i)
	}
	b.WriteString("wires:\n")
	for i := range n {
		if i%5 != 0 {
			fmt.Fprintf(&b, "  - {consumer: %s, contract: postgres, provider: %s}\n", name(i), name(i-i%5))
		}
	}
	b.WriteString(`templates:
  - name: tx-worker
    category: runtime
    service:
      image: busybox:1.36
      command: [sleep, infinity]
      environment: {MODE: work}
    consumes:
      - contract: postgres
        required: true
        env: {DB_HOST: host}
`)
	return []byte(b.String())
}

// Absolute host paths are exported as they are, with a warning naming each field.
func TestExport_AbsolutePathWarnings(t *testing.T) {
	svc, _ := transferService(t)
	ctx := t.Context()
	if _, err := svc.CreateStack(ctx, "tx-paths", engine.StackOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddInstance(ctx, "tx-paths", "web", "nginx", []string{`volumes=["/srv/site:/usr/share/nginx/html", "./conf:/etc/nginx/conf.d"]`}); err != nil {
		t.Fatal(err)
	}
	out, warnings, err := svc.Export(ctx, "tx-paths", engine.ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 1 || !strings.HasPrefix(warnings[0], `instances.web.overrides.volumes[0]: "/srv/site" is an absolute host path`) {
		t.Errorf("warnings %q", warnings)
	}
	if !bytes.Contains(out, []byte("/srv/site:/usr/share/nginx/html")) {
		t.Errorf("the path is not exported:\n%s", out)
	}
}

// Paths travel: an import takes the root it is given (the file's folder, from the faces) and
// the stack's relative bind mounts resolve there; exporting away from the stack's root warns
// when relative paths would then resolve elsewhere; a root that is not a directory is
// refused and nothing is written.
func TestImport_ProjectRootIsTheFilesFolder(t *testing.T) {
	svc, pool := transferService(t)
	ctx := t.Context()
	src := t.TempDir()
	if _, err := svc.CreateStack(ctx, "tx-root", engine.StackOptions{Root: src}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddInstance(ctx, "tx-root", "web", "nginx", nil); err != nil { // ./public:/usr/share/nginx/html:ro
		t.Fatal(err)
	}
	doc, warnings, err := svc.Export(ctx, "tx-root", engine.ExportOptions{Dir: src})
	if err != nil || len(warnings) != 0 {
		t.Fatalf("export at the root: %v %q", err, warnings)
	}
	_, warnings, err = svc.Export(ctx, "tx-root", engine.ExportOptions{Dir: t.TempDir()})
	if err != nil || len(warnings) != 1 || !strings.Contains(warnings[0], "relative paths (web.volumes[0]) resolve under tx-root's project root, "+src) ||
		!strings.Contains(warnings[0], "--root "+src) {
		t.Fatalf("export elsewhere: %v %q", err, warnings)
	}
	// A stack without relative paths has nothing to warn about, wherever the file goes.
	if _, err := svc.CreateStack(ctx, "tx-noroot", engine.StackOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddInstance(ctx, "tx-noroot", "cache", "redis", nil); err != nil {
		t.Fatal(err)
	}
	if _, warnings, err := svc.Export(ctx, "tx-noroot", engine.ExportOptions{Dir: t.TempDir()}); err != nil || len(warnings) != 0 {
		t.Fatalf("export without relative paths: %v %q", err, warnings)
	}

	before := rowCounts(t, pool)
	for _, bad := range []string{"relative/dir", filepath.Join(src, "missing")} {
		_, err := svc.Import(ctx, doc, engine.ImportOptions{Name: "tx-bad", Root: bad})
		if e := model.AsError(err); err == nil || e.Field != "root" {
			t.Errorf("root %q: %v", bad, err)
		}
	}
	if after := rowCounts(t, pool); !maps.Equal(before, after) {
		t.Fatalf("a refused import wrote: %v -> %v", before, after)
	}

	dst := t.TempDir()
	res, err := svc.Import(ctx, doc, engine.ImportOptions{Name: "tx-copy", Root: dst})
	if err != nil || res.Root != dst {
		t.Fatalf("import: %+v %v", res, err)
	}
	rs, err := svc.Resolve(ctx, "tx-copy")
	if err != nil {
		t.Fatal(err)
	}
	if got := compose.BindSources(rs.Effective); !slices.Equal(got, []string{filepath.Join(dst, "public")}) {
		t.Errorf("bind sources %q, want under %s", got, dst)
	}
	res, err = svc.Import(ctx, doc, engine.ImportOptions{Name: "tx-home"})
	if err != nil || res.Root != svc.StackDir("tx-home") {
		t.Fatalf("import without a root: %+v %v", res, err)
	}
}

// Benchmarks (issue 13: export and import of a 50-instance stack under 50 ms each). The
// reference, measured in the same run, is the existing path that builds the same stack
// one call at a time: CreateStack and 50 AddInstance.
func benchName(i int) string { return fmt.Sprintf("i%02d", i) }

func BenchmarkImport50(b *testing.B) {
	svc, _ := transferService(b)
	doc := bigStack("tx-bench", 50, benchName)
	n := 0
	for b.Loop() {
		n++
		if _, err := svc.Import(b.Context(), doc, engine.ImportOptions{Name: fmt.Sprintf("tx-b%d", n)}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExport50(b *testing.B) {
	svc, _ := transferService(b)
	if _, err := svc.Import(b.Context(), bigStack("tx-bench", 50, benchName), engine.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, _, err := svc.Export(b.Context(), "tx-bench", engine.ExportOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAddInstances50 is the reference: the same 50 instances (built-ins only, as
// AddInstance takes no embedded template) added one call at a time.
func BenchmarkAddInstances50(b *testing.B) {
	svc, _ := transferService(b)
	n := 0
	for b.Loop() {
		n++
		stack := fmt.Sprintf("tx-r%d", n)
		if _, err := svc.CreateStack(b.Context(), stack, engine.StackOptions{}); err != nil {
			b.Fatal(err)
		}
		for i := range 50 {
			tmpl := "redis"
			if i%5 == 0 {
				tmpl = "postgres"
			}
			if _, err := svc.AddInstance(b.Context(), stack, benchName(i), tmpl, []string{"environment.WORKER_ID=" + fmt.Sprint(i)}); err != nil {
				b.Fatal(err)
			}
		}
	}
}
