package composeimport

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/netip"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/resolve"
	"github.com/devarch/devarch/backend/secrets"
)

// Finding is one line of the fidelity report: what happened to one field of the original.
type Finding struct {
	// Path is the field in the original project, e.g. "services.web.container_name".
	Path string
	// Change is Replaced (DevArch sets it its own way), Changed (carried with another
	// value or shape) or NotCarried (DevArch has no such field; the service runs without).
	Change string
	Detail string
}

// The kinds of Finding.
const (
	Replaced   = "replaced"
	Changed    = "changed"
	NotCarried = "not carried"
)

// Result is a compose project as DevArch data: one custom template per service (named
// STACK-INSTANCE, so that two imported projects never share one), one instance per
// service with no overrides (the template is the service), the project folder as the
// stack's root, the stack secrets to create, and the report.
type Result struct {
	Root      string
	Templates []model.Template
	Instances []model.Instance
	// Secrets are values moved out of environments (see secretVar) into stack secrets, by
	// secret name; the environment references them (${secret:NAME}), so no password
	// reaches the database in plaintext. Compose secrets (file- or environment-sourced)
	// are here too, under the name fileSecretName gives them.
	Secrets map[string]string
	// MissingSecrets are stack secrets the instances reference that the import has no
	// value for (an environment-sourced compose secret whose variable is not set, an empty
	// secret file): the plan refuses to apply until `devarch secret set` gives one.
	MissingSecrets []string
	Report         []Finding
}

// Convert turns a loaded project into the stack named stack. It is pure. Each service's
// carried fields are validated as a template's; a field DevArch refuses is reported as not
// carried with the reason, and a service left with neither image nor build is an error
// (it could not run). Instance names are the services' names, made DNS labels when they are
// not ("My_App" -> "my-app", reported).
func Convert(p *Project, stack string) (Result, error) {
	if err := model.ValidateStackName(stack); err != nil {
		return Result{}, err
	}
	if len(p.Services) == 0 {
		return Result{}, model.Invalid("services", "the project has no services", "Enable a profile with --profile, or check the file.")
	}
	res := Result{Root: p.WorkingDir, Secrets: map[string]string{}}
	r := &reporter{}
	fileSecrets, err := composeSecrets(p, res.Secrets, &res.MissingSecrets, r)
	if err != nil {
		return Result{}, err
	}
	for _, v := range p.Unset {
		r.add("${"+v+"}", Changed, "the variable is not set (in the shell, .env or the import's environment), so compose reads it as an empty string")
	}
	names := slices.Sorted(maps.Keys(p.Services))
	taken := map[string]string{}
	services := map[string]string{} // template name -> original service name, for the report
	for _, svcName := range names {
		instance := instanceName(svcName)
		overrides := model.Spec{}
		if instance != svcName {
			// The old name stays reachable: other services' settings (DATABASE_URL=...@My_Db)
			// keep working unchanged.
			overrides["network_aliases"] = []any{svcName}
			r.add("services."+svcName, Changed, fmt.Sprintf("renamed to %s (instance names are lowercase DNS labels); %s stays its network alias, so the other services still reach it by it", instance, svcName))
		}
		if other, dup := taken[instance]; dup {
			return Result{}, model.Invalid("services."+svcName, fmt.Sprintf("services %s and %s both become instance %s", other, svcName, instance),
				"Rename one of them in the compose file.")
		}
		taken[instance] = svcName
		services[stack+"-"+instance] = svcName
		if err := model.ValidateInstanceName(stack, instance); err != nil {
			return Result{}, err
		}
		spec, err := serviceSpec(p.Services[svcName], p.WorkingDir, "services."+svcName, r)
		if err != nil {
			return Result{}, err
		}
		if deps := dependsOn(p, svcName, r); len(deps) > 0 {
			overrides["depends_on"] = deps
		}
		files, binds := secretMounts(p.Services[svcName], fileSecrets, p.WorkingDir, "services."+svcName+".secrets", r)
		if len(files) > 0 {
			overrides["secrets"] = files
		}
		if len(binds) > 0 {
			spec["volumes"] = append(listOf(spec["volumes"]), binds...)
		}
		if err := resolve.ValidateOverrides(overrides); err != nil {
			return Result{}, model.Wrap(model.KindInternal, err, "service "+svcName+" converts to invalid overrides", err.Error())
		}
		moveSecrets(spec, instance, "services."+svcName, res.Secrets, r)
		res.Templates = append(res.Templates, model.Template{
			Name:        stack + "-" + instance,
			Category:    category(spec),
			Description: fmt.Sprintf("service %s imported from %s", svcName, filepath.Base(p.WorkingDir)),
			Service:     spec,
		})
		res.Instances = append(res.Instances, model.Instance{Stack: stack, Name: instance, Template: stack + "-" + instance, Overrides: overrides})
	}
	embedSecrets(res, services, r)
	sharedVolumes(p.Project, r)
	topLevel(p.Project, r)
	res.Report = r.findings
	return res, nil
}

type reporter struct{ findings []Finding }

func (r *reporter) add(path, change, detail string) {
	r.findings = append(r.findings, Finding{Path: path, Change: change, Detail: detail})
}

var notLabel = regexp.MustCompile(`[^a-z0-9-]+`)

// instanceName makes a service name a DNS label: lowercase, runs of other characters
// become '-', no leading or trailing '-'.
func instanceName(s string) string {
	n := strings.Trim(notLabel.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if n == "" {
		n = "service"
	}
	return n
}

// carried are the compose fields DevArch keeps, in the JSON shape compose-go writes, with
// how each becomes a DevArch value. The others are handled in serviceSpec or reported.
var carried = map[string]bool{
	"image": true, "user": true, "working_dir": true, "restart": true, "hostname": true, "platform": true,
	"stop_signal": true, "stop_grace_period": true, "pull_policy": true,
	"init": true, "privileged": true, "read_only": true, "tty": true, "stdin_open": true,
	"command": true, "entrypoint": true, "labels": true, "expose": true, "dns": true, "cap_add": true, "cap_drop": true, "tmpfs": true,
	"healthcheck": true, "deploy": true, "logging": true, "ulimits": true,
}

// serviceSpec converts one service. What it returns validates as a template's service.
func serviceSpec(svc types.ServiceConfig, root, path string, r *reporter) (model.Spec, error) {
	raw, err := json.Marshal(svc)
	if err != nil {
		return nil, model.Wrap(model.KindInternal, err, "cannot read service "+svc.Name, err.Error())
	}
	var fields map[string]any
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, model.Wrap(model.KindInternal, err, "cannot read service "+svc.Name, err.Error())
	}
	spec := model.Spec{}
	for _, key := range slices.Sorted(maps.Keys(fields)) {
		v := fields[key]
		if v == nil {
			continue
		}
		fp := path + "." + key
		switch {
		case carried[key]:
			if key == "deploy" || key == "healthcheck" || key == "logging" || key == "ulimits" {
				v = jsonNumbers(v)
			}
			if key == "labels" {
				v = withoutComposeLabels(v)
				if m, _ := v.(map[string]any); len(m) == 0 {
					continue
				}
			}
			spec[key] = v
		case key == "shm_size":
			spec[key] = fmt.Sprint(v) // bytes, as compose-go writes them
		case key == "environment":
			if env := environment(svc.Environment, fp, r); len(env) > 0 {
				spec[key] = env
			}
		case key == "ports":
			spec[key] = ports(svc.Ports, fp, r)
		case key == "volumes":
			vols, tmpfs := volumes(svc.Volumes, root, fp, r)
			if len(vols) > 0 {
				spec[key] = vols
			}
			if len(tmpfs) > 0 {
				spec["tmpfs"] = append(listOf(spec["tmpfs"]), tmpfs...)
			}
		case key == "extra_hosts":
			var hosts []any
			for _, h := range svc.ExtraHosts.AsList(":") {
				hosts = append(hosts, h)
			}
			sort.Slice(hosts, func(i, j int) bool { return hosts[i].(string) < hosts[j].(string) })
			spec[key] = hosts
		case key == "build":
			spec[key] = build(svc.Build, root, fp, r)
		case key == "container_name":
			r.add(fp, Replaced, "DevArch names the container devarch-STACK-INSTANCE, so that the stack can run next to others")
		case key == "networks":
			if !onlyDefaultNetwork(svc.Networks) {
				r.add(fp, Replaced, "the service joins the stack's own network; other networks (and their aliases) are not joined")
			}
		case key == "depends_on", key == "secrets":
			// Carried in the instance's overrides (Convert: dependsOn, secretMounts).
		case key == "env_file":
			// compose-go has already read these into environment.
		case key == "configs":
			r.add(fp, NotCarried, "compose configs are not imported: put the file's content in the template's configs field")
		case key == "profiles":
			// Chosen at load time (--profile): the stack has the services that were enabled.
		default:
			if empty(v) {
				continue
			}
			r.add(fp, NotCarried, fmt.Sprintf("DevArch has no %s field; the service runs without it", key))
		}
	}
	// Validate field by field, so that one refused value costs that field, reported, not
	// the whole import.
	for _, key := range slices.Sorted(maps.Keys(spec)) {
		if err := resolve.ValidateTemplateSpec(model.Spec{key: spec[key]}); err != nil {
			delete(spec, key)
			r.add(path+"."+key, NotCarried, "DevArch refuses the value: "+err.Error())
		}
	}
	if _, set := spec["restart"]; !set {
		// DevArch's default is unless-stopped; compose's is no. Say what the original meant.
		spec["restart"] = "no"
	}
	if spec["image"] == nil && spec["build"] == nil {
		return nil, model.Invalid(path, fmt.Sprintf("service %s has neither image nor build", svc.Name), "Give it an image (or a build context) in the compose file.")
	}
	return spec, nil
}

// environment keeps variables with a value. One without (KEY with nothing after it) takes
// its value from the shell running compose; DevArch does not read a shell, so it is reported.
func environment(env types.MappingWithEquals, path string, r *reporter) map[string]any {
	out := map[string]any{}
	for _, k := range slices.Sorted(maps.Keys(env)) {
		if v := env[k]; v != nil {
			out[k] = *v
		} else {
			r.add(path+"."+k, NotCarried, "it has no value (compose takes it from the shell); set one with devarch instance set")
		}
	}
	return out
}

// ports writes long-syntax ports as DevArch's short entries. A port without an address is
// published on all interfaces by compose; DevArch publishes on 127.0.0.1 unless told, so
// the change is reported with how to keep the original.
func ports(ps []types.ServicePortConfig, path string, r *reporter) []any {
	var out []any
	for i, p := range ps {
		fp := fmt.Sprintf("%s[%d]", path, i)
		entry := strconv.FormatUint(uint64(p.Target), 10)
		proto := ""
		if p.Protocol != "" && p.Protocol != "tcp" {
			proto = "/" + p.Protocol
		}
		if p.Published != "" {
			entry = p.Published + ":" + entry
			host := p.HostIP
			if host == "" {
				r.add(fp, Changed, fmt.Sprintf("published on 127.0.0.1 (DevArch's default) instead of every interface; write 0.0.0.0:%s%s to keep that", entry, proto))
			} else {
				if a, err := netip.ParseAddr(host); err == nil && a.Is6() {
					host = "[" + host + "]"
				}
				entry = host + ":" + entry
			}
		}
		entry += proto
		if p.Mode != "" && p.Mode != "ingress" {
			r.add(fp+".mode", NotCarried, "port mode "+p.Mode+" is for swarm")
		}
		if p.Name != "" || p.AppProtocol != "" {
			r.add(fp, NotCarried, "the port's name and app_protocol are not kept")
		}
		out = append(out, entry)
	}
	return out
}

// volumes writes mounts as short entries: bind mounts under the project folder relative
// to it ("./src:/app"), so the stack's root (the same folder) makes them point at the same
// place; named volumes as NAME:/path; anonymous ones as /path. tmpfs mounts go to tmpfs.
func volumes(vs []types.ServiceVolumeConfig, root, path string, r *reporter) (out, tmpfs []any) {
	for i, v := range vs {
		fp := fmt.Sprintf("%s[%d]", path, i)
		var entry string
		switch v.Type {
		case types.VolumeTypeBind:
			entry = relativeTo(root, v.Source) + ":" + v.Target
			if v.Bind != nil && (v.Bind.Propagation != "" || v.Bind.SELinux != "") {
				r.add(fp, NotCarried, "bind propagation and SELinux options are not kept")
			}
		case types.VolumeTypeVolume:
			entry = v.Target
			if v.Source != "" {
				entry = v.Source + ":" + v.Target
			}
			if v.Volume != nil && (v.Volume.NoCopy || v.Volume.Subpath != "") {
				r.add(fp, NotCarried, "nocopy and subpath are not kept")
			}
		case types.VolumeTypeTmpfs:
			tmpfs = append(tmpfs, v.Target)
			continue
		default:
			r.add(fp, NotCarried, fmt.Sprintf("a %s mount is not supported", v.Type))
			continue
		}
		if v.ReadOnly {
			entry += ":ro"
		}
		out = append(out, entry)
	}
	return out, tmpfs
}

// relativeTo writes a host path inside the project folder relative to it ("./src", "."),
// so the stack's root (the same folder) makes it point at the same place; outside it the
// path stays absolute.
func relativeTo(root, p string) string {
	if rel, err := filepath.Rel(root, p); err == nil && rel != ".." && !strings.HasPrefix(rel, "../") {
		if rel == "." {
			return "."
		}
		return "./" + filepath.ToSlash(rel)
	}
	return p
}

// build keeps context (relative to the project folder when inside it), dockerfile, target
// and args; other build options are reported.
func build(b *types.BuildConfig, root, path string, r *reporter) map[string]any {
	out := map[string]any{}
	ctx := b.Context
	if rel, err := filepath.Rel(root, ctx); err == nil && rel != ".." && !strings.HasPrefix(rel, "../") {
		ctx = "./" + filepath.ToSlash(rel)
		if rel == "." {
			ctx = "."
		}
	}
	out["context"] = ctx
	if b.Dockerfile != "" && b.Dockerfile != "Dockerfile" {
		out["dockerfile"] = b.Dockerfile
	}
	if b.Target != "" {
		out["target"] = b.Target
	}
	if len(b.Args) > 0 {
		args := map[string]any{}
		for k, v := range b.Args {
			if v != nil {
				args[k] = *v
			} else {
				r.add(path+".args."+k, NotCarried, "it has no value (compose takes it from the shell)")
			}
		}
		if len(args) > 0 {
			out["args"] = args
		}
	}
	if b.DockerfileInline != "" || len(b.CacheFrom) > 0 || len(b.CacheTo) > 0 || len(b.Secrets) > 0 || len(b.AdditionalContexts) > 0 ||
		len(b.Platforms) > 0 || b.Network != "" || len(b.Tags) > 0 || len(b.Labels) > 0 || len(b.SSH) > 0 {
		r.add(path, NotCarried, "only context, dockerfile, target and args of build are kept")
	}
	return out
}

// secretVar matches environment variables that hold credentials by their name.
var secretVar = regexp.MustCompile(`(?i)(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY)`)

// moveSecrets moves each credential-named variable's literal value into a stack secret
// INSTANCE_VARIABLE (lowercase) and puts the reference in its place. Empty values and values
// that already hold a reference stay as they are.
func moveSecrets(spec model.Spec, instance, path string, out map[string]string, r *reporter) {
	env, _ := spec["environment"].(map[string]any)
	for _, k := range slices.Sorted(maps.Keys(env)) {
		v, _ := env[k].(string)
		if v == "" || !secretVar.MatchString(k) || strings.Contains(v, "${") {
			continue
		}
		name := model.GeneratedSecretName(instance, strings.ToLower(k))
		if secrets.ValidName(name) != nil {
			r.add(path+".environment."+k, Changed, "looks like a credential but stays in the template: its name is too long for a secret")
			continue
		}
		if old, taken := out[name]; taken && old != v {
			r.add(path+".environment."+k, Changed, "looks like a credential but stays in the template: a compose secret already became the stack secret "+name)
			continue
		}
		out[name] = v
		env[k] = "${secret:" + name + "}"
		r.add(path+".environment."+k, Changed, "moved to the stack secret "+name+", so the value is stored encrypted")
	}
}

// minEmbedded is the shortest secret value embedSecrets looks for inside other values:
// shorter ones ("app", "root") match by accident.
const minEmbedded = 6

// embedSecrets replaces a moved secret's value where another variable holds it inside a
// longer text (DATABASE_URL=postgres://app:PASSWORD@db/app) with its reference, so the
// value does not stay in plaintext there either.
func embedSecrets(res Result, services map[string]string, r *reporter) {
	names := slices.Sorted(maps.Keys(res.Secrets))
	for _, t := range res.Templates {
		env, _ := t.Service["environment"].(map[string]any)
		for _, k := range slices.Sorted(maps.Keys(env)) {
			v, _ := env[k].(string)
			replaced := false
			for _, name := range names {
				if secret := res.Secrets[name]; len(secret) >= minEmbedded && strings.Contains(v, secret) {
					v, replaced = strings.ReplaceAll(v, secret, "${secret:"+name+"}"), true
				}
			}
			if replaced {
				env[k] = v
				r.add("services."+services[t.Name]+".environment."+k, Changed,
					"holds a secret's value: it now references the secret instead")
			}
		}
	}
}

// sharedVolumes reports a named volume used by several services: DevArch gives each
// instance its own volumes, so they no longer share the data.
func sharedVolumes(p *types.Project, r *reporter) {
	users := map[string][]string{}
	for name, svc := range p.Services {
		for _, v := range svc.Volumes {
			if v.Type == types.VolumeTypeVolume && v.Source != "" && !slices.Contains(users[v.Source], name) {
				users[v.Source] = append(users[v.Source], name)
			}
		}
	}
	for _, vol := range slices.Sorted(maps.Keys(users)) {
		if u := users[vol]; len(u) > 1 {
			sort.Strings(u)
			r.add("volumes."+vol, Changed, fmt.Sprintf("shared by %s: each DevArch instance gets its own copy, so they no longer share its data", strings.Join(u, ", ")))
		}
	}
}

// topLevel reports top-level settings DevArch does not carry.
func topLevel(p *types.Project, r *reporter) {
	for _, name := range slices.Sorted(maps.Keys(p.Networks)) {
		n := p.Networks[name]
		if n.Driver != "" && n.Driver != "bridge" || bool(n.External) || n.Ipam.Driver != "" || len(n.Ipam.Config) > 0 || n.Internal {
			r.add("networks."+name, NotCarried, "the stack has one network of its own; custom drivers, IPAM, internal and external networks are not kept")
		}
	}
	for _, name := range slices.Sorted(maps.Keys(p.Volumes)) {
		v := p.Volumes[name]
		if v.Driver != "" && v.Driver != "local" || len(v.DriverOpts) > 0 || bool(v.External) {
			r.add("volumes."+name, NotCarried, "volume drivers, driver options and external volumes are not kept")
		}
	}
	for name := range p.Configs {
		r.add("configs."+name, NotCarried, "top-level configs are not imported")
	}
	sort.SliceStable(r.findings, func(i, j int) bool { return r.findings[i].Path < r.findings[j].Path })
}

func onlyDefaultNetwork(n map[string]*types.ServiceNetworkConfig) bool {
	if len(n) == 0 {
		return true
	}
	if len(n) > 1 {
		return false
	}
	c, ok := n["default"]
	return ok && (c == nil || len(c.Aliases) == 0 && c.Ipv4Address == "" && c.Ipv6Address == "")
}

// dependsOn is a service's depends_on as the instance's own depends_on (model field):
// the instances it names, each with its condition, and required and restart where they
// differ from compose's defaults (required, no restart), so compose reads the same
// entries back. A dependency on a service the project does not have (an optional one
// whose profile is off) is reported and left out.
func dependsOn(p *Project, svcName string, r *reporter) map[string]any {
	d := p.Services[svcName].DependsOn
	if len(d) == 0 {
		return nil
	}
	out := map[string]any{}
	for _, dep := range slices.Sorted(maps.Keys(d)) {
		if _, ok := p.Services[dep]; !ok {
			r.add("services."+svcName+".depends_on."+dep, NotCarried, "the project has no service "+dep+" (its profile is not enabled)")
			continue
		}
		c := d[dep]
		// service_completed_successfully is carried as it is: apply runs the service as a
		// one-shot job (compose.Jobs, docs/plan-apply.md), to completion before app.
		entry := map[string]any{"condition": c.Condition}
		if c.Condition == "" {
			entry["condition"] = model.ConditionStarted
		}
		if !c.Required {
			entry["required"] = false
		}
		if c.Restart {
			entry["restart"] = true
		}
		out[instanceName(dep)] = entry
	}
	return out
}

// composeSecret is a top-level compose secret as the import carries it: the stack secret
// holding its value, or the reason it is not carried.
type composeSecret struct {
	stackSecret string // "": not carried
	file        string // for a secret left as a file: the bind mount source
}

// composeSecrets turns the project's top-level secrets into stack secrets (values into
// values, names without a value into missing) and returns how each is carried, by compose
// name. A file-based secret's content is read by Load; an environment-sourced one's value
// is the variable as the import sees it (.env), compose's own rule at `up` being the
// shell's. A file DevArch cannot hold as a secret (too large, or a NUL byte) stays a file,
// bind-mounted read-only at the same path. Two compose secrets that get one stack secret
// name are an error.
func composeSecrets(p *Project, values map[string]string, missing *[]string, r *reporter) (map[string]composeSecret, error) {
	out := map[string]composeSecret{}
	taken := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(p.Secrets)) {
		s := p.Secrets[name]
		path := "secrets." + name
		if bool(s.External) || s.Driver != "" || s.TemplateDriver != "" {
			r.add(path, NotCarried, "external secrets and secret drivers are swarm's; set the value with devarch secret set and mount it with the instance's secrets field")
			continue
		}
		stackName := fileSecretName(name)
		if other, dup := taken[stackName]; dup {
			return nil, model.Invalid(path, fmt.Sprintf("secrets %s and %s both become the stack secret %s", other, name, stackName), "Rename one of them in the compose file.")
		}
		taken[stackName] = name
		var value string
		switch {
		case s.File != "":
			if why, bad := p.SecretFileErrors[name]; bad {
				if strings.Contains(why, "larger than") {
					out[name] = composeSecret{file: s.File}
					r.add(path, Changed, why+"; it stays a file, bind-mounted read-only where the secret was (as compose itself mounts it)")
				} else {
					r.add(path, NotCarried, why)
				}
				continue
			}
			value = string(p.SecretFiles[name])
			if strings.IndexByte(value, 0) >= 0 {
				out[name] = composeSecret{file: s.File}
				r.add(path, Changed, "the file holds a NUL byte, which a secret cannot; it stays a file, bind-mounted read-only where the secret was")
				continue
			}
			r.add(path, Changed, fmt.Sprintf("the content of %s is stored encrypted as the stack secret %s (the file is not read again: change it with devarch secret set)", filepath.Base(s.File), stackName))
		case s.Environment != "":
			value = s.Content
			if value == "" {
				if v, ok := p.Environment[s.Environment]; ok {
					value = v
				}
			}
			if value != "" {
				r.add(path, Changed, fmt.Sprintf("the value of $%s at import is stored encrypted as the stack secret %s; compose gets it from DevArch at apply time (change it with devarch secret set)", s.Environment, stackName))
			}
		default:
			value = s.Content
		}
		if _, used := out[name]; used {
			continue
		}
		out[name] = composeSecret{stackSecret: stackName}
		if value == "" {
			*missing = append(*missing, stackName)
			why := "it is empty"
			if s.Environment != "" {
				why = "$" + s.Environment + " is not set (DevArch reads .env, not the shell)"
			}
			r.add(path, Changed, fmt.Sprintf("no value at import (%s): set the stack secret %s with devarch secret set before applying", why, stackName))
			continue
		}
		if old, ok := values[stackName]; ok && old != value {
			return nil, model.Invalid(path, "secret "+name+" becomes the stack secret "+stackName+", which another value already has", "Rename the secret in the compose file.")
		}
		values[stackName] = value
	}
	return out, nil
}

// fileSecretName is the stack secret a compose secret becomes: its name lower-cased, other
// characters than letters and digits as '_', '_' first when it starts with a digit, at
// most 64 characters (secret names' rule).
func fileSecretName(name string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(name) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		} else {
			b.WriteByte('_')
		}
	}
	out := b.String()
	if out == "" || out[0] >= '0' && out[0] <= '9' {
		out = "_" + out
	}
	if len(out) > 64 {
		out = out[:64]
	}
	return out
}

// secretMounts is a service's secrets as the instance's secrets field: container path ->
// {source: ${secret:NAME}, uid, gid, mode}. The path is compose's: the target, under
// /run/secrets/ when relative, /run/secrets/NAME when none. A secret left as a file is a
// read-only bind mount instead (binds, written like volumes' entries), and one not carried
// is reported.
func secretMounts(svc types.ServiceConfig, carried map[string]composeSecret, root, path string, r *reporter) (out map[string]any, binds []any) {
	out = map[string]any{}
	for i, s := range svc.Secrets {
		fp := fmt.Sprintf("%s[%d]", path, i)
		target := s.Target
		switch {
		case target == "":
			target = "/run/secrets/" + s.Source
		case !strings.HasPrefix(target, "/"):
			target = "/run/secrets/" + target
		}
		c, ok := carried[s.Source]
		switch {
		case !ok:
			r.add(fp, NotCarried, "secret "+s.Source+" is not carried (see secrets."+s.Source+")")
			continue
		case c.stackSecret == "":
			binds = append(binds, relativeTo(root, c.file)+":"+target+":ro")
			r.add(fp, Changed, fmt.Sprintf("secret %s stays the file %s, bind-mounted read-only at %s", s.Source, c.file, target))
			continue
		}
		entry := map[string]any{"source": "${secret:" + c.stackSecret + "}"}
		if s.UID != "" {
			entry["uid"] = s.UID
		}
		if s.GID != "" {
			entry["gid"] = s.GID
		}
		if s.Mode != nil {
			entry["mode"] = float64(*s.Mode)
		}
		out[target] = entry
	}
	return out, binds
}

// withoutComposeLabels drops labels compose adds itself.
func withoutComposeLabels(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := map[string]any{}
	for k, x := range m {
		if !strings.HasPrefix(k, "com.docker.compose.") {
			out[k] = x
		}
	}
	return out
}

// jsonNumbers is v as DevArch's canonical values: encoding/json already decodes numbers
// as float64, so only empty objects compose-go writes for unset parts are dropped.
func jsonNumbers(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, c := range x {
			if c = jsonNumbers(c); !empty(c) {
				out[k] = c
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, c := range x {
			out[i] = jsonNumbers(c)
		}
		return out
	}
	return v
}

func empty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case map[string]any:
		return len(x) == 0
	case []any:
		return len(x) == 0
	case string:
		return x == ""
	case bool:
		return !x
	case float64:
		return x == 0
	}
	return false
}

func listOf(v any) []any {
	l, _ := v.([]any)
	return l
}

// category guesses a template category from the image name, for lists; "runtime" when
// nothing matches.
func category(spec model.Spec) string {
	img, _ := spec["image"].(string)
	img = strings.ToLower(img)
	for _, c := range []struct{ cat, words string }{
		{"database", "postgres mysql mariadb mongo cockroach clickhouse"},
		{"cache", "redis valkey memcached keydb"},
		{"web", "nginx httpd caddy traefik haproxy"},
		{"mail", "mailpit mailhog maildev"},
		{"storage", "minio localstack azurite"},
	} {
		for _, w := range strings.Fields(c.words) {
			if strings.Contains(img, w) {
				return c.cat
			}
		}
	}
	return "runtime"
}
