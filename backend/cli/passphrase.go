package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/secrets"
)

// The passphrase of a devarch.yml's encrypted secret values (export --with-secrets,
// import): asked on the terminal without echo, or read from --passphrase-file in scripts.
// Never from argv (process listings, shell history) nor from the environment (inherited by
// every child process, readable in /proc by the same user).

func passphraseFileFlag(c *cobra.Command) *string {
	f := c.Flags().String("passphrase-file", "", "read the secret values' passphrase from the first line of `FILE` (scripts; otherwise asked on the terminal)")
	_ = c.RegisterFlagCompletionFunc("passphrase-file", fileCompletion)
	return f
}

// maxPassphraseFile bounds what is read of a passphrase file: its first line is the
// passphrase, and a file much larger than that is not one.
const maxPassphraseFile = 64 << 10

// passphrase returns the passphrase: the first line of file (its line ending dropped) when
// file is given, else typed on the terminal (twice with confirm, for an export: a typo
// there would make the file unreadable). An empty passphrase is refused; so is a missing
// file, and no terminal without --passphrase-file.
func (env *cmdEnv) passphrase(file string, confirm bool) (secrets.Value, error) {
	if file != "" {
		return readPassphraseFile(file)
	}
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		return secrets.Value{}, model.Invalid("passphrase-file", "the secret values' passphrase cannot be asked: standard input is not a terminal",
			"In a script, give it in a file: --passphrase-file FILE (its first line is the passphrase).")
	}
	ask := func(prompt string) (secrets.Value, error) {
		fmt.Fprint(env.stderr, prompt)
		b, err := term.ReadPassword(fd)
		fmt.Fprintln(env.stderr)
		if err != nil {
			return secrets.Value{}, model.Invalid("passphrase", "cannot read the passphrase", err.Error())
		}
		v := secrets.ValueFromBytes(b)
		clear(b)
		return v, nil
	}
	v, err := ask("Passphrase for the secret values (input hidden): ")
	if err != nil {
		return secrets.Value{}, err
	}
	if v.IsZero() {
		return secrets.Value{}, emptyPassphrase()
	}
	if confirm {
		again, err := ask("The same passphrase again: ")
		if err != nil {
			return secrets.Value{}, err
		}
		if !again.Equal(v) {
			return secrets.Value{}, model.Invalid("passphrase", "the two passphrases differ", "Nothing was written. Run the command again and type the same passphrase twice.")
		}
	}
	return v, nil
}

func readPassphraseFile(path string) (secrets.Value, error) {
	f, err := os.Open(path)
	if err != nil {
		return secrets.Value{}, model.Invalid("passphrase-file", "cannot read the passphrase file", err.Error())
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxPassphraseFile))
	if err != nil {
		return secrets.Value{}, model.Invalid("passphrase-file", "cannot read the passphrase file", err.Error())
	}
	line := b
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		line = b[:i]
	} else if len(b) == maxPassphraseFile {
		clear(b)
		return secrets.Value{}, model.Invalid("passphrase-file", "the passphrase file's first line is longer than 64 KiB",
			"The passphrase is the file's first line; give a file holding just the passphrase.")
	}
	line = bytes.TrimSuffix(line, []byte("\r"))
	v := secrets.ValueFromBytes(line)
	clear(b)
	if v.IsZero() {
		return secrets.Value{}, emptyPassphrase()
	}
	return v, nil
}

func emptyPassphrase() error {
	return model.Invalid("passphrase", "the passphrase is empty", "Secret values are encrypted with a passphrase: give a non-empty one. Nothing was written.")
}

// importPassphrase is the passphrase source of an import of a file that may carry
// encrypted values: --passphrase-file, else the terminal (not when the file itself comes
// on standard input, nor for a dry run, which never asks); nil when neither, and the
// engine then names --passphrase-file (or, for a dry run, lists the values unchecked).
func (env *cmdEnv) importPassphrase(file string, dryRun, docOnStdin bool) func() (secrets.Value, error) {
	if file != "" {
		return func() (secrets.Value, error) { return readPassphraseFile(file) }
	}
	if dryRun || docOnStdin || !term.IsTerminal(int(os.Stdin.Fd())) {
		return nil
	}
	return func() (secrets.Value, error) { return env.passphrase("", false) }
}
