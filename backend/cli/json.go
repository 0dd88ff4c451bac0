package cli

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/plan"
	"github.com/devarch/devarch/backend/store"
)

// The documents `--json` prints, one convention for all (docs/cli-json.md):
//
//   - a key has one type and one meaning in every command that prints it (instanceCount is
//     a number, instances an array of instanceRowJSON, wherever they appear);
//   - a value that does not exist is left out: never null, never "" standing for nothing,
//     never a placeholder such as "(none)";
//   - a list the CLI builds is always there, [] when empty, so scripts can iterate it;
//   - an instance's container state and its health are two fields (state, health);
//   - every command that accepts --json prints exactly one document on stdout when it
//     succeeds (apply --json also when it fails: part of it may have run); the others do
//     not accept --json.
//
// Tests decode these documents with unknown fields disallowed, so a change here is a
// deliberate change of the documented format.

// stackJSON is a stack in `stack list --json` and `stack create --json`.
type stackJSON struct {
	Name          string    `json:"name"`
	Description   string    `json:"description,omitempty"`
	InstanceCount int       `json:"instanceCount"`
	Revision      int64     `json:"revision"`
	Status        string    `json:"status"`
	UpdatedAt     time.Time `json:"updatedAt"`
	// Engine is the engine the stack belongs on: "default" or a docker context.
	Engine string `json:"engine"`
}

// stackDetailJSON is `stack show --json`.
type stackDetailJSON struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Root        string `json:"root,omitempty"`
	Revision    int64  `json:"revision"`
	Status      string `json:"status"`
	Network     string `json:"network"`
	Subnet      string `json:"subnet,omitempty"`
	// Engine is the engine the stack belongs on ("default" or a docker context); RunsOn
	// the one its containers are on now, when that differs (a move not applied yet).
	Engine    string            `json:"engine"`
	RunsOn    string            `json:"runsOn,omitempty"`
	Instances []instanceRowJSON `json:"instances"`
	Problems  []string          `json:"problems"`
}

// instanceRowJSON is an instance with its container's live state, in `stack show --json`
// and `instance list --json`. State is the container's state ("running", "exited", ...,
// "not created", or "unknown" when the engine cannot be asked); Health its healthcheck's
// verdict, when it has one.
type instanceRowJSON struct {
	Name          string `json:"name"`
	Template      string `json:"template"`
	Container     string `json:"container"`
	Image         string `json:"image,omitempty"`
	State         string `json:"state"`
	Health        string `json:"health,omitempty"`
	OverrideCount int    `json:"overrideCount"`
}

func instanceRows(d engine.StackDetail) []instanceRowJSON {
	st := d.Resolved.Stack
	out := []instanceRowJSON{}
	for i, in := range st.Instances {
		eff := d.Resolved.Effective.Services[i]
		image, _ := eff.Spec["image"].(string)
		state, health := liveState(d, in.Name)
		out = append(out, instanceRowJSON{Name: in.Name, Template: in.Template, Container: model.ContainerName(st.Name, in.Name),
			Image: image, State: state, Health: health, OverrideCount: len(in.Overrides)})
	}
	return out
}

// liveState is an instance's container state and health as the stack detail saw them.
func liveState(d engine.StackDetail, instance string) (state, health string) {
	st := d.InstanceState(instance)
	return st.State, st.Health
}

// instanceJSON is one instance with its overrides and effective configuration, in
// `instance add|set|show|set-template --json`.
type instanceJSON struct {
	Stack     string                  `json:"stack"`
	Name      string                  `json:"name"`
	Template  string                  `json:"template"`
	Container string                  `json:"container"`
	Revision  int64                   `json:"revision"`
	Overrides model.Spec              `json:"overrides"`
	Effective model.Spec              `json:"effective"`
	Origins   map[string]model.Origin `json:"origins"`
}

func toInstanceJSON(v engine.InstanceView) instanceJSON {
	o := v.Instance.Overrides
	if o == nil {
		o = model.Spec{}
	}
	eff := v.Effective.Spec
	if eff == nil {
		eff = model.Spec{}
	}
	origins := v.Effective.Origins
	if origins == nil {
		origins = map[string]model.Origin{}
	}
	return instanceJSON{v.Instance.Stack, v.Instance.Name, v.Instance.Template, model.ContainerName(v.Instance.Stack, v.Instance.Name),
		v.Revision, o, eff, origins}
}

// refJSON names an instance that uses something: a template (stack and instance) or a
// secret (stack, instance and the field path that references it).
type refJSON struct {
	Stack    string `json:"stack"`
	Instance string `json:"instance"`
	Path     string `json:"path,omitempty"`
}

// templateRefs reads the store's "stack/instance" users of a template.
func templateRefs(usedBy []string) []refJSON {
	out := []refJSON{}
	for _, u := range usedBy {
		st, in, _ := strings.Cut(u, "/")
		out = append(out, refJSON{Stack: st, Instance: in})
	}
	return out
}

// secretRefs reads the engine's "instance path" users of a secret of stack.
func secretRefs(stack string, usedBy []string) []refJSON {
	out := []refJSON{}
	for _, u := range usedBy {
		in, path, _ := strings.Cut(u, " ")
		out = append(out, refJSON{Stack: stack, Instance: in, Path: path})
	}
	return out
}

// templateJSON is a template in `template list --json` (and `template import --json`, with
// created).
type templateJSON struct {
	Name        string    `json:"name"`
	Builtin     bool      `json:"builtin"`
	Category    string    `json:"category"`
	Description string    `json:"description,omitempty"`
	Image       string    `json:"image,omitempty"`
	UsedBy      []refJSON `json:"usedBy"`
	// Created is set by template import only: true when the template is new, false when it
	// replaced one.
	Created *bool `json:"created,omitempty"`
}

func toTemplateJSON(t model.Template, usedBy []string) templateJSON {
	image, _ := t.Service["image"].(string)
	return templateJSON{Name: t.Name, Builtin: t.Builtin, Category: t.Category, Description: t.Description, Image: image, UsedBy: templateRefs(usedBy)}
}

// templateDetailJSON is `template show --json`. Version is the shipped revision of a
// built-in template; custom templates have none.
type templateDetailJSON struct {
	Name        string          `json:"name"`
	Builtin     bool            `json:"builtin"`
	Version     int             `json:"version,omitempty"`
	Category    string          `json:"category"`
	Description string          `json:"description,omitempty"`
	Service     model.Spec      `json:"service"`
	Provides    []model.Provide `json:"provides"`
	Consumes    []model.Consume `json:"consumes"`
}

// secretJSON is a secret in `secret list --json`: never its value. UpdatedAt is left out
// for a secret that is referenced but not set.
type secretJSON struct {
	Name      string     `json:"name"`
	Set       bool       `json:"set"`
	UsedBy    []refJSON  `json:"usedBy"`
	UpdatedAt *time.Time `json:"updatedAt,omitempty"`
}

// operationJSON is `start|stop|down --json`.
type operationJSON struct {
	Stack string `json:"stack"`
	// Instances are the instances a start or stop named (none: the whole stack).
	Instances      []string `json:"instances,omitempty"`
	Operation      string   `json:"operation"`
	Summary        string   `json:"summary"`
	RemovedVolumes []string `json:"removedVolumes"`
}

// runJSON is a recorded run in `history --json` (each) and `history STACK RUN --json`.
type runJSON struct {
	ID         int64                 `json:"id"`
	PlanID     *int64                `json:"planId,omitempty"`
	Operation  string                `json:"operation"`
	Status     string                `json:"status"`
	StartedBy  string                `json:"startedBy"`
	StartedAt  time.Time             `json:"startedAt"`
	FinishedAt *time.Time            `json:"finishedAt,omitempty"`
	Results    []engine.ActionResult `json:"results"`
	Stderr     string                `json:"stderr,omitempty"`
}

func toRunJSON(r store.Run) runJSON {
	return runJSON{ID: r.ID, PlanID: r.PlanID, Operation: r.Operation, Status: r.Status, StartedBy: r.StartedBy,
		StartedAt: r.StartedAt, FinishedAt: r.FinishedAt, Results: runResults(r), Stderr: r.StderrExcerpt}
}

// runResults decodes a run's stored per-action results (a JSON array the engine wrote).
func runResults(r store.Run) []engine.ActionResult {
	out := []engine.ActionResult{}
	_ = json.Unmarshal(r.Results, &out)
	if out == nil {
		out = []engine.ActionResult{}
	}
	return out
}

// applyJSON is `apply --json`'s document, printed in every case but a usage error (nothing
// to do, applied, failed, refused before it ran). PlanID is left out when no plan was made
// or read.
type applyJSON struct {
	PlanID  int64                 `json:"planId,omitempty"`
	RunID   int64                 `json:"runId,omitempty"`
	Summary string                `json:"summary,omitempty"`
	Results []engine.ActionResult `json:"results"`
	Error   *jsonError            `json:"error,omitempty"`
}

type jsonError struct {
	Kind    string `json:"kind"`
	Summary string `json:"summary"`
	Detail  string `json:"detail,omitempty"`
}

// versionJSON is `version --json`.
type versionJSON struct {
	Version   string `json:"version"`
	Commit    string `json:"commit,omitempty"`
	GoVersion string `json:"goVersion"`
	Platform  string `json:"platform"`
}

// planFile is what `plan --out FILE` saves, `plan --json` prints and `apply --plan FILE`
// reads: the stored plan's id and the plan, with each change's values as JSON values too.
type planFile struct {
	PlanID   int64    `json:"planId"`
	Stack    string   `json:"stack"`
	Revision int64    `json:"revision"`
	Plan     planJSON `json:"plan"`
}

// planJSON is a plan.Plan whose lists are always present and whose changes carry typed
// values. Embedding keeps every other field of the plan document as backend/plan defines
// it; the fields declared here replace the embedded ones of the same JSON name.
type planJSON struct {
	plan.Plan
	Actions     []actionJSON      `json:"actions"`
	Diagnostics []plan.Diagnostic `json:"diagnostics"`
	Replace     []string          `json:"replace"`
	// OldErrors and OldWarnings are the sentence lists plan files had before diagnostics
	// (the same problems, untyped): accepted when read, so those files still apply; plan
	// --out never writes them.
	OldErrors   []string `json:"errors,omitempty"`
	OldWarnings []string `json:"warnings,omitempty"`
}

type actionJSON struct {
	plan.Action
	Changes []changeJSON `json:"changes"`
	Config  []configJSON `json:"config,omitempty"`
}

// configJSON is one field a create sets (image, ports, command), its value as a JSON value;
// a value that references a secret is left out and Sensitive says so.
type configJSON struct {
	Path      string          `json:"path"`
	Value     json.RawMessage `json:"value,omitempty"`
	Sensitive bool            `json:"sensitive,omitempty"`
}

// changeJSON is one changed field of a replace. Old and New are the values as the text plan
// shows them (compact JSON, "(none)" for an absent side, "(sensitive)" for a hidden one).
// OldValue and NewValue are the same values as JSON values, left out when that side is
// absent or hidden; Sensitive says the values reference a secret and are never shown.
type changeJSON struct {
	plan.Change
	OldValue  json.RawMessage `json:"oldValue,omitempty"`
	NewValue  json.RawMessage `json:"newValue,omitempty"`
	Sensitive bool            `json:"sensitive,omitempty"`
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// toPlanJSON adds the typed values to a plan's changes. A rendered value is compact JSON
// unless it is one of the placeholders (unquoted, so never a JSON string), which is how an
// absent or hidden side is told apart.
func toPlanJSON(p plan.Plan) planJSON {
	out := planJSON{Plan: p, Actions: []actionJSON{}, Diagnostics: nonNil(p.Diagnostics), Replace: nonNil(p.Replace)}
	for _, a := range p.Actions {
		aj := actionJSON{Action: a, Changes: []changeJSON{}}
		for _, c := range a.Changes {
			cj := changeJSON{Change: c}
			if c.Old == plan.Sensitive || c.New == plan.Sensitive {
				cj.Sensitive = true
			} else {
				cj.OldValue, cj.NewValue = rawValue(c.Old), rawValue(c.New)
			}
			aj.Changes = append(aj.Changes, cj)
		}
		for _, f := range a.Config {
			aj.Config = append(aj.Config, configJSON{Path: f.Path, Value: rawValue(f.Value), Sensitive: f.Value == plan.Sensitive})
		}
		out.Actions = append(out.Actions, aj)
	}
	return out
}

// rawValue is a rendered value as a JSON value, nil for a placeholder or anything that is
// not JSON.
func rawValue(s string) json.RawMessage {
	if s == plan.None || s == plan.Sensitive || !json.Valid([]byte(s)) {
		return nil
	}
	return json.RawMessage(s)
}

// toPlan is the plan.Plan of a plan file, for the summary apply prints.
func (p planJSON) toPlan() plan.Plan {
	out := p.Plan
	out.Actions, out.Diagnostics, out.Replace = nil, p.Diagnostics, p.Replace
	for _, a := range p.Actions {
		act := a.Action
		act.Changes = nil
		for _, c := range a.Changes {
			act.Changes = append(act.Changes, c.Change)
		}
		act.Config = nil
		for _, f := range a.Config {
			v := string(f.Value)
			if f.Sensitive || len(f.Value) == 0 {
				v = plan.Sensitive
			}
			act.Config = append(act.Config, plan.Field{Path: f.Path, Value: v})
		}
		out.Actions = append(out.Actions, act)
	}
	return out
}
