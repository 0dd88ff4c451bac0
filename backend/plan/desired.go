package plan

import (
	"maps"
	"slices"

	"github.com/devarch/devarch/backend/compose"
	"github.com/devarch/devarch/backend/model"
)

// Desired is the state a plan converges to: the stack's generated compose project, seen per
// instance.
type Desired struct {
	Stack    string
	Revision int64 // the stack revision the definition was read at; the plan records it
	Services []DesiredService
	// Network is the stack's network name (model.NetworkName); empty means that name.
	Network string
	// Subnet is the network's subnet from DevArch's pool ("" when the stack has none): an
	// existing network labelled with another (or none) is recreated (see Compute).
	Subnet string
	// Stopped: the stack is meant to be stopped (see Plan.Stopped).
	Stopped bool
	// Replace names instances the user asked to replace whatever their state (apply
	// --replace), e.g. after rebuilding an image.
	Replace []string
}

// DesiredService is one instance as the generated compose file defines it.
type DesiredService struct {
	Instance  string
	Container string // container_name in the compose file
	Template  string
	// ConfigHash is the value of the model.LabelConfigHash label the generator gives the
	// container; a running container with another value was made from another definition.
	ConfigHash string
	// Spec is the effective configuration, used only to show which fields changed.
	Spec model.Spec
	// DependsOn names the instances this one waits for; they are started first.
	DependsOn []string
	// Sensitive lists field paths whose value references a secret ("environment.DB_PASSWORD"
	// for a keyed-map entry, "command" for any other field): their values render as
	// "(sensitive)".
	Sensitive []string
	// SecretVersions maps every secret the service references to the version of the value
	// it will get. The config hash covers references, not values, so a new version is what
	// tells the plan a running container holds an outdated secret.
	SecretVersions map[string]int
	// Ports are the host ports it publishes, as the generated file binds them (entries with
	// a host port the engine picks included; they never clash).
	Ports []compose.Published
	// Stopped: the user stopped this instance on its own (devarch stop STACK INSTANCE). Its
	// stopped container is left alone, as a stopped stack's are (see Plan.StoppedInstances).
	Stopped bool
	// Job: a one-shot instance (compose.Jobs: another waits for it with condition
	// service_completed_successfully). Its container exited with code 0 is done, not
	// stopped: the plan leaves it be (see Compute).
	Job bool
	// Wired lists the field paths whose value wiring gave ("environment.DB_HOST"): a change
	// of only these (and of depends_on) is caused by wiring, and the plan says so.
	Wired []string
}

// DesiredFrom builds the desired state of a stack at a revision. It goes through
// compose.NewProject, so the hash and the names are exactly those the generated file gives
// the containers, and a stack the generator rejects is rejected here with the same error.
//
// SecretVersions lists every referenced secret at version 0: versions are stored data this
// pure package cannot read. The engine sets them with WithSecretVersions before Compute.
// Spec shares its values with st (the plan only reads them).
func DesiredFrom(st model.EffectiveStack, revision int64) (Desired, error) {
	p, err := compose.NewProject(st)
	if err != nil {
		return Desired{}, err
	}
	d := Desired{Stack: st.Name, Revision: revision, Network: p.Networks["default"].Name, Subnet: st.Subnet}
	services := slices.Clone(st.Services)
	slices.SortFunc(services, func(a, b model.EffectiveService) int { return cmpString(a.Instance, b.Instance) })
	for _, es := range services {
		cs := p.Services[es.Instance]
		spec := make(model.Spec, len(es.Spec))
		for k, v := range es.Spec {
			if v != nil { // removed fields are absent, as in the hash
				spec[k] = v
			}
		}
		refs := secretPaths(spec)
		ds := DesiredService{
			Instance:   es.Instance,
			Container:  cs.ContainerName,
			Template:   es.Template,
			ConfigHash: cs.Labels[model.LabelConfigHash],
			Spec:       spec,
			DependsOn:  slices.Sorted(maps.Keys(es.DependsOn)),
			Sensitive:  slices.Sorted(maps.Keys(refs)),
			Job:        cs.Labels[model.LabelJob] == "true",
		}
		for path, origin := range es.Origins {
			if origin == model.OriginWiring {
				ds.Wired = append(ds.Wired, path)
			}
		}
		slices.Sort(ds.Wired)
		// NewProject accepted the stack, so every entry is valid.
		ds.Ports, _ = compose.PublishedPorts(es)
		for _, names := range refs {
			for _, n := range names {
				if ds.SecretVersions == nil {
					ds.SecretVersions = map[string]int{}
				}
				ds.SecretVersions[n] = 0
			}
		}
		d.Services = append(d.Services, ds)
	}
	return d, nil
}

// WithSecretVersions returns d with each service's referenced secrets set to their current
// version from versions (secret name -> version; a secret missing there stays 0, "no
// value"). d itself is not modified.
func (d Desired) WithSecretVersions(versions map[string]int) Desired {
	out := d
	out.Services = slices.Clone(d.Services)
	for i, s := range out.Services {
		if len(s.SecretVersions) == 0 {
			continue
		}
		sv := make(map[string]int, len(s.SecretVersions))
		for n := range s.SecretVersions {
			sv[n] = versions[n]
		}
		out.Services[i].SecretVersions = sv
	}
	return out
}

// network is the stack's network name.
func (d Desired) network() string {
	if d.Network != "" {
		return d.Network
	}
	return model.NetworkName(d.Stack)
}

// secretPaths maps each field path of spec whose value references a secret to the secrets
// it references (sorted). Paths follow the diff's granularity (see fieldChanges): one per key
// of a keyed map, the whole field otherwise.
func secretPaths(spec model.Spec) map[string][]string {
	out := map[string][]string{}
	for name, v := range spec {
		if m, ok := keyedMap(name, v); ok {
			for k, x := range m {
				if refs := secretsIn(x); len(refs) > 0 {
					out[name+"."+k] = refs
				}
			}
			continue
		}
		if refs := secretsIn(v); len(refs) > 0 {
			out[name] = refs
		}
	}
	return out
}

// secretsIn returns the secrets a value references anywhere inside it, sorted and unique.
// It asks package compose, so the plan and the generator agree on what a reference is
// (${secret:NAME}, malformed ones ignored).
func secretsIn(v any) []string {
	return compose.SecretRefs(model.EffectiveStack{Services: []model.EffectiveService{{Spec: model.Spec{"value": v}}}})
}
