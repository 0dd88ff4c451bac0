package engine

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/plan"
	"github.com/devarch/devarch/backend/resolve"
	"github.com/devarch/devarch/backend/secrets"
)

// Generated credentials (catalog FORMAT.md, generate:): when an instance of a template that
// declares them is added, each declared variable gets a random password stored as the stack
// secret INSTANCE_SUFFIX and the instance's environment references it (${secret:NAME}), so
// the password sits in no template, override or compose file, and wired consumers receive
// the reference. The rules:
//
//   - Only at add: existing instances keep what they have, and a template change never
//     rewrites instances.
//   - A value the user gives for the variable (--set environment.VAR=...) wins: nothing is
//     generated for it.
//   - A secret of that name already stored (the user's own, or one kept from an instance
//     removed before) is referenced as it is, never overwritten.
//   - With no key store at all (no OS keychain, no key file) nothing is generated: the
//     template's literal default stays, and every plan warns (defaultCredentialWarnings).

// generatedSecret is one variable to generate for an instance being added.
type generatedSecret struct {
	Var, Secret string
}

// generatedSecrets lists the variables of t to generate for instance name with overrides o
// (after the user's --set), in variable order. Variables the user set, and names too long
// for a secret, are left out (their literal default stays; the plan warns).
func generatedSecrets(t model.Template, name string, o model.Spec) []generatedSecret {
	var out []generatedSecret
	env, envSet := o["environment"]
	userEnv, _ := env.(map[string]any)
	for v, suffix := range t.Generate {
		if _, set := userEnv[v]; set || (envSet && userEnv == nil) {
			continue
		}
		sn := model.GeneratedSecretName(name, suffix)
		if secrets.ValidName(sn) != nil {
			continue
		}
		out = append(out, generatedSecret{Var: v, Secret: sn})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Var < out[j].Var })
	return out
}

// withGenerated adds the references of gen to the overrides o.
func withGenerated(t model.Template, o model.Spec, gen []generatedSecret) (model.Spec, error) {
	if len(gen) == 0 {
		return o, nil
	}
	sets := make([]string, len(gen))
	for i, g := range gen {
		sets[i] = fmt.Sprintf("environment.%s=%s", g.Var, secretRef(g.Secret))
	}
	edited, problems, err := resolve.Edit(t.Service, o, sets, nil)
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		return nil, problems[0]
	}
	return edited, nil
}

// keyStoreAvailable reports whether a master-key store (OS keychain or key file) can be
// used, as the doctor's keychain check and secret set see it.
func (s *Service) keyStoreAvailable(ctx context.Context) bool {
	_, err := s.keyring(ctx)
	return err == nil
}

// storeGenerated stores a random value for each secret of gen the stack does not have yet.
func (s *Service) storeGenerated(ctx context.Context, stack string, gen []generatedSecret) error {
	if len(gen) == 0 {
		return nil
	}
	stored, err := s.Store.StackSecrets(ctx, stack)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, x := range stored {
		have[x.Name] = true
	}
	for _, g := range gen {
		if have[g.Secret] {
			continue
		}
		v, err := secrets.GeneratePassword()
		if err != nil {
			return err
		}
		if _, err := s.SetSecret(ctx, stack, g.Secret, v); err != nil {
			return err
		}
	}
	return nil
}

// defaultCredentialWarnings warns, for every instance whose effective variable still holds
// its template's literal default where the template generates a secret, that it uses a
// well-known password, and how to get a generated one. One plain string per variable (the
// plan's Warnings), built only here. keyStore is asked only when there is something to say.
func defaultCredentialWarnings(rs ResolvedStack, keyStore func() bool) []plan.Diagnostic {
	keyStore = sync.OnceValue(keyStore)
	var out []plan.Diagnostic
	for _, inst := range rs.Stack.Instances {
		t, ok := rs.Templates[inst.Template]
		if !ok || len(t.Generate) == 0 {
			continue
		}
		tenv, _ := t.Service["environment"].(map[string]any)
		var eff map[string]any
		for _, svc := range rs.Effective.Services {
			if svc.Instance == inst.Name {
				eff, _ = svc.Spec["environment"].(map[string]any)
			}
		}
		vars := make([]string, 0, len(t.Generate))
		for v := range t.Generate {
			vars = append(vars, v)
		}
		sort.Strings(vars)
		for _, v := range vars {
			def, _ := tenv[v].(string)
			if cur, ok := eff[v].(string); !ok || cur != def {
				continue
			}
			sn := model.GeneratedSecretName(inst.Name, t.Generate[v])
			fix := fmt.Sprintf("devarch secret set %s %s, then devarch instance set %s %s 'environment.%s=%s'",
				rs.Stack.Name, sn, rs.Stack.Name, inst.Name, v, secretRef(sn))
			d := plan.Warningf(plan.Subject{Instance: inst.Name, Path: "environment." + v},
				fmt.Sprintf("%s is the template's default, a well-known password", v), "")
			if keyStore() {
				// Typed: the window offers "Use a generated secret"; the text faces print
				// "Fix: COMMAND." as the detail, as before.
				d.Fix = &plan.Fix{Kind: plan.FixUseSecret, Secret: sn, Command: fix}
			} else {
				// Nothing a button could do before a key store exists: the sentence says it.
				d.Detail = "Fix: enable a key store (unlock the OS keychain, or set " + secrets.EnvMasterKeyFile +
					" to a key file; devarch doctor checks it), then " + fix + "."
			}
			out = append(out, d)
		}
	}
	return out // instances in stack order, variables sorted
}

// secretRef is the reference to a stack secret in a user string.
func secretRef(name string) string { return "${secret:" + name + "}" }
