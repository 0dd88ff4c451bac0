package compose

import (
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/devarch/devarch/backend/model"
)

// reservedLabels are label key prefixes users may not set, with their owners: DevArch reads
// its labels to tell which stack, instance and configuration a container belongs to, and
// compose (like other tools) groups containers by its project label. A user label under
// either prefix would mislead both.
var reservedLabels = []struct{ prefix, owner string }{
	{"dev.devarch.", "DevArch, which uses them to track stacks, instances and configuration"},
	{"com.docker.compose.", "compose, which uses them to group a project's containers"},
}

// Generate renders a stack as its compose file: NewProject, then Project.Marshal. The same
// stack always gives the same bytes. Errors are *model.Error values of KindInvalid naming the
// instance (in the summary) and the field path ("ports[1]", "labels.KEY").
func Generate(st model.EffectiveStack) ([]byte, error) {
	p, err := NewProject(st)
	if err != nil {
		return nil, err
	}
	return p.Marshal()
}

// NewProject turns a stack into its typed compose project (see the package doc for the
// rules). Each service's hostname is its instance name unless the spec sets a non-empty one;
// its depends_on comes from EffectiveService.DependsOn (true: service_healthy).
//
// It checks what compose would otherwise reject late or, worse, accept with a meaning the
// user did not intend: names, field types, ports, reserved labels, secret references,
// dependencies on unknown instances, and a service with neither image nor build. The first
// problem is returned, in a stable order (instances, then fields, sorted by name).
func NewProject(st model.EffectiveStack) (Project, error) {
	if err := model.ValidateStackName(st.Name); err != nil {
		return Project{}, err
	}
	services := slices.Clone(st.Services)
	slices.SortFunc(services, func(a, b model.EffectiveService) int { return strings.Compare(a.Instance, b.Instance) })
	instances := make(map[string]bool, len(services))
	for _, svc := range services {
		if err := model.ValidateInstanceName(st.Name, svc.Instance); err != nil {
			return Project{}, err
		}
		if instances[svc.Instance] {
			return Project{}, model.Invalid("name", fmt.Sprintf("instance %q appears twice in stack %q", svc.Instance, st.Name),
				"Instance names are unique within a stack.")
		}
		instances[svc.Instance] = true
	}
	stackLabels := Map[string]{model.LabelStack: st.Name}
	network := Network{Name: model.NetworkName(st.Name), Labels: stackLabels}
	if st.Subnet != "" {
		network.Labels = Map[string]{model.LabelStack: st.Name, model.LabelSubnet: st.Subnet}
		network.IPAM = &IPAM{Config: []IPAMConfig{{Subnet: st.Subnet}}}
	}
	p := Project{
		Name:     model.ProjectName(st.Name),
		Services: make(Map[Service], len(services)),
		Networks: Map[Network]{"default": network},
		Volumes:  Map[Volume]{},
	}
	volumeLabels := stackLabels
	if st.VolumePrefix != "" {
		volumeLabels = Map[string]{model.LabelStack: st.Name, model.LabelVolumePrefix: st.VolumePrefix}
		if st.Installation != "" {
			volumeLabels[model.LabelInstallation] = st.Installation
		}
	}
	secretVars := map[string]string{}
	jobs := Jobs(services)
	for _, es := range services {
		b := &builder{stack: st.Name, instance: es.Instance, instances: instances, secretVars: secretVars, volumes: map[string]bool{}, root: st.Root, job: jobs[es.Instance]}
		svc, err := b.service(es)
		if err != nil {
			return Project{}, err
		}
		p.Services[es.Instance] = svc
		for name := range b.secrets {
			if p.Secrets == nil {
				p.Secrets = Map[Secret]{}
			}
			p.Secrets[name] = Secret{Environment: SecretEnvVar(name)}
		}
		for name, c := range b.configs {
			if p.Configs == nil {
				p.Configs = Map[Config]{}
			}
			p.Configs[name] = c
		}
		for v := range b.volumes {
			vol := Volume{Labels: volumeLabels}
			if st.VolumePrefix != "" {
				vol.Name = st.VolumePrefix + v
			}
			p.Volumes[v] = vol
		}
	}
	if len(p.Volumes) == 0 {
		p.Volumes = nil
	}
	if err := checkAliases(p); err != nil {
		return Project{}, err
	}
	return p, nil
}

// builder converts one effective service. The spec is JSON-like (model.Spec); every
// conversion checks the value's type and names the field on failure.
type builder struct {
	stack, instance string
	instances       map[string]bool       // every instance of the stack, for depends_on
	secretVars      map[string]string     // stack-wide: DEVARCH_SECRET_X -> secret name
	volumes         map[string]bool       // named volumes this service mounts
	root            string                // where relative paths resolve ("": left relative)
	configs         Map[Config]           // the project configs this service's configs need
	secrets         map[string]bool       // the stack secrets this service mounts as files
	deps            map[string]Dependency // the instance's own depends_on entries
	alone           bool                  // CheckService: other instances are unknown
	relative        bool                  // the service uses a relative path (its hash covers root)
	job             bool                  // a one-shot instance (Jobs): labelled model.LabelJob
	// problems collects what service refuses, in the order it checks: fields by name,
	// then image-or-build, labels, depends_on. A failed field is left out and the others
	// are still checked, so that CheckService can report every problem; NewProject
	// reports the first, which is the one it reported when it stopped at the first.
	problems []*model.Error
}

// problem records a refusal; an error standing for several problems records each.
func (b *builder) problem(err error) {
	e := model.AsError(err)
	if len(e.Problems) > 0 {
		b.problems = append(b.problems, e.Problems...)
		return
	}
	b.problems = append(b.problems, e)
}

// CheckService runs every check Generate makes of one service on its own and returns every
// problem found, in a stable order (nil when there is none): what a write of one instance
// (or one template) must pass so that generation, and so plan, cannot fail on it later.
// Summaries do not name the instance, which the caller knows. Checks that need the whole
// stack stay NewProject's: instance names, dependencies, and two secret names that reach
// compose as one variable from different services.
func CheckService(es model.EffectiveService) []*model.Error {
	es.DependsOn = nil
	b := &builder{instance: es.Instance, instances: map[string]bool{es.Instance: true}, secretVars: map[string]string{}, volumes: map[string]bool{}, alone: true}
	_, _ = b.service(es)
	prefix := fmt.Sprintf("instance %q: ", es.Instance)
	out := make([]*model.Error, len(b.problems))
	for i, p := range b.problems {
		c := *p
		c.Summary = strings.TrimPrefix(c.Summary, prefix)
		out[i] = &c
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func (b *builder) service(es model.EffectiveService) (Service, error) {
	svc := Service{ContainerName: model.ContainerName(b.stack, es.Instance)}
	strs := map[string]*string{
		"image": &svc.Image, "platform": &svc.Platform, "pull_policy": &svc.PullPolicy,
		"working_dir": &svc.WorkingDir, "user": &svc.User, "hostname": &svc.Hostname,
		"restart": &svc.Restart, "stop_signal": &svc.StopSignal,
		"stop_grace_period": &svc.StopGracePeriod, "shm_size": &svc.ShmSize,
	}
	lists := map[string]*[]string{
		"expose": &svc.Expose, "tmpfs": &svc.Tmpfs, "extra_hosts": &svc.ExtraHosts,
		"dns": &svc.DNS, "cap_add": &svc.CapAdd, "cap_drop": &svc.CapDrop,
	}
	bools := map[string]**bool{
		"init": &svc.Init, "privileged": &svc.Privileged, "read_only": &svc.ReadOnly,
		"tty": &svc.Tty, "stdin_open": &svc.StdinOpen,
	}
	var userLabels Map[string]
	keys := make([]string, 0, len(es.Spec))
	for k := range es.Spec {
		keys = append(keys, k)
	}
	slices.Sort(keys) // the first error reported does not depend on map order
	for _, name := range keys {
		v := es.Spec[name]
		if v == nil {
			continue // a removed field: the effective spec should not hold one, and absent is what it means
		}
		if _, ok := model.LookupField(name); !ok {
			return Service{}, b.invalid(name, fmt.Sprintf("unknown field %q", name),
				"DevArch generates container_name and networks itself. Fields a service may set: "+strings.Join(model.FieldNames(), ", ")+".")
		}
		var err error
		switch name {
		case "image", "platform", "pull_policy", "working_dir", "user", "hostname", "restart",
			"stop_signal", "stop_grace_period", "shm_size":
			*strs[name], err = b.text(name, v)
		case "expose", "tmpfs", "extra_hosts", "dns", "cap_add", "cap_drop":
			*lists[name], err = b.textList(name, v)
		case "init", "privileged", "read_only", "tty", "stdin_open":
			*bools[name], err = b.boolean(name, v)
		case "command":
			svc.Command, err = b.textList(name, v)
		case "entrypoint":
			svc.Entrypoint, err = b.textList(name, v)
		case "environment":
			svc.Environment, err = b.textMap(name, v)
		case "labels":
			userLabels, err = b.textMap(name, v)
		case "ports":
			svc.Ports, err = b.ports(es)
		case "volumes":
			svc.Volumes, err = b.mounts(v)
		case "build":
			svc.Build, err = b.build(v)
		case "healthcheck":
			svc.Healthcheck, err = b.healthcheck(v)
		case "logging":
			svc.Logging, err = b.logging(v)
		case "deploy":
			svc.Deploy, err = b.plainObject(name, v)
		case "ulimits":
			svc.Ulimits, err = b.plainObject(name, v)
		case "configs":
			svc.Configs, err = b.configFiles(es, v)
		case "depends_on":
			b.deps, err = b.specDependsOn(v)
		case "network_aliases":
			var aliases []string
			if aliases, err = b.networkAliases(v); err == nil && len(aliases) > 0 {
				svc.Networks = Map[ServiceNetwork]{"default": {Aliases: aliases}}
			}
		case "secrets":
			svc.Secrets, err = b.secretFiles(v)
		default:
			err = model.NewError(model.KindInternal, fmt.Sprintf("compose does not map the service field %q", name),
				"model.ServiceFields lists a field that package compose does not render; add it to Service and builder.service.")
		}
		if err != nil {
			b.problem(err)
		}
	}
	if svc.Image == "" && svc.Build == nil {
		b.problem(b.invalid("image", "the service has neither an image nor a build", "Set image (e.g. mysql:8.4) or build (a context directory)."))
	}
	if svc.Hostname == "" {
		svc.Hostname = es.Instance
	}
	var err error
	if svc.Labels, err = b.labels(es, userLabels); err != nil {
		b.problem(err)
	}
	if svc.DependsOn, err = b.dependsOn(es); err != nil {
		b.problem(err)
	}
	if len(b.problems) > 0 {
		return Service{}, b.problems[0]
	}
	return svc, nil
}

// labels merges the user's labels with DevArch's, which nobody may override. Every
// reserved user label is recorded as a problem (b.problem) and left out.
func (b *builder) labels(es model.EffectiveService, user Map[string]) (Map[string], error) {
	out := make(Map[string], len(user)+4)
keys:
	for _, k := range sortedKeys(user) {
		v := user[k]
		for _, r := range reservedLabels {
			if strings.HasPrefix(k, r.prefix) {
				b.problem(b.invalid("labels."+k, fmt.Sprintf("label %q is reserved", k),
					fmt.Sprintf("Labels starting with %q belong to %s. Choose another key.", r.prefix, r.owner)))
				continue keys
			}
		}
		out[k] = v
	}
	root := ""
	if b.relative {
		root = b.root
	}
	hash, err := configHash(es, root, b.job)
	if err != nil {
		return nil, err
	}
	if b.job {
		out[model.LabelJob] = "true"
	}
	out[model.LabelStack] = b.stack
	out[model.LabelInstance] = es.Instance
	out[model.LabelTemplate] = strings.ReplaceAll(es.Template, "$", "$$") // literal, like every value
	out[model.LabelConfigHash] = hash
	return out, nil
}

// dependsOn renders the instances es waits for: wiring's (es.DependsOn, true for
// service_healthy) and the instance's own depends_on entries (b.deps), which win for the
// same instance since the user chose their condition.
func (b *builder) dependsOn(es model.EffectiveService) (Map[Dependency], error) {
	if len(es.DependsOn) == 0 && len(b.deps) == 0 {
		return nil, nil
	}
	all := make(map[string]bool, len(es.DependsOn)+len(b.deps))
	for dep := range es.DependsOn {
		all[dep] = true
	}
	for dep := range b.deps {
		all[dep] = true
	}
	out := make(Map[Dependency], len(all))
	for _, dep := range sortedKeys(all) {
		if own, ok := b.deps[dep]; ok && b.alone && dep != es.Instance {
			out[dep] = own // CheckService: whether dep exists is the whole stack's check
			continue
		}
		healthy := es.DependsOn[dep]
		if dep == es.Instance || !b.instances[dep] {
			why := fmt.Sprintf("Stack %q has no other instance named %q.", b.stack, dep)
			if dep == es.Instance {
				why = "An instance cannot wait for itself."
			}
			return nil, b.invalid("depends_on."+dep, fmt.Sprintf("depends on %q", dep), why)
		}
		if own, ok := b.deps[dep]; ok {
			out[dep] = own
			continue
		}
		cond := ConditionStarted
		if healthy {
			cond = ConditionHealthy
		}
		out[dep] = Dependency{Condition: cond}
	}
	return out, nil
}

// ports renders the ports entries; an error stands for every invalid entry.
func (b *builder) ports(es model.EffectiveService) ([]string, error) {
	pubs, problems := publishedPorts(es)
	if len(problems) > 0 {
		return nil, model.JoinProblems("ports", problems)
	}
	out := make([]string, len(pubs))
	for i, p := range pubs {
		out[i] = p.String()
	}
	return out, nil
}

// mounts passes short-syntax volume entries through (escaped), scopes named volumes to
// their instance, and records them, since they must be declared at the top level. A
// relative bind ("./conf:/etc/x") is made absolute against the stack's project root, so the
// file says exactly which directory is mounted, wherever it is read from.
func (b *builder) mounts(v any) ([]string, error) {
	items, err := b.textList("volumes", v)
	if err != nil {
		return nil, err
	}
	raw, _ := asList(v)
	for i, item := range raw {
		entry := item.(string)
		if strings.HasPrefix(entry, "$") {
			return nil, b.invalid(fmt.Sprintf("volumes[%d]", i), fmt.Sprintf("volume %q starts with a variable", entry),
				`Values are literal: compose does not expand variables in them. Mount a directory under the stack's directory ("./conf:/etc/app") or an absolute path.`)
		}
		name, ok := namedVolume(entry)
		if !ok {
			if abs, rel := b.absolute(entry); rel {
				if items[i], err = b.escape(fmt.Sprintf("volumes[%d]", i), abs); err != nil {
					return nil, err
				}
			}
			continue
		}
		if !volumeName.MatchString(name) {
			return nil, b.invalid(fmt.Sprintf("volumes[%d]", i), fmt.Sprintf("invalid volume name %q", name),
				`A named volume is written NAME:/path, NAME made of letters, digits, '_', '.' and '-'; a host directory starts with "./", "../", "/" or "~".`)
		}
		// Named volumes belong to their instance: two templates that both call their
		// volume "data" (mysql, postgres) must not share it. Compose adds the project
		// prefix, so the engine's name is devarch-{stack}_{instance}-{name}.
		scoped := b.instance + "-" + name
		items[i] = scoped + items[i][len(name):]
		b.volumes[scoped] = true
	}
	return items, nil
}

func (b *builder) build(v any) (*Build, error) {
	obj, err := b.object("build", v)
	if err != nil {
		return nil, err
	}
	out := &Build{}
	for _, k := range sortedKeys(obj) {
		path := "build." + k
		switch x := obj[k]; k {
		case "context":
			out.Context, err = b.text(path, x)
			if raw, _ := x.(string); err == nil && isRelativePath(raw) && b.root != "" {
				b.relative = true
				out.Context, err = b.escape(path, joinRoot(b.root, raw))
			}
		case "dockerfile":
			out.Dockerfile, err = b.text(path, x)
		case "target":
			out.Target, err = b.text(path, x)
		case "args":
			if _, isList := asList(x); isList {
				out.Args, err = b.textList(path, x)
			} else {
				out.Args, err = b.textMap(path, x)
			}
		default:
			err = b.unknownKey("build", k)
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (b *builder) healthcheck(v any) (*Healthcheck, error) {
	obj, err := b.object("healthcheck", v)
	if err != nil {
		return nil, err
	}
	out := &Healthcheck{}
	for _, k := range sortedKeys(obj) {
		path := "healthcheck." + k
		switch x := obj[k]; k {
		case "test":
			if _, isList := asList(x); isList {
				out.Test, err = b.textList(path, x)
			} else {
				out.Test, err = b.text(path, x)
			}
		case "interval":
			out.Interval, err = b.text(path, x)
		case "timeout":
			out.Timeout, err = b.text(path, x)
		case "start_period":
			out.StartPeriod, err = b.text(path, x)
		case "start_interval":
			out.StartInterval, err = b.text(path, x)
		case "retries":
			out.Retries, err = b.integer(path, x)
		case "disable":
			out.Disable, err = b.boolean(path, x)
		default:
			err = b.unknownKey("healthcheck", k)
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (b *builder) logging(v any) (*Logging, error) {
	obj, err := b.object("logging", v)
	if err != nil {
		return nil, err
	}
	out := &Logging{}
	for _, k := range sortedKeys(obj) {
		path := "logging." + k
		switch x := obj[k]; k {
		case "driver":
			out.Driver, err = b.text(path, x)
		case "options":
			out.Options, err = b.plainObject(path, x)
		default:
			err = b.unknownKey("logging", k)
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (b *builder) unknownKey(field, key string) error {
	def, _ := model.LookupField(field)
	return b.invalid(field+"."+key, fmt.Sprintf("unknown key %q", key), "Allowed keys: "+strings.Join(sortedKeys(def.Sub), ", ")+".")
}

// invalid builds the KindInvalid error every conversion returns: the field path in Field, the
// instance in the summary.
func (b *builder) invalid(path, summary, detail string) error {
	return invalidf(b.instance, path, summary, detail)
}

func invalidf(instance, path, summary, detail string) *model.Error {
	return model.Invalid(path, fmt.Sprintf("instance %q: %s", instance, summary), detail)
}

// absolute returns a short-syntax bind entry with its relative source ("./x", "../x") made
// absolute against the project root; rel is false when the entry is left as it is (no root,
// or not a relative bind).
func (b *builder) absolute(entry string) (string, bool) {
	src, rest, ok := strings.Cut(entry, ":")
	if !ok || b.root == "" || !isRelativePath(src) {
		return entry, false
	}
	b.relative = true
	return joinRoot(b.root, src) + ":" + rest, true
}

// isRelativePath: a path compose resolves against the project directory.
func isRelativePath(p string) bool {
	return p == "." || p == ".." || strings.HasPrefix(p, "./") || strings.HasPrefix(p, "../")
}

// joinRoot joins a relative path to the root, cleaned, with forward slashes (compose's own
// form on every platform).
func joinRoot(root, rel string) string {
	return path.Join(filepath.ToSlash(root), rel)
}

// BindSources lists the host directories a stack's relative bind mounts resolve to under its
// root (absolute, sorted, unique): the ones DevArch creates before an apply, owned by the
// user, instead of letting the engine create them owned by root. Pure: it only computes.
func BindSources(st model.EffectiveStack) []string {
	if st.Root == "" {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, lp := range LocalPaths(st) {
		if !strings.HasPrefix(lp.Field, "volumes[") {
			continue // a build context is read, never created
		}
		if p := joinRoot(st.Root, lp.Source); !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

// RelativePaths names every field of a stack's services that resolves against its project
// root (LocalPaths), as "instance.volumes[i]" / "instance.build.context", in service order.
// Pure.
func RelativePaths(st model.EffectiveStack) []string {
	var out []string
	for _, lp := range LocalPaths(st) {
		out = append(out, lp.Instance+"."+lp.Field)
	}
	return out
}

// LocalPath is a path of a service's definition that names a directory of the machine
// compose runs on: a relative bind mount source or build context (resolved against the
// stack's project root).
type LocalPath struct {
	Instance string
	// Field is the path of the field: "volumes[0]", "build.context".
	Field string
	// Source is the path as written ("./app").
	Source string
}

// LocalPaths lists a stack's relative bind mounts and build contexts, by instance then
// field. On a remote engine they would resolve on the engine's host, where the project's
// files are not.
func LocalPaths(st model.EffectiveStack) []LocalPath {
	var out []LocalPath
	for _, es := range st.Services {
		if raw, ok := asList(es.Spec["volumes"]); ok {
			for i, item := range raw {
				entry, _ := item.(string)
				if src, _, ok := strings.Cut(entry, ":"); ok && isRelativePath(src) {
					out = append(out, LocalPath{Instance: es.Instance, Field: fmt.Sprintf("volumes[%d]", i), Source: src})
				}
			}
		}
		if b, ok := es.Spec["build"].(map[string]any); ok {
			if c, _ := b["context"].(string); isRelativePath(c) {
				out = append(out, LocalPath{Instance: es.Instance, Field: "build.context", Source: c})
			}
		}
	}
	return out
}
