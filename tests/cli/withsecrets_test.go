//go:build unix

package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// export --with-secrets -> import into another installation (its own database and master
// key), through the binary: the passphrase comes from --passphrase-file (stdin is not a
// terminal here, so without it both commands refuse, naming the flag); the file holds
// ciphertext only; a wrong passphrase creates nothing; the values read back with secret
// reveal; the generated database password is the importing installation's own.
func TestExportImportWithSecrets_CLI(t *testing.T) {
	homeA, homeB := tempHome(t), tempHome(t)
	a := map[string]string{"DEVARCH_HOME": homeA, "DEVARCH_DATABASE_URL": databaseURL(t), "DEVARCH_MASTER_KEY_FILE": homeA + "/master.key"}
	b := map[string]string{"DEVARCH_HOME": homeB, "DEVARCH_DATABASE_URL": databaseURL(t), "DEVARCH_MASTER_KEY_FILE": homeB + "/master.key"}
	const token = "tok-PLAINTEXT-marker-9913"
	mustRun(t, a, "devarch", "stack", "create", "sv")
	mustRun(t, a, "devarch", "instance", "add", "sv", "app", "--template", "node", "--set", "environment.API_TOKEN=${secret:api_token}")
	mustRun(t, a, "devarch", "instance", "add", "sv", "db", "--template", "postgres")
	mustRunIn(t, a, token+"\n", "secret", "set", "sv", "api_token")
	dbPassword := strings.TrimSpace(mustRun(t, a, "devarch", "secret", "reveal", "sv", "db_password").stdout)

	file := filepath.Join(homeA, "devarch.yml")
	r := run(t, a, "devarch", "export", "sv", "-o", file, "--with-secrets")
	if r.code == 0 || !strings.Contains(r.stderr, "--passphrase-file") {
		t.Fatalf("--with-secrets without a terminal or --passphrase-file: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(file); err == nil {
		t.Fatal("a refused export wrote the file")
	}
	empty := writeFile(t, homeA, "empty.pass", "\n")
	if r := run(t, a, "devarch", "export", "sv", "--with-secrets", "--passphrase-file", empty); r.code == 0 || !strings.Contains(r.stderr, "passphrase is empty") {
		t.Errorf("empty passphrase: exit %d\n%s", r.code, r.stderr)
	}
	pass := writeFile(t, homeA, "right.pass", "correct horse\n")
	mustRun(t, a, "devarch", "export", "sv", "-o", file, "--with-secrets", "--passphrase-file", pass)
	doc, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, plain := range []string{token, dbPassword, "correct horse"} {
		if strings.Contains(string(doc), plain) {
			t.Fatalf("the file holds a plaintext (%d bytes):\n%s", len(plain), doc)
		}
	}
	if !strings.Contains(string(doc), "secretValues:\n  key: |\n    -----BEGIN AGE ENCRYPTED FILE-----\n") ||
		!strings.Contains(string(doc), "  values:\n    api_token: |\n      -----BEGIN AGE ENCRYPTED FILE-----\n") ||
		strings.Contains(string(doc), "db_password: |") {
		t.Fatalf("want an encrypted api_token and no db_password value:\n%s", doc)
	}
	// Exported again over the file with the same passphrase: nothing changed, same bytes.
	mustRun(t, a, "devarch", "export", "sv", "-o", file, "--with-secrets", "--passphrase-file", pass)
	if again, _ := os.ReadFile(file); string(again) != string(doc) {
		t.Errorf("re-export over the unchanged file changed it:\n%s", again)
	}

	// The other installation.
	r = run(t, b, "devarch", "import", file)
	if r.code == 0 || !strings.Contains(r.stderr, "--passphrase-file") || !strings.Contains(r.stderr, "api_token") {
		t.Errorf("import without a passphrase: exit %d\n%s", r.code, r.stderr)
	}
	wrong := writeFile(t, homeB, "wrong.pass", "correct horsf\n")
	r = run(t, b, "devarch", "import", file, "--passphrase-file", wrong)
	if r.code == 0 || !strings.Contains(r.stderr, "passphrase does not decrypt") || strings.Contains(r.stderr, "AGE ENCRYPTED") {
		t.Errorf("wrong passphrase: exit %d\n%s", r.code, r.stderr)
	}
	if r := mustRun(t, b, "devarch", "stack", "list", "--json"); strings.Contains(r.stdout, `"sv"`) {
		t.Fatalf("a refused import created the stack:\n%s", r.stdout)
	}
	r = mustRun(t, b, "devarch", "import", file, "--dry-run")
	if !strings.Contains(r.stdout, "encrypted values in the file (not decrypted: give --passphrase-file to check the passphrase): api_token") {
		t.Errorf("dry run without a passphrase:\n%s", r.stdout)
	}
	r = mustRun(t, b, "devarch", "import", file, "--passphrase-file", pass)
	if !strings.Contains(r.stdout, "secret values from the file, stored encrypted: api_token") || !strings.Contains(r.stdout, "generated secrets: db_password") ||
		strings.Contains(r.stdout, "devarch secret set") {
		t.Errorf("import:\n%s", r.stdout)
	}
	if got := mustRun(t, b, "devarch", "secret", "reveal", "sv", "api_token").stdout; strings.TrimSpace(got) != token {
		t.Errorf("api_token after import: %q", got)
	}
	if got := strings.TrimSpace(mustRun(t, b, "devarch", "secret", "reveal", "sv", "db_password").stdout); got == dbPassword || got == "" {
		t.Error("the import did not generate its own database password")
	}
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
