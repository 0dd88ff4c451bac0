package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/devarch/devarch/backend/engine"
)

// devarch import-compose: a stack from an existing compose project (docs/import-compose.md).

func (env *cmdEnv) importComposeCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "import-compose FILE [FILE...] --stack NAME",
		Short: "Create a stack from an existing docker-compose project, with a report of what changed",
		Long: `Create a stack from a compose project, read the way docker compose reads it (.env and
env_file, interpolation, extends, include, profiles, several files merged in order). Each
service becomes an instance of a custom template made from it (named STACK-SERVICE); the
project's folder becomes the stack's root, so relative bind mounts and build contexts point
where they did. Variables named like credentials (PASSWORD, SECRET, TOKEN, API_KEY...) move
into stack secrets. The fidelity report lists every field DevArch changed (container_name,
networks, ports published on 127.0.0.1) or could not carry, with its path: nothing is
dropped silently. Like import, everything is checked first and written in one transaction;
--dry-run writes nothing.`,
		Example: `  devarch import-compose docker-compose.yml --stack shop
  devarch import-compose compose.yaml compose.override.yaml --stack shop --profile debug --dry-run`,
		Args:              args(1, 8, "one or more compose FILEs", nil),
		ValidArgsFunction: fileCompletion,
	}
	asJSON := jsonFlag(c)
	stack := c.Flags().String("stack", "", "name of the new stack (required)")
	profiles := c.Flags().StringArray("profile", nil, "enable services of `PROFILE` (repeatable)")
	dryRun := c.Flags().Bool("dry-run", false, "check and report, write nothing")
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		return env.withBackend(c.Context(), func(svc *engine.Service) error {
			res, err := svc.ImportCompose(c.Context(), engine.ComposeImportOptions{Files: a, Profiles: *profiles, Stack: *stack, DryRun: *dryRun})
			if err != nil {
				return err
			}
			if *asJSON {
				return env.printJSON(toImportComposeJSON(res))
			}
			verb := "Imported"
			if res.DryRun {
				verb = "Would import"
			}
			fmt.Fprintf(env.stdout, "%s stack %s: %s.\n", verb, res.Stack, count(len(res.Instances), "instance"))
			if len(res.TemplatesCreated) > 0 {
				fmt.Fprintf(env.stdout, "  new custom templates: %s\n", strings.Join(res.TemplatesCreated, ", "))
			}
			if len(res.SecretsSet) > 0 {
				fmt.Fprintf(env.stdout, "  credentials stored as stack secrets: %s\n", strings.Join(res.SecretsSet, ", "))
			}
			if len(res.Report) > 0 {
				fmt.Fprintf(env.stdout, "\nWhat changed from the compose project (%d):\n", len(res.Report))
				for _, f := range res.Report {
					fmt.Fprintf(env.stdout, "  %-12s %s: %s\n", f.Change, f.Path, f.Detail)
				}
			} else {
				fmt.Fprintf(env.stdout, "\nEvery field was carried as it was.\n")
			}
			for _, w := range res.Warnings {
				fmt.Fprintf(env.stderr, "warning: %s\n", w)
			}
			if res.DryRun {
				fmt.Fprintf(env.stdout, "\nNothing was written (--dry-run).\n")
			} else {
				fmt.Fprintf(env.stdout, "\nNext: devarch plan %s\n", res.Stack)
			}
			return nil
		})
	})
}

// importComposeJSON is `import-compose --json` (docs/cli-json.md).
type importComposeJSON struct {
	importJSON
	SecretsSet []string      `json:"secretsSet"`
	Report     []findingJSON `json:"report"`
}

type findingJSON struct {
	Path   string `json:"path"`
	Change string `json:"change"`
	Detail string `json:"detail"`
}

func toImportComposeJSON(r engine.ComposeImportResult) importComposeJSON {
	out := importComposeJSON{importJSON: toImportJSON(r.ImportResult), SecretsSet: nonNil(r.SecretsSet), Report: []findingJSON{}}
	for _, f := range r.Report {
		out.Report = append(out.Report, findingJSON(f))
	}
	return out
}
