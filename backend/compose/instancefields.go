package compose

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/devarch/devarch/backend/model"
)

// The fields only an instance sets (model.InstanceOnlyFields): its own depends_on entries,
// more names on the stack network, and stack secrets mounted as files. They are what an
// imported compose project needs to keep its meaning; any instance may use them.

// specDependsOn reads the depends_on field: instance -> {condition, required, restart}.
// Whether each instance exists is checked with the whole stack (dependsOn), not here, so
// that CheckService can check one instance alone.
func (b *builder) specDependsOn(v any) (map[string]Dependency, error) {
	m, ok := asMap(v)
	if !ok {
		return nil, b.invalid("depends_on", "must be a mapping of instance names to conditions, not "+typeName(v),
			"Write e.g. depends_on: {db: {condition: service_healthy}}.")
	}
	out := make(map[string]Dependency, len(m))
	for _, dep := range sortedKeys(m) {
		p := "depends_on." + dep
		if err := b.utf8("depends_on", dep); err != nil {
			return nil, err
		}
		obj, ok := asMap(m[dep])
		if name, key, dotted := strings.Cut(dep, "."); !ok && dotted && (key == "condition" || key == "required" || key == "restart") {
			// `--set depends_on.db.condition=service_healthy`: depends_on's keys are instance
			// names, so the dot became part of the name. Say how to set the entry instead.
			return nil, b.invalid(p, fmt.Sprintf("%q is not an instance: depends_on entries are set whole", dep),
				fmt.Sprintf("Set the entry as a mapping: --set 'depends_on.%s={condition: service_healthy}' (keys: condition, required, restart).", name))
		}
		if !ok {
			return nil, b.invalid(p, "must be a mapping (condition, required, restart), not "+typeName(m[dep]),
				"Write e.g. "+dep+": {condition: service_started}.")
		}
		d := Dependency{Condition: ConditionStarted}
		for _, k := range sortedKeys(obj) {
			switch x := obj[k]; k {
			case "condition":
				c, _ := x.(string)
				if c != ConditionStarted && c != ConditionHealthy && c != ConditionCompleted {
					return nil, b.invalid(p+".condition", fmt.Sprintf("unknown condition %v", x),
						"Write service_started, service_healthy or service_completed_successfully.")
				}
				d.Condition = c
			case "required":
				r, err := b.boolean(p+".required", x)
				if err != nil {
					return nil, err
				}
				d.Required = r
			case "restart":
				r, err := b.boolean(p+".restart", x)
				if err != nil {
					return nil, err
				}
				d.Restart = r
			default:
				return nil, b.invalid(p+"."+k, fmt.Sprintf("unknown key %q", k), "Allowed keys: condition, required, restart.")
			}
		}
		out[dep] = d
	}
	return out, nil
}

// aliasName is what a network alias may be: compose service names are not all DNS labels
// (My_Worker), and an alias exists to keep such a name reachable.
var aliasName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$`)

// networkAliases reads network_aliases; that no alias is another instance's name (or
// another instance's alias) is checked with the whole stack (NewProject).
func (b *builder) networkAliases(v any) ([]string, error) {
	list, err := b.textList("network_aliases", v)
	if err != nil {
		return nil, err
	}
	for i, a := range list {
		if !aliasName.MatchString(a) {
			return nil, b.invalid(fmt.Sprintf("network_aliases[%d]", i), fmt.Sprintf("%q is not a host name", a),
				"An alias is 1 to 63 letters, digits, '_', '.' and '-', starting with a letter or digit.")
		}
	}
	return list, nil
}

// secretFiles reads the secrets field: container path -> {source: "${secret:NAME}", uid,
// gid, mode}. Each secret reaches compose as a project secret read from the environment
// variable SecretEnvVar(NAME), which the engine sets at apply time like every other
// secret reference: compose copies the value into the container at the path, and neither
// the value nor a file holding it is ever written by DevArch.
func (b *builder) secretFiles(v any) ([]ServiceSecret, error) {
	m, ok := asMap(v)
	if !ok {
		return nil, b.invalid("secrets", "must be a mapping of container path to secret, not "+typeName(v),
			`Write e.g. secrets: {/run/secrets/api_key: {source: "${secret:api_key}"}}.`)
	}
	var out []ServiceSecret
	for _, target := range sortedKeys(m) {
		p := "secrets." + target
		if err := b.utf8("secrets", target); err != nil {
			return nil, err
		}
		if !strings.HasPrefix(target, "/") || path.Clean(target) != target || target == "/" {
			return nil, b.invalid(p, fmt.Sprintf("%q is not an absolute file path", target),
				"Key each secret file by where it appears in the container, e.g. /run/secrets/api_key (absolute, no .. or trailing /).")
		}
		obj, ok := asMap(m[target])
		if !ok {
			return nil, b.invalid(p, "must be a mapping (source, uid, gid, mode), not "+typeName(m[target]),
				`Write e.g. {source: "${secret:api_key}"}.`)
		}
		s := ServiceSecret{Target: target}
		for _, k := range sortedKeys(obj) {
			var err error
			switch x := obj[k]; k {
			case "source":
				s.Source, err = b.secretSource(p+".source", x)
			case "uid":
				s.UID, err = b.text(p+".uid", x)
			case "gid":
				s.GID, err = b.text(p+".gid", x)
			case "mode":
				s.Mode, err = b.integer(p+".mode", x)
				if err == nil && (*s.Mode < 0 || *s.Mode > 0o7777) {
					err = b.invalid(p+".mode", fmt.Sprintf("mode %d is not a file mode", *s.Mode), "Write the mode as a number from 0 to 4095 (0o7777), e.g. 288 for 0440.")
				}
			default:
				err = b.invalid(p+"."+k, fmt.Sprintf("unknown key %q", k), "Allowed keys: source, uid, gid, mode.")
			}
			if err != nil {
				return nil, err
			}
		}
		if s.Source == "" {
			return nil, b.invalid(p+".source", "names no secret", `Write source: "${secret:NAME}", NAME a secret of the stack.`)
		}
		out = append(out, s)
	}
	return out, nil
}

// secretSource reads a secret file's source: exactly one reference, ${secret:NAME}. It
// returns NAME, which is also the project secret's key, and records the variable.
func (b *builder) secretSource(p string, v any) (string, error) {
	s, ok := v.(string)
	refs := scanRefs(s)
	if !ok || len(refs) != 1 || refs[0].start != 0 || refs[0].end != len(s) {
		return "", b.invalid(p, fmt.Sprintf("must be one secret reference, not %v", v), `Write source: "${secret:NAME}", NAME a secret of the stack.`)
	}
	if refs[0].err != "" {
		return "", b.invalid(p, fmt.Sprintf("invalid secret reference %q", s), "The reference "+refs[0].err+".")
	}
	name := refs[0].name
	env := SecretEnvVar(name)
	if other, ok := b.secretVars[env]; ok && other != name {
		return "", b.invalid(p, fmt.Sprintf("secrets %q and %q cannot both be used in one stack", other, name),
			fmt.Sprintf("Both reach compose as the environment variable %s. Rename one of them.", env))
	}
	b.secretVars[env] = name
	if b.secrets == nil {
		b.secrets = map[string]bool{}
	}
	b.secrets[name] = true
	return name, nil
}

// checkAliases refuses an alias that is an instance's name or another instance's alias:
// the stack network would resolve it to two containers.
func checkAliases(p Project) error {
	owner := map[string]string{}
	for _, name := range sortedKeys(p.Services) {
		owner[strings.ToLower(name)] = name
	}
	for _, name := range sortedKeys(p.Services) {
		n, ok := p.Services[name].Networks["default"]
		if !ok {
			continue
		}
		for i, a := range n.Aliases {
			if o, taken := owner[strings.ToLower(a)]; taken && o != name {
				return invalidf(name, fmt.Sprintf("network_aliases[%d]", i), fmt.Sprintf("alias %q is also %s", a, describeOwner(o, a)),
					"Two containers of a stack cannot answer to one name. Remove the alias or rename the instance.")
			}
			owner[strings.ToLower(a)] = name
		}
	}
	return nil
}

func describeOwner(owner, alias string) string {
	if strings.EqualFold(owner, alias) {
		return "an instance's name"
	}
	return fmt.Sprintf("an alias of instance %q", owner)
}

// Jobs are the one-shot instances of a stack: those another instance's own depends_on waits
// for with condition service_completed_successfully. compose's own rule is the same (up
// --wait waits for such a service to exit 0 instead of to run), and it is the one signal a
// definition gives that a service is meant to finish: restart "no" is compose's default, so
// it says nothing about whether a service should keep running. Entries that are not valid
// are skipped (the builder reports them).
func Jobs(services []model.EffectiveService) map[string]bool {
	jobs := map[string]bool{}
	for _, es := range services {
		deps, _ := asMap(es.Spec["depends_on"])
		for dep, v := range deps {
			if obj, ok := asMap(v); ok && obj["condition"] == ConditionCompleted && dep != es.Instance {
				jobs[dep] = true
			}
		}
	}
	return jobs
}
