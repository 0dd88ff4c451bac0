package bindings_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/bindings"
	"github.com/devarch/devarch/backend/secrets"
)

// The window's export with secret values and import with a passphrase: the file holds
// ciphertext only; the preview lists the carried values unchecked; a wrong passphrase
// creates nothing; the right one stores the value.
func TestTransfer_WithSecrets(t *testing.T) {
	t.Setenv(secrets.EnvMasterKeyFile, filepath.Join(t.TempDir(), "master.key"))
	tr, svc, _ := transferHost(t)
	ctx := t.Context()
	if _, err := svc.UpdateInstance(ctx, "tx1", "web", []string{"environment.API_TOKEN=${secret:api_token}"}, nil); err != nil {
		t.Fatal(err)
	}
	const token = "tok-window-PLAINTEXT-2291"
	if _, err := svc.SetSecret(ctx, "tx1", "api_token", secrets.NewValue(token)); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "devarch.yml")
	if _, err := tr.ExportWithSecrets("tx1", path, ""); asProblem(t, err).Field != "passphrase" {
		t.Errorf("an empty passphrase: %v", err)
	}
	if _, err := tr.ExportWithSecrets("tx1", path, "window pass"); err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(doc), token) || !strings.Contains(string(doc), "api_token: |") {
		t.Fatalf("want api_token encrypted, never in plaintext:\n%s", doc)
	}
	p, err := tr.PreviewImport(path, "tx2")
	if err != nil || !p.SecretValuesUnchecked || !reflect.DeepEqual(p.SecretsSet, []string{"api_token"}) {
		t.Fatalf("preview: %+v %v", p, err)
	}
	if _, err := tr.ImportWithPassphrase(path, "tx2", "not it"); !strings.Contains(asProblem(t, err).Summary, "passphrase does not decrypt") {
		t.Errorf("wrong passphrase: %v", err)
	}
	if _, err := tr.PreviewImportWithPassphrase(path, "tx2", "not it"); !strings.Contains(asProblem(t, err).Summary, "passphrase does not decrypt") {
		t.Errorf("preview, wrong passphrase: %v", err)
	}
	if names := stackNames(t, svc); reflect.DeepEqual(names, []string{"tx1", "tx2"}) {
		t.Fatal("a wrong passphrase created the stack")
	}
	for _, preview := range []func() (bindings.ImportPreview, error){
		func() (bindings.ImportPreview, error) {
			return tr.PreviewImportWithPassphrase(path, "tx2", "window pass")
		},
		func() (bindings.ImportPreview, error) {
			return tr.PreviewImportContentWithPassphrase(string(doc), "tx2", "window pass")
		},
	} {
		p, err := preview()
		if err != nil || p.SecretValuesUnchecked || !p.DryRun || !reflect.DeepEqual(p.SecretsSet, []string{"api_token"}) {
			t.Fatalf("preview, right passphrase: %+v %v", p, err)
		}
	}
	if names := stackNames(t, svc); reflect.DeepEqual(names, []string{"tx1", "tx2"}) {
		t.Fatal("a preview with the passphrase created the stack")
	}
	res, err := tr.ImportContentWithPassphrase(string(doc), "tx2", "window pass")
	if err != nil || !reflect.DeepEqual(res.SecretsSet, []string{"api_token"}) {
		t.Fatalf("import: %+v %v", res, err)
	}
	if v, err := svc.RevealSecret(ctx, "tx2", "api_token"); err != nil || v.Reveal() != token {
		t.Fatalf("api_token after import: %v", err)
	}
}
