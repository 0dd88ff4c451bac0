package engine_test

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/catalog"
	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/secrets"
	"github.com/devarch/devarch/backend/transfer"
)

// The secret-values golden's passphrase and stripe_key value (backend/transfer/blobs_test.go).
const (
	goldenPassphrase  = "golden passphrase"
	goldenStripeValue = "sk_test_golden_4242"
)

func passphrase(s string) func() (secrets.Value, error) {
	return func() (secrets.Value, error) { return secrets.NewValue(s), nil }
}

// valuesStack is a stack with two secrets the user sets and a database whose password
// DevArch generates.
func valuesStack(t *testing.T) []byte {
	t.Helper()
	builtins, err := catalog.Builtins()
	if err != nil {
		t.Fatal(err)
	}
	version := map[string]int{}
	for _, b := range builtins {
		version[b.Name] = b.Version
	}
	doc, err := transfer.Encode(transfer.Document{
		Name: "vault",
		Instances: []transfer.Instance{
			{Name: "app", Template: "node", Version: version["node"], Overrides: model.Spec{
				"environment": map[string]any{"STRIPE_KEY": "${secret:stripe_key}", "SMTP_PASSWORD": "${secret:smtp_password}"},
			}},
			{Name: "db", Template: "postgres", Version: version["postgres"], Overrides: model.Spec{
				"environment": map[string]any{"POSTGRES_PASSWORD": "${secret:db_password}"},
			}},
		},
		Secrets: []string{"smtp_password", "stripe_key"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

const (
	stripePlain = "sk_live_PLAINTEXT_marker_7731"
	smtpPlain   = "smtp-Plain-Marker-4456"
)

// export --with-secrets -> import into a fresh installation: the values are readable
// there; the file holds ciphertext only; the generated database password is not in it.
func TestExportWithSecrets_RoundTripToFreshInstallation(t *testing.T) {
	svc, _ := transferService(t)
	ctx := t.Context()
	if _, err := svc.Import(ctx, valuesStack(t), engine.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	for n, v := range map[string]string{"stripe_key": stripePlain, "smtp_password": smtpPlain} {
		if _, err := svc.SetSecret(ctx, "vault", n, secrets.NewValue(v)); err != nil {
			t.Fatal(err)
		}
	}
	dbPassword := reveal(t, svc, "vault", "db_password")

	out, warnings, err := svc.Export(ctx, "vault", engine.ExportOptions{WithSecrets: true, Passphrase: secrets.NewValue("pass one")})
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 0 {
		t.Errorf("warnings: %v", warnings)
	}
	for _, plain := range []string{stripePlain, smtpPlain, dbPassword, "pass one"} {
		if bytes.Contains(out, []byte(plain)) {
			t.Fatalf("the file holds a plaintext value (%d bytes):\n%s", len(plain), out)
		}
	}
	if !bytes.Contains(out, []byte("    stripe_key: |\n      -----BEGIN AGE ENCRYPTED FILE-----\n")) {
		t.Fatalf("no armored value for stripe_key:\n%s", out)
	}
	d, err := transfer.Decode(out)
	if err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(maps.Keys(d.SecretValues.Values)); !reflect.DeepEqual(got, []string{"smtp_password", "stripe_key"}) {
		t.Fatalf("values for %v; want the two user secrets, never the generated db_password", got)
	}

	// Exporting over the previous file with the same passphrase keeps every blob of an
	// unchanged value: the same bytes. Without it every blob is new (age is randomized).
	again, _, err := svc.Export(ctx, "vault", engine.ExportOptions{WithSecrets: true, Passphrase: secrets.NewValue("pass one"), Previous: out})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, out) {
		t.Errorf("re-export over the previous file changed it:\n%s", again)
	}
	fresh, _, err := svc.Export(ctx, "vault", engine.ExportOptions{WithSecrets: true, Passphrase: secrets.NewValue("pass one")})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(fresh, out) {
		t.Error("two fresh exports gave the same ciphertexts")
	}
	// One changed secret changes one entry.
	if _, err := svc.SetSecret(ctx, "vault", "stripe_key", secrets.NewValue(stripePlain+"-rotated")); err != nil {
		t.Fatal(err)
	}
	changed, _, err := svc.Export(ctx, "vault", engine.ExportOptions{WithSecrets: true, Passphrase: secrets.NewValue("pass one"), Previous: out})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := transfer.Decode(changed)
	if c.SecretValues.Key != d.SecretValues.Key || c.SecretValues.Values["smtp_password"] != d.SecretValues.Values["smtp_password"] ||
		c.SecretValues.Values["stripe_key"] == d.SecretValues.Values["stripe_key"] {
		t.Errorf("changing stripe_key should change its entry only:\n%s", changed)
	}

	// A fresh installation (its own database and master key) imports the first file.
	svc2, pool2 := transferService(t)
	before := rowCounts(t, pool2)
	if _, err := svc2.Import(ctx, out, engine.ImportOptions{Passphrase: passphrase("pass twoo")}); err == nil {
		t.Fatal("a wrong passphrase was accepted")
	} else {
		var me *model.Error
		if !errors.As(err, &me) || me.Field != "secretValues.key" || !strings.Contains(me.Summary, "passphrase does not decrypt") {
			t.Errorf("wrong passphrase: %v", err)
		}
		if strings.Contains(err.Error(), "AGE ENCRYPTED") || strings.Contains(err.Error(), "YWdl") {
			t.Errorf("the error shows ciphertext: %v", err)
		}
	}
	if _, err := svc2.Import(ctx, out, engine.ImportOptions{}); err == nil || !strings.Contains(err.Error(), "--passphrase-file") {
		t.Errorf("no passphrase: %v", err)
	}
	if after := rowCounts(t, pool2); !equalCounts(before, after) {
		t.Fatalf("a refused import wrote rows: %v -> %v", before, after)
	}
	dry, err := svc2.Import(ctx, out, engine.ImportOptions{DryRun: true})
	if err != nil || !dry.SecretValuesUnchecked || !reflect.DeepEqual(dry.SecretsSet, []string{"smtp_password", "stripe_key"}) || len(dry.MissingSecrets) != 0 {
		t.Errorf("dry run without a passphrase: %+v %v", dry, err)
	}
	res, err := svc2.Import(ctx, out, engine.ImportOptions{Passphrase: passphrase("pass one")})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res.SecretsSet, []string{"smtp_password", "stripe_key"}) || !reflect.DeepEqual(res.SecretsGenerated, []string{"db_password"}) || len(res.MissingSecrets) != 0 {
		t.Errorf("import: set %v, generated %v, missing %v", res.SecretsSet, res.SecretsGenerated, res.MissingSecrets)
	}
	if got := reveal(t, svc2, "vault", "stripe_key"); got != stripePlain {
		t.Errorf("stripe_key after import: %q", got)
	}
	if got := reveal(t, svc2, "vault", "smtp_password"); got != smtpPlain {
		t.Errorf("smtp_password after import: %q", got)
	}
	if got := reveal(t, svc2, "vault", "db_password"); got == dbPassword || len(got) < 16 {
		t.Errorf("the import did not generate its own database password")
	}
}

// A value blob from another export (spliced in by hand) is refused by name, and nothing
// is written.
func TestImportWithSecrets_ForeignValueRefused(t *testing.T) {
	svc, pool := transferService(t)
	ctx := t.Context()
	doc := golden(t, "secret-values")
	d, err := transfer.Decode(doc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Import(ctx, valuesStack(t), engine.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SetSecret(ctx, "vault", "stripe_key", secrets.NewValue(stripePlain)); err != nil {
		t.Fatal(err)
	}
	other, _, err := svc.Export(ctx, "vault", engine.ExportOptions{WithSecrets: true, Passphrase: secrets.NewValue(goldenPassphrase)})
	if err != nil {
		t.Fatal(err)
	}
	o, _ := transfer.Decode(other)
	d.SecretValues.Values["stripe_key"] = o.SecretValues.Values["stripe_key"]
	spliced, err := transfer.Encode(d)
	if err != nil {
		t.Fatal(err)
	}
	before := rowCounts(t, pool)
	_, err = svc.Import(ctx, spliced, engine.ImportOptions{Passphrase: passphrase(goldenPassphrase)})
	var me *model.Error
	if !errors.As(err, &me) || me.Field != "secretValues.values.stripe_key" || !strings.Contains(me.Summary, "does not decrypt secret stripe_key") {
		t.Fatalf("got %v", err)
	}
	if after := rowCounts(t, pool); !equalCounts(before, after) {
		t.Fatalf("rows changed: %v -> %v", before, after)
	}
}

// import --update with values: new and changed values are stored in the update's
// transaction and shown as changes; an equal value is no change; a wrong passphrase
// changes nothing.
func TestImportUpdate_SecretValues(t *testing.T) {
	svc, pool := transferService(t)
	ctx := t.Context()
	names := golden(t, "secrets")
	if _, err := svc.Import(ctx, names, engine.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	withValues := golden(t, "secret-values")
	before := rowCounts(t, pool)
	if _, err := svc.ImportUpdate(ctx, withValues, "mailer", engine.UpdateOptions{Passphrase: passphrase("nope")}); err == nil {
		t.Fatal("a wrong passphrase was accepted")
	}
	if after := rowCounts(t, pool); !equalCounts(before, after) {
		t.Fatalf("rows changed: %v -> %v", before, after)
	}
	res, err := svc.ImportUpdate(ctx, withValues, "mailer", engine.UpdateOptions{Passphrase: passphrase(goldenPassphrase)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Changes) != 1 || res.Changes[0].Action != "+" || res.Changes[0].Subject != "secret stripe_key" ||
		!reflect.DeepEqual(res.SecretsSet, []string{"stripe_key"}) || !reflect.DeepEqual(res.MissingSecrets, []string{"smtp_password"}) {
		t.Fatalf("update: %+v", res)
	}
	if got := reveal(t, svc, "mailer", "stripe_key"); got != goldenStripeValue {
		t.Fatalf("stripe_key: %q", got)
	}
	res, err = svc.ImportUpdate(ctx, withValues, "mailer", engine.UpdateOptions{Passphrase: passphrase(goldenPassphrase)})
	if err != nil || len(res.Changes) != 0 {
		t.Fatalf("the same file again: %+v %v", res, err)
	}
	if _, err := svc.SetSecret(ctx, "mailer", "stripe_key", secrets.NewValue("local")); err != nil {
		t.Fatal(err)
	}
	res, err = svc.ImportUpdate(ctx, withValues, "mailer", engine.UpdateOptions{Passphrase: passphrase(goldenPassphrase), DryRun: true})
	if err != nil || len(res.Changes) != 1 || res.Changes[0].Action != "~" {
		t.Fatalf("dry run of a changed value: %+v %v", res, err)
	}
	if got := reveal(t, svc, "mailer", "stripe_key"); got != "local" {
		t.Fatalf("a dry run wrote: %q", got)
	}
	if _, err := svc.ImportUpdate(ctx, withValues, "mailer", engine.UpdateOptions{Passphrase: passphrase(goldenPassphrase)}); err != nil {
		t.Fatal(err)
	}
	if got := reveal(t, svc, "mailer", "stripe_key"); got != goldenStripeValue {
		t.Fatalf("stripe_key after the update: %q", got)
	}
}

// BenchmarkExportImport50WithSecrets is one export --with-secrets and one import with the
// passphrase of a 50-instance stack whose workers reference 10 secrets with values;
// BenchmarkExportImport50NoValues, the same stack exported and imported with names only, is
// the reference measured in the same run. The difference is two scrypt derivations (one to
// write the key blob, one to read it), whatever the number of values.
func BenchmarkExportImport50WithSecrets(b *testing.B) { benchExportImport50(b, true) }
func BenchmarkExportImport50NoValues(b *testing.B)    { benchExportImport50(b, false) }

func benchExportImport50(b *testing.B, withValues bool) {
	svc, _ := transferService(b)
	ctx := b.Context()
	if _, err := svc.Import(ctx, bigStack("tx-bench", 50, benchName), engine.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	for i := range 10 {
		name := fmt.Sprintf("api_key_%d", i)
		if _, err := svc.UpdateInstance(ctx, "tx-bench", benchName(i*5+1), []string{"environment.API_KEY=${secret:" + name + "}"}, nil); err != nil {
			b.Fatal(err)
		}
		if _, err := svc.SetSecret(ctx, "tx-bench", name, secrets.NewValue(fmt.Sprintf("value-%d-%040d", i, i))); err != nil {
			b.Fatal(err)
		}
	}
	opts := engine.ExportOptions{WithSecrets: withValues, Passphrase: secrets.NewValue("bench passphrase")}
	in := engine.ImportOptions{}
	if withValues {
		in.Passphrase = passphrase("bench passphrase")
	}
	n := 0
	for b.Loop() {
		n++
		doc, _, err := svc.Export(ctx, "tx-bench", opts)
		if err != nil {
			b.Fatal(err)
		}
		in.Name = fmt.Sprintf("tx-c%d", n)
		res, err := svc.Import(ctx, doc, in)
		if err != nil {
			b.Fatal(err)
		}
		if withValues && len(res.SecretsSet) != 10 {
			b.Fatalf("%d values imported", len(res.SecretsSet))
		}
	}
}
