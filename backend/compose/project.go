package compose

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"

	"github.com/devarch/devarch/backend/model"
)

// Project is a compose file. Field order is output order.
type Project struct {
	Name     string       `yaml:"name"`
	Services Map[Service] `yaml:"services"`
	Networks Map[Network] `yaml:"networks,omitempty"`
	Volumes  Map[Volume]  `yaml:"volumes,omitempty"`
	// Configs are the services' config files, inline (content): nothing is written to disk.
	Configs Map[Config] `yaml:"configs,omitempty"`
	// Secrets are the stack secrets services mount as files, each read by compose from an
	// environment variable (DEVARCH_SECRET_NAME) the engine sets at apply time: the file
	// names the variable, never the value.
	Secrets Map[Secret] `yaml:"secrets,omitempty"`
}

// Secret is a project secret whose value compose reads from its own environment.
type Secret struct {
	Environment string `yaml:"environment"`
}

// ServiceSecret mounts a project secret as a file in the container (compose copies the
// value in; uid, gid and mode are the file's).
type ServiceSecret struct {
	Source string `yaml:"source"`
	Target string `yaml:"target"`
	UID    string `yaml:"uid,omitempty"`
	GID    string `yaml:"gid,omitempty"`
	Mode   *int   `yaml:"mode,omitempty"`
}

// ServiceNetwork is how a service joins a network; only the stack's default network, and
// only to add aliases (network_aliases).
type ServiceNetwork struct {
	Aliases []string `yaml:"aliases,omitempty"`
}

// Config is one config file's content, given inline (compose 2.23 and later).
type Config struct {
	Content string `yaml:"content"`
}

// ServiceConfig mounts a project config at a path in the container.
type ServiceConfig struct {
	Source string `yaml:"source"`
	Target string `yaml:"target"`
}

// Service is one instance's container. Every field of model.ServiceFields has a field here
// under the same (compose) name; container_name, depends_on and the DevArch labels are
// generated. Empty lists and maps are omitted (compose treats them as absent), except
// command and entrypoint, where an empty list means "clear the image's default" and differs
// from absent.
type Service struct {
	ContainerName   string          `yaml:"container_name"`
	Hostname        string          `yaml:"hostname,omitempty"`
	Image           string          `yaml:"image,omitempty"`
	Build           *Build          `yaml:"build,omitempty"`
	Platform        string          `yaml:"platform,omitempty"`
	PullPolicy      string          `yaml:"pull_policy,omitempty"`
	Entrypoint      Argv            `yaml:"entrypoint,omitempty"`
	Command         Argv            `yaml:"command,omitempty"`
	WorkingDir      string          `yaml:"working_dir,omitempty"`
	User            string          `yaml:"user,omitempty"`
	Environment     Map[string]     `yaml:"environment,omitempty"`
	Labels          Map[string]     `yaml:"labels,omitempty"`
	Ports           []string        `yaml:"ports,omitempty"`
	Expose          []string        `yaml:"expose,omitempty"`
	Volumes         []string        `yaml:"volumes,omitempty"`
	Tmpfs           []string        `yaml:"tmpfs,omitempty"`
	ExtraHosts      []string        `yaml:"extra_hosts,omitempty"`
	DNS             []string        `yaml:"dns,omitempty"`
	CapAdd          []string        `yaml:"cap_add,omitempty"`
	CapDrop         []string        `yaml:"cap_drop,omitempty"`
	Init            *bool           `yaml:"init,omitempty"`
	Privileged      *bool           `yaml:"privileged,omitempty"`
	ReadOnly        *bool           `yaml:"read_only,omitempty"`
	Tty             *bool           `yaml:"tty,omitempty"`
	StdinOpen       *bool           `yaml:"stdin_open,omitempty"`
	Restart         string          `yaml:"restart,omitempty"`
	StopSignal      string          `yaml:"stop_signal,omitempty"`
	StopGracePeriod string          `yaml:"stop_grace_period,omitempty"`
	ShmSize         string          `yaml:"shm_size,omitempty"`
	Healthcheck     *Healthcheck    `yaml:"healthcheck,omitempty"`
	DependsOn       Map[Dependency] `yaml:"depends_on,omitempty"`
	Deploy          Map[any]        `yaml:"deploy,omitempty"`
	Logging         *Logging        `yaml:"logging,omitempty"`
	Ulimits         Map[any]        `yaml:"ulimits,omitempty"`
	Configs         []ServiceConfig `yaml:"configs,omitempty"`
	Secrets         []ServiceSecret `yaml:"secrets,omitempty"`
	// Networks is set only when the instance has network_aliases: the default network
	// (the stack's), with them.
	Networks Map[ServiceNetwork] `yaml:"networks,omitempty"`
}

// Build builds the service's image from a context (relative to the stack's directory).
type Build struct {
	Context    string `yaml:"context,omitempty"`
	Dockerfile string `yaml:"dockerfile,omitempty"`
	Target     string `yaml:"target,omitempty"`
	// Args is a Map[string] or a []string of "KEY=VALUE", as the spec gave it.
	Args any `yaml:"args,omitempty"`
}

// Healthcheck is passed through from the spec.
type Healthcheck struct {
	// Test is a string (run by the container's shell) or a []string ("CMD", ... or
	// "CMD-SHELL", ...), as the spec gave it.
	Test          any    `yaml:"test,omitempty"`
	Interval      string `yaml:"interval,omitempty"`
	Timeout       string `yaml:"timeout,omitempty"`
	Retries       *int   `yaml:"retries,omitempty"`
	StartPeriod   string `yaml:"start_period,omitempty"`
	StartInterval string `yaml:"start_interval,omitempty"`
	Disable       *bool  `yaml:"disable,omitempty"`
}

// Logging selects the container's log driver.
type Logging struct {
	Driver  string   `yaml:"driver,omitempty"`
	Options Map[any] `yaml:"options,omitempty"`
}

// Dependency is one depends_on entry: compose starts the service once the dependency is
// started (ConditionStarted), healthy (ConditionHealthy) or exited with status 0
// (ConditionCompleted). Required and Restart are written only when the instance's own
// depends_on sets them (compose's defaults: required, no restart).
type Dependency struct {
	Condition string `yaml:"condition"`
	Required  *bool  `yaml:"required,omitempty"`
	Restart   *bool  `yaml:"restart,omitempty"`
}

// depends_on conditions.
const (
	ConditionStarted   = model.ConditionStarted
	ConditionHealthy   = model.ConditionHealthy
	ConditionCompleted = model.ConditionCompleted
)

// Network is a top-level network; DevArch declares only the stack's default network.
type Network struct {
	Name   string      `yaml:"name"`
	Labels Map[string] `yaml:"labels,omitempty"`
	// IPAM fixes the network's subnet (the stack's slice of DevArch's pool); nil lets the
	// engine pick one from its default pools.
	IPAM *IPAM `yaml:"ipam,omitempty"`
}

// IPAM is a network's address management: DevArch sets only the subnet; the engine takes
// the slice's first address as the gateway.
type IPAM struct {
	Config []IPAMConfig `yaml:"config"`
}

// IPAMConfig is one address range of a network.
type IPAMConfig struct {
	Subnet string `yaml:"subnet"`
}

// Volume is a named volume. Its name is the stack's volume prefix and its key
// (devarch-shop-0a1b2c3d_web-data): unique to the stack, kept across renames, never shared
// with a later stack of the same name. Without a prefix compose scopes it by project
// (devarch-{stack}_{volume}).
type Volume struct {
	// Name is the engine's name for the volume; "" lets compose call it PROJECT_KEY.
	Name   string      `yaml:"name,omitempty"`
	Labels Map[string] `yaml:"labels,omitempty"`
}

// Argv is a command line. Unlike other lists, an empty non-nil Argv is emitted as [] (compose:
// "clear the image's default"), while nil is omitted (compose: "use the image's default").
type Argv []string

// IsZero makes yaml's omitempty drop only a nil Argv.
func (a Argv) IsZero() bool { return a == nil }

// Map is a YAML mapping written with its keys in byte order (see yaml.go for why not
// yaml.v3's own order).
type Map[V any] map[string]V

// MarshalYAML makes yaml.Marshal of a Map (or of a struct holding one) use the same byte
// order as Project.Marshal.
func (m Map[V]) MarshalYAML() (any, error) {
	return encodeNode(reflect.ValueOf(m))
}

// Header opens every generated file. It names the stack and says why editing is pointless.
func Header(stack string) string {
	return fmt.Sprintf("# Generated by DevArch for stack %q. Edits are overwritten by the next apply.\n", stack)
}

// Marshal renders the project as YAML (two-space indent, block style), after Header.
func (p Project) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(Header(strings.TrimPrefix(p.Name, model.ContainerPrefix)))
	if err := marshalYAML(&buf, p); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
