package model

import (
	"strconv"
	"strings"
	"time"
)

// What DevArch observes of a container engine. Package runtime fills these in (it owns how
// they are read); the pure plan package compares them with the desired state.

// Container is one container as the engine's `ps` reports it.
type Container struct {
	ID    string   // full id
	Name  string   // primary name, without a leading "/"
	Names []string // all names (docker lists legacy link aliases too)
	Image string   // image reference as the container was created from it
	// ImageID is the id of the image the container runs ("" when the engine's listing does
	// not say: the CLI path); a tag rebuilt or pulled since points at another id.
	ImageID string
	// State is the machine-readable state: "created", "running", "paused", "restarting",
	// "removing", "exited" or "dead".
	State string
	// Status is the engine's human text, e.g. "Up 3 minutes (healthy)", "Exited (1) 2s ago".
	Status string
	// Health is "healthy", "unhealthy", "starting", or "" for a container without a
	// healthcheck (or not running).
	Health string
	// ExitCode is the exit status of an exited container (meaningful only when State is
	// "exited").
	ExitCode int
	// Labels are the container's labels. (Read from docker's ps output they have one ambiguity,
	// commas inside values: see runtime.parseLabelString.)
	Labels    map[string]string
	CreatedAt time.Time
	// HostPorts are the host ports the container publishes (sorted, unique).
	HostPorts []int
	// Published are the host addresses the container publishes, one per port (a range is
	// expanded), sorted by port, protocol, then address: what it holds while it runs. The
	// plan compares them with the ports a stack wants (a port held by another stack's running
	// container is a plan error).
	Published []HostPort
	// Networks are the names of the networks the container is attached to.
	Networks []string
}

// Network is one network as the engine's `network ls` reports it.
type Network struct {
	ID        string
	Name      string
	Driver    string
	Scope     string
	Internal  bool
	Labels    map[string]string
	CreatedAt time.Time
	// Subnets are the network's address ranges ("10.200.3.0/24"), when the listing told
	// them (the Engine API's does, `network ls` does not): nil means unknown.
	Subnets []string
}

// HostPort is one host address a container publishes, or a plan probes.
type HostPort struct {
	// IP is the host address: "0.0.0.0" or "::" for every interface, "" when the engine did
	// not say (also every interface).
	IP   string
	Port int
	// Protocol is "tcp", "udp" or "sctp".
	Protocol string
}

// Wildcard reports whether the binding covers every interface.
func (h HostPort) Wildcard() bool { return h.IP == "" || h.IP == "0.0.0.0" || h.IP == "::" }

// Overlaps reports whether two bindings cannot both be held: same port and protocol, and the
// same address or either side on every interface.
func (h HostPort) Overlaps(o HostPort) bool {
	return h.Port == o.Port && h.Protocol == o.Protocol && (h.IP == o.IP || h.Wildcard() || o.Wildcard())
}

// String is the address as a listener names it: "127.0.0.1:8080/tcp", "[::1]:53/udp",
// "*:8080/tcp" for every interface when no address is known.
func (h HostPort) String() string {
	ip := h.IP
	switch {
	case ip == "":
		ip = "*"
	case strings.Contains(ip, ":"):
		ip = "[" + ip + "]"
	}
	return ip + ":" + strconv.Itoa(h.Port) + "/" + h.Protocol
}
