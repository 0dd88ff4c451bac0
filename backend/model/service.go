package model

import (
	"sort"
	"strings"
)

// Spec is a service definition as JSON-like values: string, bool, float64 (numbers),
// []any, map[string]any, and nil. Templates hold a complete Spec; instances hold a partial
// one (their overrides). It is a map rather than a struct because overrides must tell
// "not overridden" (key absent) from "overridden to empty" ("" / [] / {}) and from
// "removed" (nil), for any field, and a struct cannot.
type Spec map[string]any

// FieldKind decides how a field merges (DOMAIN.md, Overrides).
type FieldKind int

const (
	// FieldScalar: the override replaces the value.
	FieldScalar FieldKind = 1
	// FieldArgv: a command line; the override replaces the whole list.
	FieldArgv FieldKind = 2
	// FieldMap: keyed map (environment, labels); merged by key, a nil value deletes the key.
	FieldMap FieldKind = 3
	// FieldList: the override replaces the whole list.
	FieldList FieldKind = 4
	// FieldObject: the override replaces the whole object; nil removes it.
	FieldObject FieldKind = 5
)

func (k FieldKind) String() string {
	switch k {
	case FieldScalar:
		return "scalar"
	case FieldArgv:
		return "argv"
	case FieldMap:
		return "map"
	case FieldList:
		return "list"
	case FieldObject:
		return "object"
	}
	return "unknown"
}

// ValueType is the JSON type a scalar field, a list item or a map value must have.
type ValueType int

const (
	TypeString ValueType = 1
	TypeBool   ValueType = 2
	TypeInt    ValueType = 3
)

func (t ValueType) String() string {
	switch t {
	case TypeString:
		return "string"
	case TypeBool:
		return "boolean"
	case TypeInt:
		return "integer"
	}
	return "unknown"
}

// FieldDef describes one overridable field of a service.
type FieldDef struct {
	Name string
	Kind FieldKind
	// Type: for scalars the value's type; for argv/list the item type; for maps the value
	// type (map values may also be nil in overrides, meaning "delete this key").
	Type ValueType
	// Sub lists the allowed keys of an object field, with their types; nil allows any key
	// (the compose schema validates the structure at generation).
	Sub map[string]ValueType
	// Doc is a one-line description for editors and error messages.
	Doc string
}

// TypeDuration and TypeAny are aliases used in Sub tables: durations are strings ("10s");
// "any" accepts any JSON value (e.g. healthcheck.test, a string or an argv list).
const (
	TypeDuration = TypeString
	TypeAny      = ValueType(99)
)

// ServiceFields are every field a template may set and an instance may override. Names
// are compose's. Fields DevArch owns (container_name, networks) are absent: DevArch
// generates them. depends_on, network_aliases and secrets name other instances or stack
// secrets, so only an instance sets them (templates refuse them: see InstanceOnlyFields);
// wiring adds its own depends_on entries to those an instance sets.
var ServiceFields = []FieldDef{
	{Name: "image", Kind: FieldScalar, Type: TypeString, Doc: "image reference, e.g. mysql:8.4"},
	{Name: "build", Kind: FieldObject, Sub: map[string]ValueType{"context": TypeString, "dockerfile": TypeString, "target": TypeString, "args": TypeAny}, Doc: "build the image from a context instead of pulling it"},
	{Name: "command", Kind: FieldArgv, Type: TypeString, Doc: "command line, as a list of arguments"},
	{Name: "entrypoint", Kind: FieldArgv, Type: TypeString, Doc: "entrypoint, as a list of arguments"},
	{Name: "environment", Kind: FieldMap, Type: TypeString, Doc: "environment variables"},
	{Name: "labels", Kind: FieldMap, Type: TypeString, Doc: "container labels"},
	{Name: "ports", Kind: FieldList, Type: TypeString, Doc: `published ports, "HOST:CONTAINER" (bound to 127.0.0.1 unless an address is given)`},
	{Name: "expose", Kind: FieldList, Type: TypeString, Doc: "ports exposed to the stack's network only"},
	{Name: "volumes", Kind: FieldList, Type: TypeString, Doc: `mounts, "NAME:/path" for named volumes or "./dir:/path" under the stack's directory`},
	{Name: "extra_hosts", Kind: FieldList, Type: TypeString, Doc: `extra /etc/hosts entries, "host:ip"`},
	{Name: "dns", Kind: FieldList, Type: TypeString, Doc: "DNS servers"},
	{Name: "cap_add", Kind: FieldList, Type: TypeString, Doc: "added Linux capabilities"},
	{Name: "cap_drop", Kind: FieldList, Type: TypeString, Doc: "dropped Linux capabilities"},
	{Name: "tmpfs", Kind: FieldList, Type: TypeString, Doc: "tmpfs mounts"},
	{Name: "user", Kind: FieldScalar, Type: TypeString, Doc: "user (and group) to run as"},
	{Name: "working_dir", Kind: FieldScalar, Type: TypeString, Doc: "working directory"},
	{Name: "restart", Kind: FieldScalar, Type: TypeString, Doc: "no, always, on-failure, unless-stopped"},
	{Name: "hostname", Kind: FieldScalar, Type: TypeString, Doc: "hostname inside the container"},
	{Name: "platform", Kind: FieldScalar, Type: TypeString, Doc: "image platform, e.g. linux/amd64"},
	{Name: "stop_signal", Kind: FieldScalar, Type: TypeString, Doc: "signal that stops the container"},
	{Name: "stop_grace_period", Kind: FieldScalar, Type: TypeString, Doc: "time to wait before killing, e.g. 10s"},
	{Name: "shm_size", Kind: FieldScalar, Type: TypeString, Doc: "size of /dev/shm, e.g. 256m"},
	{Name: "pull_policy", Kind: FieldScalar, Type: TypeString, Doc: "always, missing, never, build"},
	{Name: "init", Kind: FieldScalar, Type: TypeBool, Doc: "run an init process"},
	{Name: "privileged", Kind: FieldScalar, Type: TypeBool, Doc: "give extended privileges"},
	{Name: "read_only", Kind: FieldScalar, Type: TypeBool, Doc: "mount the root filesystem read-only"},
	{Name: "tty", Kind: FieldScalar, Type: TypeBool, Doc: "allocate a terminal"},
	{Name: "stdin_open", Kind: FieldScalar, Type: TypeBool, Doc: "keep stdin open"},
	{Name: "healthcheck", Kind: FieldObject, Sub: map[string]ValueType{"test": TypeAny, "interval": TypeDuration, "timeout": TypeDuration, "retries": TypeInt, "start_period": TypeDuration, "start_interval": TypeDuration, "disable": TypeBool}, Doc: "how the engine tells the service is healthy"},
	{Name: "deploy", Kind: FieldObject, Doc: "resource limits and reservations"},
	{Name: "logging", Kind: FieldObject, Sub: map[string]ValueType{"driver": TypeString, "options": TypeAny}, Doc: "log driver and options"},
	{Name: "ulimits", Kind: FieldObject, Doc: "resource limits (nofile, nproc, ...)"},
	{Name: "configs", Kind: FieldMap, Type: TypeString, Doc: "config files: absolute container path -> content, ${env.NAME} filled from the service's environment (wired values included)"},
	{Name: "depends_on", Kind: FieldObject, Doc: "instances of the stack to start first, beyond those wiring adds: NAME: {condition: service_started, service_healthy or service_completed_successfully, required: true, restart: false}"},
	{Name: "network_aliases", Kind: FieldList, Type: TypeString, Doc: "more names the other instances reach this one by on the stack network (DNS labels)"},
	{Name: "secrets", Kind: FieldObject, Doc: `stack secrets mounted as files: absolute container path -> {source: "${secret:NAME}", uid: "1000", gid: "1000", mode: 288}`},
}

// InstanceOnlyFields are the fields only an instance's overrides may set, with why: their
// values name other instances of the stack or its secrets, which a template cannot know.
var InstanceOnlyFields = map[string]string{
	"depends_on":      "depends_on names other instances of a stack; declare consumes: instead (wiring adds depends_on from the wires), or set it on the instance.",
	"network_aliases": "aliases are names on one stack's network; set them on the instance.",
	"secrets":         "secret files name a stack's secrets; set them on the instance.",
}

// The depends_on conditions an instance may wait for (compose's).
const (
	ConditionStarted   = "service_started"
	ConditionHealthy   = "service_healthy"
	ConditionCompleted = "service_completed_successfully"
)

var fieldIndex = func() map[string]FieldDef {
	m := make(map[string]FieldDef, len(ServiceFields))
	for _, f := range ServiceFields {
		m[f.Name] = f
	}
	return m
}()

// LookupField returns the definition of a service field.
func LookupField(name string) (FieldDef, bool) {
	f, ok := fieldIndex[name]
	return f, ok
}

// FieldNames returns every field name, sorted (for "unknown field" messages).
func FieldNames() []string {
	out := make([]string, 0, len(ServiceFields))
	for _, f := range ServiceFields {
		out = append(out, f.Name)
	}
	sort.Strings(out)
	return out
}

// Origin says where an effective value came from.
type Origin string

const (
	OriginTemplate Origin = "template"
	OriginOverride Origin = "override"
	OriginWiring   Origin = "wiring"
	OriginDefault  Origin = "default"
)

// Provide is a contract a template offers, with the values it exports to consumers.
// Values may reference the provider's own effective config: ${host} is the provider's
// service name on the stack network, ${env.NAME} one of its environment variables.
type Provide struct {
	Contract string            `json:"contract" yaml:"contract"`
	Values   map[string]string `json:"values,omitempty" yaml:"values,omitempty"`
}

// Consume is a contract a template needs, with how each exported value maps onto the
// consumer's environment (DB_HOST <- host).
type Consume struct {
	Contract string            `json:"contract" yaml:"contract"`
	Required bool              `json:"required,omitempty" yaml:"required,omitempty"`
	Env      map[string]string `json:"env,omitempty" yaml:"env,omitempty"`
}

// Template is a reusable service definition.
type Template struct {
	Name        string
	Builtin     bool
	Version     int // built-in templates: the shipped revision; custom: 0
	Category    string
	Description string
	Service     Spec
	Provides    []Provide
	Consumes    []Consume
	// Generate maps service environment variables to the secret each instance gets for
	// them (MYSQL_PASSWORD: password). When an instance is added and a key store exists,
	// the engine stores a random alphanumeric value as the secret INSTANCE_SUFFIX (hyphens
	// of the instance name become underscores: db_password) and sets the variable to
	// ${secret:INSTANCE_SUFFIX}; the template's own value is the default used when no key
	// store exists. Every key is a variable of service.environment with a plain value.
	Generate map[string]string
}

// GeneratedSecretName is the secret an instance gets for a generated variable: the
// instance name with hyphens as underscores, "_", the suffix (db-main, password ->
// db_main_password). Instance names are DNS labels (no underscores), so distinct instances
// never share a name. The result may still be too long for a secret name; callers check.
func GeneratedSecretName(instance, suffix string) string {
	return strings.ReplaceAll(instance, "-", "_") + "_" + suffix
}

// Instance is a template placed in a stack under a name, storing only its overrides.
type Instance struct {
	Stack     string
	Name      string
	Template  string
	Overrides Spec
}

// ContainerName is the engine-wide name of an instance's container.
func ContainerName(stack, instance string) string {
	return ContainerPrefix + stack + "-" + instance
}

// ProjectName is the compose project of a stack.
func ProjectName(stack string) string { return ContainerPrefix + stack }

// NetworkName is the stack's own network.
func NetworkName(stack string) string { return ContainerPrefix + stack + "-net" }

// EffectiveService is an instance's resolved configuration: its template merged with its
// overrides (and, later, wiring), with where each value came from.
type EffectiveService struct {
	Instance string
	Template string
	// Spec is complete: every field the template or the overrides set, with removals
	// applied (no nil values left).
	Spec Spec
	// Origins maps a field path to its origin: "image", and for keyed maps one entry per
	// key ("environment.APP_ENV"). Fields absent from Spec have no entry.
	Origins map[string]Origin
	// DependsOn names instances this one waits for (filled by wiring), each true when the
	// provider has a healthcheck (so compose waits for service_healthy).
	DependsOn map[string]bool
	// HostIP is the address its ports entries without one publish on: the stack's engine's
	// publish address (a remote engine's host), "" for compose.DefaultHostIP.
	HostIP string
}

// EffectiveStack is everything compose generation needs for one stack.
type EffectiveStack struct {
	Name     string
	Services []EffectiveService // sorted by Instance
	// Root is the absolute directory relative bind mounts and build contexts resolve
	// against; "" leaves them relative (compose then resolves them against its project
	// directory).
	Root string
	// VolumePrefix, when set, names each named volume VolumePrefix + its scoped key, instead
	// of compose's project-scoped default.
	VolumePrefix string
	// Installation is the id of the database that owns the stack, labelled on its volumes
	// ("" when unknown).
	Installation string
	// Subnet is the stack network's subnet (ipam config and the model.LabelSubnet label);
	// "" leaves the choice to the engine's default pools.
	Subnet string
}

// EffectiveField is one row of an effective configuration: a field, or one key of a keyed
// map (environment, labels, configs), with where its value came from.
type EffectiveField struct {
	// Path is "image", or "environment.APP_ENV" for a key of a keyed map.
	Path string
	// Kind is the field's kind; a key of a keyed map has MapKey set and its map's kind.
	Kind   FieldKind
	MapKey bool
	Value  any
	Origin Origin
}

// Fields lists the configuration field by field, sorted by path: each field, and after a
// keyed map its keys one by one. It is the one listing both faces show (`instance show
// --effective`, the instance page).
func (e EffectiveService) Fields() []EffectiveField {
	names := make([]string, 0, len(e.Spec))
	for k := range e.Spec {
		names = append(names, k)
	}
	sort.Strings(names)
	var out []EffectiveField
	for _, name := range names {
		def, _ := LookupField(name)
		val := e.Spec[name]
		out = append(out, EffectiveField{Path: name, Kind: def.Kind, Value: val, Origin: e.Origins[name]})
		if m, ok := val.(map[string]any); ok && def.Kind == FieldMap {
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				p := name + "." + k
				out = append(out, EffectiveField{Path: p, Kind: def.Kind, MapKey: true, Value: m[k], Origin: e.Origins[p]})
			}
		}
	}
	return out
}
