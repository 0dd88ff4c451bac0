package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/secrets"
)

// readSecret reads a value from stdin: hidden typing on a terminal, the whole input (one
// trailing newline dropped) from a pipe. Never from argv, where other users and shell
// history would see it.
func (env cmdEnv) readSecret() (secrets.Value, error) {
	fd := int(os.Stdin.Fd())
	if term.IsTerminal(fd) {
		fmt.Fprint(env.stderr, "Value (input hidden): ")
		b, err := term.ReadPassword(fd)
		fmt.Fprintln(env.stderr)
		if err != nil {
			return secrets.Value{}, model.Invalid("value", "cannot read the value", err.Error())
		}
		return secrets.ValueFromBytes(b), nil
	}
	// One byte over the limit is enough for SetSecret to refuse it with the limit named;
	// more is never read into memory.
	b, err := io.ReadAll(io.LimitReader(os.Stdin, secrets.MaxValueSize+2))
	if err != nil {
		return secrets.Value{}, model.Invalid("value", "cannot read the value from stdin", err.Error())
	}
	s := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
	return secrets.NewValue(s), nil
}

func (env cmdEnv) secretSet(ctx context.Context, args []string) error {
	fs, _ := env.flags("secret set")
	generate := fs.Bool("generate", false, "store a strong random value instead of reading one")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usageError{"secret set takes STACK NAME; the value is read from stdin, never from the command line"}
	}
	var v secrets.Value
	if *generate {
		v = secrets.GenerateValue(32)
	} else if v, err = env.readSecret(); err != nil {
		return err
	}
	return env.withBackend(ctx, func(svc *engine.Service) error {
		info, err := svc.SetSecret(ctx, pos[0], pos[1], v)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stderr, "Stored secret %s for stack %s (encrypted; version %d). Reference it as ${secret:%s}.\n", info.Name, pos[0], info.Version, info.Name)
		return nil
	})
}

func (env cmdEnv) secretList(ctx context.Context, args []string) error {
	asJSON, pos, err := env.positional("secret list", args, 1, "exactly one STACK")
	if err != nil {
		return err
	}
	return env.withBackend(ctx, func(svc *engine.Service) error {
		list, err := svc.Secrets(ctx, pos[0])
		if err != nil {
			return err
		}
		if *asJSON {
			type row struct {
				Name      string     `json:"name"`
				Set       bool       `json:"set"`
				UsedBy    []string   `json:"usedBy"`
				UpdatedAt *time.Time `json:"updatedAt"`
			}
			out := []row{}
			for _, s := range list {
				r := row{Name: s.Name, Set: s.Version > 0, UsedBy: s.UsedBy}
				if r.UsedBy == nil {
					r.UsedBy = []string{}
				}
				if s.Version > 0 {
					t := s.UpdatedAt
					r.UpdatedAt = &t
				}
				out = append(out, r)
			}
			return env.printJSON(out)
		}
		if len(list) == 0 {
			fmt.Fprintf(env.stderr, "No secrets yet. Set one with: devarch secret set %s NAME\n", pos[0])
			return nil
		}
		tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tSTATE\tLAST CHANGED\tUSED BY")
		for _, s := range list {
			state, changed := "set", s.UpdatedAt.Local().Format("2006-01-02 15:04")
			if s.Version == 0 {
				state, changed = "MISSING", "-"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Name, state, changed, strings.Join(s.UsedBy, ", "))
		}
		return tw.Flush()
	})
}

func (env cmdEnv) secretReveal(ctx context.Context, args []string) error {
	_, pos, err := env.positional("secret reveal", args, 2, "STACK NAME")
	if err != nil {
		return err
	}
	return env.withBackend(ctx, func(svc *engine.Service) error {
		v, err := svc.RevealSecret(ctx, pos[0], pos[1])
		if err != nil {
			return err
		}
		fmt.Fprintln(env.stdout, v.Reveal())
		return nil
	})
}

func (env cmdEnv) secretDelete(ctx context.Context, args []string) error {
	_, pos, err := env.positional("secret delete", args, 2, "STACK NAME")
	if err != nil {
		return err
	}
	return env.withBackend(ctx, func(svc *engine.Service) error {
		if err := svc.DeleteSecret(ctx, pos[0], pos[1]); err != nil {
			return err
		}
		fmt.Fprintf(env.stderr, "Deleted secret %s of stack %s.\n", pos[1], pos[0])
		return nil
	})
}

func (env cmdEnv) secretRotateKey(ctx context.Context, args []string) error {
	_, _, err := env.positional("secret rotate-key", args, 0, "no arguments")
	if err != nil {
		return err
	}
	return env.withBackend(ctx, func(svc *engine.Service) error {
		v, n, err := svc.RotateKey(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stderr, "Rotated the master key to version %d; re-encrypted %d secret(s).\n", v, n)
		return nil
	})
}
