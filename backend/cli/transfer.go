package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/devarch/devarch/backend/atomicfile"
	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/transfer"
)

// devarch export / import: a stack as one devarch.yml file (docs/devarch-yml.md).

func (env *cmdEnv) exportCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "export STACK",
		Short: "Write a stack as a devarch.yml file (definition, secret names; values only encrypted, with --with-secrets)",
		Long: `Write a stack's definition as a devarch.yml document: its instances with their overrides,
its explicit wires, the custom templates they use (embedded) and the names of the secrets
they reference. Secret values are never written; generated database passwords are not
listed (each import generates its own). The document goes to stdout, or with -o to FILE
(written atomically). A field holding an absolute host path is exported as it is, with a
warning on stderr: it may not exist on another machine. Relative paths (./app) travel:
an import resolves them under the file's folder, so write the file at the stack's project
root (a warning says so when -o puts it elsewhere).

--with-secrets also writes the values of the listed secrets, encrypted with a passphrase
(age; one armored block per secret, so the file stays diffable). The passphrase is asked
on the terminal (twice, without echo) or read from --passphrase-file FILE (its first line)
in scripts; never from the command line or the environment. Plaintext never appears in the
file, and generated database passwords are never written (each import generates its own).
Exporting with -o over a previous file with the same passphrase keeps the encrypted block
of every unchanged value, so only changed secrets show in a diff (see docs/secrets.md).`,
		Example: `  devarch export shop > devarch.yml
  devarch export shop -o devarch.yml
  devarch export shop -o devarch.yml --with-secrets
  devarch export shop -o devarch.yml --with-secrets --passphrase-file ~/.config/shop.pass`,
		Args:              args(1, 1, "exactly one STACK", nil),
		ValidArgsFunction: env.completeArgs(stackNames),
	}
	out := c.Flags().StringP("output", "o", "", "write to `FILE` instead of stdout")
	_ = c.RegisterFlagCompletionFunc("output", fileCompletion)
	withSecrets := c.Flags().Bool("with-secrets", false, "also write the secret values, encrypted with a passphrase (asked, or --passphrase-file)")
	passFile := passphraseFileFlag(c)
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		if *passFile != "" && !*withSecrets {
			return usageError{"--passphrase-file goes with --with-secrets (a file without values needs no passphrase)"}
		}
		opts := engine.ExportOptions{WithSecrets: *withSecrets}
		if *out != "" {
			opts.Dir = filepath.Dir(*out)
		}
		if *withSecrets {
			pass, err := env.passphrase(*passFile, true)
			if err != nil {
				return err
			}
			opts.Passphrase = pass
			if *out != "" {
				// The file being replaced: its unchanged values keep their encrypted blocks.
				if prev, err := readDevarchYML(*out); err == nil {
					opts.Previous = prev
				}
			}
		}
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			doc, warnings, err := svc.Export(c.Context(), a[0], opts)
			if err != nil {
				return err
			}
			for _, w := range warnings {
				fmt.Fprintf(env.stderr, "warning: %s\n", w)
			}
			if *out == "" {
				_, err := env.stdout.Write(doc)
				return err
			}
			if err := atomicfile.Write(*out, doc, 0o644); err != nil {
				return model.Invalid("output", "cannot write "+*out, err.Error())
			}
			fmt.Fprintf(env.stderr, "Exported stack %s to %s.\n", a[0], *out)
			return nil
		})
	})
}

func (env *cmdEnv) importCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "import FILE",
		Short: "Create a stack from a devarch.yml file (- reads stdin)",
		Long: `Create a stack from a devarch.yml document (- reads standard input). Everything is checked
first (the file, the templates, the overrides, the wires) and every problem reported at
once; then the stack is written in one transaction: all or nothing. A stack of the same
name is an error: import it under another name with --name. Embedded custom templates are
created, or reused when one of the same name is identical (one that differs is an error
naming the differences). The secrets the file names have no value yet: set them with
devarch secret set before applying (the plan refuses until then). --dry-run checks and
reports what would be created without writing anything.

A file exported with --with-secrets carries encrypted values: the passphrase is asked on
the terminal (without echo) or read from --passphrase-file FILE (its first line). Every
value is decrypted before anything is written, then stored encrypted with this
installation's master key in the import's transaction; a wrong passphrase writes nothing.
--dry-run decrypts only with --passphrase-file (it never asks): without it, it lists the
secrets the file carries values for, unchecked.

The new stack's project root, where its relative bind mounts and build contexts (./app)
resolve, is the file's folder: a devarch.yml committed at a repository's root works there
as it is. --root DIR chooses another; a file from stdin gets the stack's own folder under
the data home unless --root is given.

--update STACK brings an existing stack in line with a changed file (a teammate committed a
new devarch.yml): it shows the changes to the stack's definition (instances added, removed
or changed with each override's old and new value, wires, templates, description) and writes
them in one transaction. Stored secret values stay (unless the file carries another,
encrypted, value); added databases get generated
passwords. Containers are not touched: the next plan shows what the changes mean for them.`,
		Example: `  devarch import devarch.yml
  devarch import devarch.yml --name shop-2 --dry-run
  devarch import ~/src/shop/devarch.yml --name shop-wt --root ~/src/shop-worktree
  devarch import devarch.yml --update shop --dry-run
  devarch import devarch.yml --passphrase-file ~/.config/shop.pass
  curl -s https://example.com/devarch.yml | devarch import - --name shop`,
		Args:              args(1, 1, "exactly one FILE (- for stdin)", nil),
		ValidArgsFunction: fileCompletion,
	}
	asJSON := jsonFlag(c)
	name := c.Flags().String("name", "", "import the stack under `NEW` instead of the file's name")
	dryRun := c.Flags().Bool("dry-run", false, "check and report, write nothing")
	root := c.Flags().String("root", "", "the new stack's project root `DIR` (default: the file's folder)")
	_ = c.RegisterFlagCompletionFunc("root", dirCompletion)
	update := c.Flags().String("update", "", "bring the existing stack `STACK` in line with the file (shows the changes; writes them in one transaction)")
	_ = c.RegisterFlagCompletionFunc("update", env.completeWith(stackNames))
	passFile := passphraseFileFlag(c)
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		if *update != "" && (*name != "" || *root != "") {
			return usageError{"--update STACK keeps the stack's name and project root: leave out --name and --root"}
		}
		doc, err := readDevarchYML(a[0])
		if err != nil {
			return err
		}
		ask := env.importPassphrase(*passFile, *dryRun, a[0] == "-")
		if *update != "" {
			return env.withBackend(c.Context(), func(svc *engine.Service) error {
				res, err := svc.ImportUpdate(c.Context(), doc, *update, engine.UpdateOptions{DryRun: *dryRun, Passphrase: ask})
				if err != nil {
					return err
				}
				if *asJSON {
					return env.printJSON(toUpdateJSON(res))
				}
				env.printUpdate(res)
				return nil
			})
		}
		projectRoot, err := importRoot(a[0], *root)
		if err != nil {
			return err
		}
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			res, err := svc.Import(c.Context(), doc, engine.ImportOptions{Name: *name, Root: projectRoot, DryRun: *dryRun, Passphrase: ask})
			if err != nil {
				return err
			}
			if *asJSON {
				return env.printJSON(toDevarchImportJSON(res))
			}
			for _, w := range res.Warnings {
				fmt.Fprintf(env.stderr, "warning: %s\n", w)
			}
			verb := "Imported"
			if res.DryRun {
				verb = "Would import"
			}
			fmt.Fprintf(env.stdout, "%s stack %s: %s, %s.\n", verb, res.Stack, count(len(res.Instances), "instance"), count(res.Wires, "wire"))
			fmt.Fprintf(env.stdout, "  project root: %s (relative bind mounts and build contexts resolve here)\n", res.Root)
			if len(res.TemplatesCreated) > 0 {
				fmt.Fprintf(env.stdout, "  new custom templates: %s\n", strings.Join(res.TemplatesCreated, ", "))
			}
			if len(res.TemplatesReused) > 0 {
				fmt.Fprintf(env.stdout, "  existing identical templates used: %s\n", strings.Join(res.TemplatesReused, ", "))
			}
			env.printSecretValues(res.SecretsSet, res.SecretValuesUnchecked, res.DryRun)
			env.printSecretNeeds(res.Stack, res.SecretsGenerated, res.MissingSecrets)
			if res.DryRun {
				fmt.Fprintf(env.stdout, "\nNothing was written (--dry-run).\n")
			} else {
				fmt.Fprintf(env.stdout, "\nNext: devarch plan %s\n", res.Stack)
			}
			return nil
		})
	})
}

// importRoot is the project root of a stack imported from file: --root made absolute when
// given, else the file's folder ("" for standard input: the stack's own folder).
func importRoot(file, flag string) (string, error) {
	switch {
	case flag != "":
		return absPath(flag)
	case file == "-":
		return "", nil
	default:
		return absPath(filepath.Dir(file))
	}
}

func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// readDevarchYML reads the document at path ("-" for standard input) without ever holding
// more than transfer.MaxSize+1 bytes: a file's size is checked before it is read, and a
// stream is read up to one byte over the limit, which transfer.CheckSize refuses.
func readDevarchYML(path string) ([]byte, error) {
	r := io.Reader(os.Stdin)
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, model.Invalid("file", "cannot read the devarch.yml file", err.Error())
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			if err := transfer.CheckSize(st.Size()); err != nil {
				return nil, err
			}
		}
		r = f
	}
	doc, err := io.ReadAll(io.LimitReader(r, transfer.MaxSize+1))
	if err != nil {
		return nil, model.Invalid("file", "cannot read the devarch.yml file", err.Error())
	}
	if err := transfer.CheckSize(int64(len(doc))); err != nil {
		return nil, err
	}
	return doc, nil
}

// importJSON is `import --json` (docs/cli-json.md).
type importJSON struct {
	Stack            string   `json:"stack"`
	DryRun           bool     `json:"dryRun"`
	Root             string   `json:"root"`
	Instances        []string `json:"instances"`
	WireCount        int      `json:"wireCount"`
	TemplatesCreated []string `json:"templatesCreated"`
	TemplatesReused  []string `json:"templatesReused"`
	SecretsGenerated []string `json:"secretsGenerated"`
	MissingSecrets   []string `json:"missingSecrets"`
	Warnings         []string `json:"warnings"`
}

func toImportJSON(r engine.ImportResult) importJSON {
	return importJSON{Stack: r.Stack, DryRun: r.DryRun, Root: r.Root, Instances: nonNil(r.Instances), WireCount: r.Wires,
		TemplatesCreated: nonNil(r.TemplatesCreated), TemplatesReused: nonNil(r.TemplatesReused),
		SecretsGenerated: nonNil(r.SecretsGenerated), MissingSecrets: nonNil(r.MissingSecrets), Warnings: nonNil(r.Warnings)}
}

// devarchImportJSON is `import --json` of a devarch.yml: importJSON (shared with
// import-compose) and the file's encrypted secret values.
type devarchImportJSON struct {
	importJSON
	// SecretsSet are the secrets stored with a value the file carries (export
	// --with-secrets); with SecretValuesUnchecked (a dry run without a passphrase) those the
	// file carries values for, not decrypted.
	SecretsSet            []string `json:"secretsSet"`
	SecretValuesUnchecked bool     `json:"secretValuesUnchecked"`
}

func toDevarchImportJSON(r engine.ImportResult) devarchImportJSON {
	return devarchImportJSON{importJSON: toImportJSON(r), SecretsSet: nonNil(r.SecretsSet), SecretValuesUnchecked: r.SecretValuesUnchecked}
}

// printSecretNeeds prints the secrets an import or update generated, then those without a
// value with the command that sets each.
func (env *cmdEnv) printSecretNeeds(stack string, generated, missing []string) {
	if len(generated) > 0 {
		fmt.Fprintf(env.stdout, "  generated secrets: %s\n", strings.Join(generated, ", "))
	}
	if len(missing) > 0 {
		fmt.Fprintf(env.stdout, "\nSecrets without a value (the plan refuses to apply until they are set):\n")
		for _, s := range missing {
			fmt.Fprintf(env.stdout, "  devarch secret set %s %s\n", stack, s)
		}
	}
}

// printSecretValues prints the secrets whose values the file carried: stored (or, for a
// dry run, to be stored), or only carried when they were not decrypted.
func (env *cmdEnv) printSecretValues(set []string, unchecked, dryRun bool) {
	switch {
	case len(set) == 0:
	case unchecked:
		fmt.Fprintf(env.stdout, "  encrypted values in the file (not decrypted: give --passphrase-file to check the passphrase): %s\n", strings.Join(set, ", "))
	case dryRun:
		fmt.Fprintf(env.stdout, "  secret values from the file (passphrase checked): %s\n", strings.Join(set, ", "))
	default:
		fmt.Fprintf(env.stdout, "  secret values from the file, stored encrypted: %s\n", strings.Join(set, ", "))
	}
}

// printUpdate prints an update's changes as a diff, then what follows.
func (env *cmdEnv) printUpdate(res engine.UpdateResult) {
	for _, w := range res.Warnings {
		fmt.Fprintf(env.stderr, "warning: %s\n", w)
	}
	if len(res.Changes) == 0 {
		fmt.Fprintf(env.stdout, "Stack %s already matches the file: nothing to change.\n", res.Stack)
		if res.SecretValuesUnchecked {
			env.printSecretValues(res.SecretsSet, true, true)
		}
		return
	}
	verb := "Updated"
	if res.DryRun {
		verb = "Would update"
	}
	fmt.Fprintf(env.stdout, "%s stack %s:\n", verb, res.Stack)
	for _, ch := range res.Changes {
		if len(ch.Details) == 1 && ch.Action != "~" || len(ch.Details) == 1 && !strings.HasPrefix(ch.Subject, "instance ") {
			fmt.Fprintf(env.stdout, "  %s %s (%s)\n", ch.Action, ch.Subject, ch.Details[0])
			continue
		}
		fmt.Fprintf(env.stdout, "  %s %s\n", ch.Action, ch.Subject)
		for _, d := range ch.Details {
			fmt.Fprintf(env.stdout, "      %s\n", d)
		}
	}
	if res.SecretValuesUnchecked {
		env.printSecretValues(res.SecretsSet, true, true)
	}
	env.printSecretNeeds(res.Stack, res.SecretsGenerated, res.MissingSecrets)
	if res.DryRun {
		fmt.Fprintf(env.stdout, "\n%s; nothing was written (--dry-run).\n", count(len(res.Changes), "change"))
		return
	}
	fmt.Fprintf(env.stdout, "\n%s written in one transaction (revision %d). The containers are as they were.\nNext: devarch plan %s\n",
		count(len(res.Changes), "change"), res.Revision, res.Stack)
}

// updateJSON is `import --update --json` (docs/cli-json.md).
type updateJSON struct {
	Stack            string                 `json:"stack"`
	DryRun           bool                   `json:"dryRun"`
	Revision         int64                  `json:"revision"`
	Changes          []definitionChangeJSON `json:"changes"`
	TemplatesCreated []string               `json:"templatesCreated"`
	SecretsGenerated []string               `json:"secretsGenerated"`
	MissingSecrets   []string               `json:"missingSecrets"`
	Warnings         []string               `json:"warnings"`
	// SecretsSet and SecretValuesUnchecked: as for import.
	SecretsSet            []string `json:"secretsSet"`
	SecretValuesUnchecked bool     `json:"secretValuesUnchecked"`
}

type definitionChangeJSON struct {
	Action  string   `json:"action"`
	Subject string   `json:"subject"`
	Details []string `json:"details"`
}

func toUpdateJSON(r engine.UpdateResult) updateJSON {
	out := updateJSON{Stack: r.Stack, DryRun: r.DryRun, Revision: r.Revision, Changes: []definitionChangeJSON{},
		TemplatesCreated: nonNil(r.TemplatesCreated), SecretsGenerated: nonNil(r.SecretsGenerated),
		MissingSecrets: nonNil(r.MissingSecrets), Warnings: nonNil(r.Warnings),
		SecretsSet: nonNil(r.SecretsSet), SecretValuesUnchecked: r.SecretValuesUnchecked}
	for _, c := range r.Changes {
		out.Changes = append(out.Changes, definitionChangeJSON{Action: c.Action, Subject: c.Subject, Details: nonNil(c.Details)})
	}
	return out
}
