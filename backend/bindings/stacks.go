package bindings

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"net"
	"sort"
	"strconv"
	"time"

	"github.com/devarch/devarch/backend/compose"
	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/plan"
	"github.com/devarch/devarch/backend/store"
)

func toProblem(err error) Problem {
	e := model.AsError(err)
	return Problem{Kind: e.Kind.String(), Summary: e.Summary, Detail: e.Detail, Field: e.Field}
}

// StatusNew is the window's status of a stack with no container at all: never applied (or
// taken down), which "stopped" would misreport.
const StatusNew = "new"

// windowStatus refines the engine's stack status for the window: a stack without any
// container is "new" (the window says "Not applied yet"), and one that runs every container
// it has while some of its instances have none is "partial", not "running".
func windowStatus(status string, containers, instances int) string {
	switch {
	case status == engine.StatusUnknown:
		return status
	case containers == 0:
		return StatusNew
	case status == engine.StatusRunning && containers < instances:
		return engine.StatusPartial
	}
	return status
}

// problems are a stack's port clashes for the window: each with the instance whose ports fix
// it and that fix typed, the command apart from the detail.
func problems(errs []error) []Problem {
	out := make([]Problem, 0, len(errs))
	for _, e := range errs {
		p := toProblem(e)
		var clash *engine.PortClash
		if errors.As(e, &clash) && clash.Instance != "" && p.Field != "" {
			p.Instance, p.Detail = clash.Instance, clash.Detail
			p.Fix = &DiagnosticFix{Kind: string(plan.FixEditField), Command: clash.Command}
		}
		out = append(out, p)
	}
	return out
}

// Create creates an empty stack.
func (s *Stacks) Create(name, description string) (StackSummary, error) {
	return call(s.host, 15*time.Second, func(ctx context.Context, svc *engine.Service) (StackSummary, error) {
		st, err := svc.CreateStack(ctx, name, engine.StackOptions{Description: description})
		if err != nil {
			return StackSummary{}, err
		}
		return StackSummary{Name: st.Name, Description: st.Description, Revision: st.Revision, Status: StatusNew,
			UpdatedAt: st.UpdatedAt.UTC().Format(time.RFC3339), Engine: engine.EngineLabel(st.Context)}, nil
	})
}

// Get returns the stack page: instances with image, ports, origins and live state.
func (s *Stacks) Get(name string) (StackDetail, error) {
	return call(s.host, 20*time.Second, func(ctx context.Context, svc *engine.Service) (StackDetail, error) {
		d, err := svc.Stack(ctx, name)
		if err != nil {
			return StackDetail{}, err
		}
		st := d.Resolved.Stack
		created := 0
		for _, inst := range st.Instances {
			if _, ok := d.Containers[inst.Name]; ok {
				created++
			}
		}
		status := d.Status
		if d.EngineErr == nil {
			status = windowStatus(d.Status, len(d.Containers), len(st.Instances))
			if status == engine.StatusRunning && created < len(st.Instances) {
				status = engine.StatusPartial
			}
		}
		out := StackDetail{Name: st.Name, Description: st.Description, Revision: st.Revision, Status: status,
			Network: model.NetworkName(st.Name), Subnet: st.Subnet, Root: svc.ProjectRoot(st), RootChosen: st.Root != "",
			Instances: []InstanceSummary{}, Problems: problems(d.Clashes)}
		if d.EngineErr != nil {
			out.Problems = append(out.Problems, toProblem(d.EngineErr))
		}
		out.Engine, out.PublishAddress = engine.EngineLabel(st.Context), cmp.Or(st.PublishAddress, compose.DefaultHostIP)
		out.EngineEndpoint, out.EngineHealthy = svc.EngineEndpoint(ctx, st.Context)
		if d.EngineErr != nil {
			out.EngineHealthy, out.EngineError = false, model.AsError(d.EngineErr).Summary
		}
		if st.Placed && st.PlacedOn != st.Context {
			out.MovingFrom = engine.EngineLabel(st.PlacedOn)
		}
		for i, inst := range st.Instances {
			eff := d.Resolved.Effective.Services[i]
			row := InstanceSummary{Name: inst.Name, Template: inst.Template, ContainerName: model.ContainerName(st.Name, inst.Name),
				ImageOrigin: string(eff.Origins["image"]), Ports: []string{}, PortsOrigin: string(eff.Origins["ports"]),
				Overridden: overriddenPaths(eff), Status: d.InstanceState(inst.Name).Summary(), URLs: portURLs(eff)}
			if img, ok := eff.Spec["image"].(string); ok {
				row.Image = img
			}
			if ps, ok := eff.Spec["ports"].([]any); ok {
				for _, p := range ps {
					if p, ok := p.(string); ok {
						row.Ports = append(row.Ports, p)
					}
				}
			}
			out.Instances = append(out.Instances, row)
		}
		return out, nil
	})
}

func overriddenPaths(eff model.EffectiveService) []string {
	out := []string{}
	for p, o := range eff.Origins {
		if o == model.OriginOverride {
			if def, ok := model.LookupField(p); ok && def.Kind == model.FieldMap {
				continue // its keys are listed one by one
			}
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// portURLs are the http addresses of a service's fixed TCP host ports (one per port of a
// range's first), on the address they are published on.
func portURLs(eff model.EffectiveService) []string {
	out := []string{}
	pubs, err := compose.PublishedPorts(eff)
	if err != nil {
		return out
	}
	for _, p := range pubs {
		if p.HostPort == 0 || p.Protocol != "tcp" {
			continue
		}
		host := p.HostIP
		if p.Wildcard() {
			// Every interface of the engine's host: open it where that host is reached.
			host = cmp.Or(eff.HostIP, compose.DefaultHostIP)
		}
		out = append(out, "http://"+net.JoinHostPort(host, strconv.Itoa(p.HostPort)))
	}
	return out
}

// SetContext moves a stack to the engine of a docker context ("default" for the default
// engine): the next apply removes it from the engine it runs on and creates it there.
func (s *Stacks) SetContext(name, dockerContext string) error {
	_, err := call(s.host, 15*time.Second, func(ctx context.Context, svc *engine.Service) (struct{}, error) {
		_, err := svc.UpdateStack(ctx, name, store.StackSettings{Context: &dockerContext})
		return struct{}{}, err
	})
	return err
}

// DockerContext is a docker context a stack can run on, for the engine dialog's choices.
type DockerContext struct {
	Name     string `json:"name"`
	Endpoint string `json:"endpoint"`
	TLS      bool   `json:"tls"`
}

// Contexts lists the docker contexts of this machine ("default" first), read from the
// docker CLI's store.
func (s *Stacks) Contexts() ([]DockerContext, error) {
	return call(s.host, 5*time.Second, func(ctx context.Context, svc *engine.Service) ([]DockerContext, error) {
		out := []DockerContext{}
		for _, c := range svc.DockerContexts() {
			out = append(out, DockerContext{Name: c.Name, Endpoint: c.Host, TLS: c.TLS})
		}
		return out, nil
	})
}

// Rename renames a stack.
func (s *Stacks) Rename(name, newName string) error {
	_, err := call(s.host, 15*time.Second, func(ctx context.Context, svc *engine.Service) (struct{}, error) {
		return struct{}{}, svc.RenameStack(ctx, name, newName, engine.Who("desktop"))
	})
	return err
}

// DeleteResult is what deleting a stack left in place: its volumes (data) and the user's
// files in its folder.
type DeleteResult struct {
	KeptVolumes []string `json:"keptVolumes"`
	KeptFiles   []string `json:"keptFiles"`
	KeptDir     string   `json:"keptDir,omitempty"`
	// Unchecked: the engine did not answer and a forced delete went ahead without it (why).
	Unchecked string `json:"unchecked,omitempty"`
}

// Delete deletes a stack; refused while it has containers or a network unless force (which
// takes it down first). Volumes stay unless volumes.
func (s *Stacks) Delete(name string, force, volumes bool) (DeleteResult, error) {
	return call(s.host, 2*time.Minute, func(ctx context.Context, svc *engine.Service) (DeleteResult, error) {
		d, err := svc.DeleteStack(ctx, name, engine.DeleteOptions{Force: force, Volumes: volumes}, engine.Who("desktop"))
		return DeleteResult{KeptVolumes: nonNilStrings(d.KeptVolumes), KeptFiles: nonNilStrings(d.KeptFiles), KeptDir: d.KeptDir, Unchecked: d.Unchecked}, err
	})
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Compose generates (and writes, when changed) the stack's compose file.
func (s *Stacks) Compose(name string) (ComposePreview, error) {
	return call(s.host, 20*time.Second, func(ctx context.Context, svc *engine.Service) (ComposePreview, error) {
		res, err := svc.Compose(ctx, name, false)
		if err != nil {
			return ComposePreview{}, err
		}
		return ComposePreview{Stack: name, YAML: string(res.YAML), Path: res.Path, Written: res.Written, Clashes: problems(res.Clashes)}, nil
	})
}

// Instances serves the add-instance dialog and the instance editor.
type Instances struct{ host *Host }

// NewInstances binds Instances to host.
func NewInstances(host *Host) *Instances { return &Instances{host: host} }

func instanceDetail(v engine.InstanceView) InstanceDetail {
	d := InstanceDetail{Stack: v.Instance.Stack, Name: v.Instance.Name, Template: v.Instance.Template,
		Overrides: engine.OverridesYAML(v.Instance.Overrides), Revision: v.Revision, Fields: []EffectiveField{}}
	for _, f := range v.Effective.Fields() {
		if f.MapKey {
			d.Fields = append(d.Fields, EffectiveField{Path: f.Path, Kind: "map-key", Value: f.Value, Origin: string(f.Origin)})
			continue
		}
		d.Fields = append(d.Fields, EffectiveField{Path: f.Path, Kind: f.Kind.String(), Value: jsonSafe(f.Value), Origin: string(f.Origin)})
	}
	return d
}

// jsonSafe makes sure a value survives the trip to the frontend as plain JSON.
func jsonSafe(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

// Add places a template in a stack.
func (i *Instances) Add(stack, name, template string) (InstanceDetail, error) {
	return call(i.host, 15*time.Second, func(ctx context.Context, svc *engine.Service) (InstanceDetail, error) {
		v, err := svc.AddInstance(ctx, stack, name, template, nil)
		return instanceDetail(v), err
	})
}

// Remove deletes an instance.
func (i *Instances) Remove(stack, name string) error {
	_, err := call(i.host, 15*time.Second, func(ctx context.Context, svc *engine.Service) (struct{}, error) {
		return struct{}{}, svc.RemoveInstance(ctx, stack, name)
	})
	return err
}

// Get returns an instance's effective configuration and its overrides.
func (i *Instances) Get(stack, name string) (InstanceDetail, error) {
	return call(i.host, 15*time.Second, func(ctx context.Context, svc *engine.Service) (InstanceDetail, error) {
		v, err := svc.Instance(ctx, stack, name)
		return instanceDetail(v), err
	})
}

// SetOverrides replaces the whole override delta from YAML.
func (i *Instances) SetOverrides(stack, name, overridesYAML string) (InstanceDetail, error) {
	return call(i.host, 15*time.Second, func(ctx context.Context, svc *engine.Service) (InstanceDetail, error) {
		v, err := svc.SetOverridesYAML(ctx, stack, name, overridesYAML)
		return instanceDetail(v), err
	})
}

// SetField overrides one field (value is raw text, parsed as the field's kind needs).
func (i *Instances) SetField(stack, name, path, value string) (InstanceDetail, error) {
	return call(i.host, 15*time.Second, func(ctx context.Context, svc *engine.Service) (InstanceDetail, error) {
		v, err := svc.UpdateInstance(ctx, stack, name, []string{path + "=" + value}, nil)
		return instanceDetail(v), err
	})
}

// UnsetField removes one override, so the template's value applies again.
func (i *Instances) UnsetField(stack, name, path string) (InstanceDetail, error) {
	return call(i.host, 15*time.Second, func(ctx context.Context, svc *engine.Service) (InstanceDetail, error) {
		v, err := svc.UpdateInstance(ctx, stack, name, nil, []string{path})
		return instanceDetail(v), err
	})
}
