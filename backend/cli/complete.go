package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/devarch/devarch/backend/engine"
)

// Shell completion: `devarch completion SHELL` prints the script; the script calls the
// hidden `devarch __complete ARGS...`, which answers from the store (stack, instance,
// template and secret names) through the same backend opening the commands use, quietly:
// nothing but the answers reaches stdout, and no progress line stderr. Any failure (no
// database yet, a stack that does not exist) completes nothing rather than printing.

// names lists completion candidates given the arguments already typed.
type names func(ctx context.Context, svc *engine.Service, args []string) ([]string, error)

func stackNames(ctx context.Context, svc *engine.Service, _ []string) ([]string, error) {
	return svc.StackNames(ctx)
}

// instanceNames are the instances of the stack typed as the first argument.
func instanceNames(ctx context.Context, svc *engine.Service, args []string) ([]string, error) {
	return svc.InstanceNames(ctx, args[0])
}

// instanceNamesOfArg0 is instanceNames for a flag (--replace), once the stack is typed.
func instanceNamesOfArg0(ctx context.Context, svc *engine.Service, args []string) ([]string, error) {
	if len(args) == 0 {
		return nil, nil
	}
	return svc.InstanceNames(ctx, args[0])
}

func templateNames(ctx context.Context, svc *engine.Service, _ []string) ([]string, error) {
	return svc.TemplateNames(ctx)
}

// secretNames are the stored secrets of the stack typed as the first argument.
func secretNames(ctx context.Context, svc *engine.Service, args []string) ([]string, error) {
	return svc.SecretNames(ctx, args[0])
}

// secretNamesToSet are the stack's stored secrets and the ones its instances reference
// without a value yet (what `secret set` is usually run for).
func secretNamesToSet(ctx context.Context, svc *engine.Service, args []string) ([]string, error) {
	list, err := svc.Secrets(ctx, args[0])
	if err != nil {
		return svc.SecretNames(ctx, args[0])
	}
	out := make([]string, 0, len(list))
	for _, s := range list {
		out = append(out, s.Name)
	}
	return out, nil
}

// completeArgs completes positional arguments, one lister per position (nil: nothing).
func (env *cmdEnv) completeArgs(byPosition ...names) cobra.CompletionFunc {
	return func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) >= len(byPosition) || byPosition[len(args)] == nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return env.lookup(c, byPosition[len(args)], args, toComplete)
	}
}

// completeWith completes a flag's value.
func (env *cmdEnv) completeWith(list names) cobra.CompletionFunc {
	return func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return env.lookup(c, list, args, toComplete)
	}
}

func (env *cmdEnv) lookup(c *cobra.Command, list names, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	env.quiet = true
	ctx := c.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	var out []cobra.Completion
	err := env.withBackend(ctx, func(svc *engine.Service) error {
		all, err := list(ctx, svc, args)
		for _, n := range all {
			if strings.HasPrefix(n, toComplete) {
				out = append(out, n)
			}
		}
		return err
	})
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveError
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// fileCompletion lets the shell complete file names.
func fileCompletion(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
	return nil, cobra.ShellCompDirectiveDefault
}

// dirCompletion lets the shell complete directory names.
func dirCompletion(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
	return nil, cobra.ShellCompDirectiveFilterDirs
}

func (env *cmdEnv) completionCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print the shell completion script",
		Long: `Print the completion script for a shell. It completes commands, flags, and the names of
stacks, instances, templates and secrets (read from DevArch's store as you type).`,
		Example: `  source <(devarch completion bash)                        # this shell (bash)
  devarch completion bash > ~/.local/share/bash-completion/completions/devarch
  devarch completion zsh > "${fpath[1]}/_devarch"
  devarch completion fish > ~/.config/fish/completions/devarch.fish
  devarch completion powershell | Out-String | Invoke-Expression`,
		Args: func(c *cobra.Command, a []string) error {
			if len(a) != 1 {
				return usageError{"completion takes one SHELL: bash, zsh, fish or powershell"}
			}
			switch a[0] {
			case "bash", "zsh", "fish", "powershell":
				return nil
			}
			return usageError{fmt.Sprintf("completion: unknown shell %q (bash, zsh, fish or powershell)", a[0])}
		},
		ValidArgs: []cobra.Completion{"bash", "zsh", "fish", "powershell"},
	}
	return env.leaf(c, func(c *cobra.Command, a []string) error {
		root := c.Root()
		switch a[0] {
		case "bash":
			return root.GenBashCompletionV2(env.stdout, true)
		case "zsh":
			return root.GenZshCompletion(env.stdout)
		case "fish":
			return root.GenFishCompletion(env.stdout, true)
		default:
			return root.GenPowerShellCompletionWithDesc(env.stdout)
		}
	})
}
