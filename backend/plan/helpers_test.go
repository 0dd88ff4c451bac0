package plan_test

import (
	"testing"

	"github.com/devarch/devarch/backend/compose"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/plan"
)

// The stack every case uses.
const stackName = "shop"

// svc is an effective service with the given spec; deps are the instances it waits for.
func svc(instance string, spec model.Spec, deps ...string) model.EffectiveService {
	es := model.EffectiveService{Instance: instance, Template: instance + "-template", Spec: spec}
	if len(deps) > 0 {
		es.DependsOn = map[string]bool{}
		for _, d := range deps {
			es.DependsOn[d] = false
		}
	}
	return es
}

// desired builds the desired state through DesiredFrom, as the engine will.
func desired(t testing.TB, revision int64, services ...model.EffectiveService) plan.Desired {
	t.Helper()
	d, err := plan.DesiredFrom(model.EffectiveStack{Name: stackName, Services: services}, revision)
	if err != nil {
		t.Fatalf("DesiredFrom: %v", err)
	}
	return d
}

func service(t testing.TB, d plan.Desired, instance string) plan.DesiredService {
	t.Helper()
	for _, s := range d.Services {
		if s.Instance == instance {
			return s
		}
	}
	t.Fatalf("no desired instance %q", instance)
	return plan.DesiredService{}
}

// container is the container DevArch would have made for instance in d, in state.
func container(t testing.TB, d plan.Desired, instance, state string) model.Container {
	t.Helper()
	s := service(t, d, instance)
	return model.Container{
		ID:    "id-" + s.Container,
		Name:  s.Container,
		Names: []string{s.Container},
		Image: "image",
		State: state,
		Labels: map[string]string{
			model.LabelStack:      d.Stack,
			model.LabelInstance:   s.Instance,
			model.LabelTemplate:   s.Template,
			model.LabelConfigHash: s.ConfigHash,
		},
	}
}

// applied is the record DevArch keeps after applying instance as d defines it.
func applied(t testing.TB, d plan.Desired, instance string, running bool) plan.Applied {
	t.Helper()
	s := service(t, d, instance)
	return plan.Applied{ConfigHash: s.ConfigHash, Spec: s.Spec, DependsOn: s.DependsOn, Running: running, SecretVersions: s.SecretVersions}
}

func network(d plan.Desired) model.Network {
	n := model.Network{ID: "net-id", Name: d.Network, Labels: map[string]string{model.LabelStack: d.Stack}}
	if d.Subnet != "" {
		n.Labels[model.LabelSubnet] = d.Subnet
	}
	return n
}

// upToDate is what exists after applying d: every container running, recorded, networked.
func upToDate(t testing.TB, d plan.Desired) plan.Observed {
	t.Helper()
	o := plan.Observed{Networks: []model.Network{network(d)}, Applied: map[string]plan.Applied{}}
	for _, s := range d.Services {
		o.Containers = append(o.Containers, container(t, d, s.Instance, "running"))
		o.Applied[s.Instance] = applied(t, d, s.Instance, true)
	}
	return o
}

// replaceContainer swaps the observed container of the same name.
func replaceContainer(o *plan.Observed, c model.Container) {
	for i := range o.Containers {
		if o.Containers[i].Name == c.Name {
			o.Containers[i] = c
			return
		}
	}
	o.Containers = append(o.Containers, c)
}

func removeContainer(o *plan.Observed, name string) {
	out := o.Containers[:0]
	for _, c := range o.Containers {
		if c.Name != name {
			out = append(out, c)
		}
	}
	o.Containers = out
}

// Specs used across cases.
func postgres() model.Spec {
	return model.Spec{
		"image":       "postgres:16",
		"environment": map[string]any{"POSTGRES_DB": "shop", "POSTGRES_PASSWORD": "${secret:db_password}"},
		"volumes":     []any{"data:/var/lib/postgresql/data"},
		"healthcheck": map[string]any{"test": []any{"CMD", "pg_isready"}, "interval": "5s"},
	}
}

func nginx(appEnv string, ports ...any) model.Spec {
	return model.Spec{
		"image":       "nginx:1.27",
		"environment": map[string]any{"APP_ENV": appEnv},
		"ports":       ports,
	}
}

func redis() model.Spec { return model.Spec{"image": "redis:7"} }

// otherContainer is a container of another stack's instance, publishing ports.
func otherContainer(stack, instance, state string, ports ...model.HostPort) model.Container {
	name := model.ContainerName(stack, instance)
	return model.Container{ID: "id-" + name, Name: name, State: state, Published: ports,
		Labels: map[string]string{model.LabelStack: stack, model.LabelInstance: instance}}
}

// claim is a ports entry another stack's instance defines.
func claim(t testing.TB, stack, instance, entry string) plan.PortClaim {
	t.Helper()
	p, err := compose.ParsePort(entry)
	if err != nil {
		t.Fatal(err)
	}
	return plan.PortClaim{Stack: stack, Instance: instance, Port: p}
}
