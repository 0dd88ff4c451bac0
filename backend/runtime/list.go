package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/devarch/devarch/backend/model"
)

// Container and Network are the engine's containers and networks as DevArch observes them.
// They are defined in package model, so the pure plan package can read them without
// depending on this package (which runs commands and dials sockets).
type (
	Container = model.Container
	Network   = model.Network
)

// ListContainers lists every container (running or not) that carries all the given labels,
// in one engine call. Each label is "key" (any value) or "key=value". With no labels it lists
// every container on the engine, which DevArch should not need: its containers are labelled.
func (e *Engine) ListContainers(ctx context.Context, labels []string) ([]Container, error) {
	if out, ok := e.listContainersAPI(ctx, labels); ok {
		return out, nil
	}
	return e.listContainersCLI(ctx, labels)
}

// listContainersCLI is ListContainers through `docker ps` / `podman ps`.
func (e *Engine) listContainersCLI(ctx context.Context, labels []string) ([]Container, error) {
	args := []string{"ps", "-a", "--no-trunc"}
	args = append(args, labelFilterArgs(labels)...)
	args = append(args, "--format", e.listFormat())
	res, err := e.Run(ctx, args, RunOptions{})
	if err != nil {
		return nil, err
	}
	out, err := parseContainers(res.Stdout)
	if err != nil {
		return nil, unexpectedOutput(e.Name+" ps", err, res.Stdout)
	}
	return out, nil
}

// ListNetworks lists the networks that carry all the given labels ("key" or "key=value"), in
// one engine call.
//
// Through the Engine API (one HTTP request, no process) the networks come with their Subnets;
// the CLI fallback leaves them nil.
func (e *Engine) ListNetworks(ctx context.Context, labels []string) ([]Network, error) {
	if out, ok := e.listNetworksAPI(ctx, labels); ok {
		return out, nil
	}
	args := []string{"network", "ls", "--no-trunc"}
	args = append(args, labelFilterArgs(labels)...)
	args = append(args, "--format", e.listFormat())
	res, err := e.Run(ctx, args, RunOptions{})
	if err != nil {
		return nil, err
	}
	out, err := parseNetworks(res.Stdout)
	if err != nil {
		return nil, unexpectedOutput(e.Name+" network ls", err, res.Stdout)
	}
	return out, nil
}

// listFormat asks for machine-readable output: docker prints one JSON object per line with
// '{{json .}}'; podman's 'json' prints one array with typed fields (labels as an object).
// The parsers accept both shapes from either engine.
func (e *Engine) listFormat() string {
	if e.Name == Podman {
		return "json"
	}
	return "{{json .}}"
}

func labelFilterArgs(labels []string) []string {
	args := make([]string, 0, 2*len(labels))
	for _, l := range labels {
		args = append(args, "--filter", "label="+l)
	}
	return args
}

func unexpectedOutput(what string, err error, out []byte) *model.Error {
	return model.Wrap(model.KindInternal, err, fmt.Sprintf("unexpected output from %s", what),
		fmt.Sprintf("%v; output began with: %s", err, tail(string(out[:min(len(out), 300)]), 300)))
}

// jsonValues decodes a stream of JSON values, flattening arrays: docker's one object per line
// and podman's single array both come out as a list of objects.
func jsonValues(data []byte) ([]json.RawMessage, error) {
	var out []json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		var raw json.RawMessage
		if err := dec.Decode(&raw); errors.Is(err, io.EOF) {
			return out, nil
		} else if err != nil {
			return nil, err
		}
		if len(raw) > 0 && raw[0] == '[' {
			var items []json.RawMessage
			if err := json.Unmarshal(raw, &items); err != nil {
				return nil, err
			}
			out = append(out, items...)
			continue
		}
		out = append(out, raw)
	}
}

// psEntry covers docker's and podman's ps JSON; fields whose type differs between them are
// kept raw. encoding/json matches keys case-insensitively, so "Id" and "ID" both land in ID.
type psEntry struct {
	ID        string
	Names     json.RawMessage // docker: "a,b"; podman: ["a","b"]
	Image     string
	State     string
	Status    string
	Labels    json.RawMessage // docker: "k=v,k=v"; podman: {"k":"v"}
	CreatedAt string          // docker: "2006-01-02 15:04:05 -0700 MST"
	Created   json.RawMessage // podman: RFC 3339 time (older: unix seconds)
	ExitCode  *int            // podman only
	Ports     json.RawMessage // docker: "127.0.0.1:8080->80/tcp, ..."; podman: [{"host_port":8080,...}]
	Networks  json.RawMessage // docker: "a,b"; podman: ["a","b"]
}

func parseContainers(data []byte) ([]Container, error) {
	vals, err := jsonValues(data)
	if err != nil {
		return nil, err
	}
	out := make([]Container, 0, len(vals))
	for _, raw := range vals {
		var p psEntry
		if err := json.Unmarshal(raw, &p); err != nil {
			return nil, err
		}
		c := Container{
			ID:     p.ID,
			Names:  stringList(p.Names),
			Image:  p.Image,
			Status: p.Status,
			Labels: labelMap(p.Labels),
		}
		for i, n := range c.Names {
			c.Names[i] = strings.TrimLeft(n, "/")
		}
		if len(c.Names) > 0 {
			c.Name = c.Names[0]
		}
		c.State = normalizeState(p.State, p.Status)
		c.Health = healthFromStatus(p.Status)
		if c.State != "running" {
			c.Health = ""
		}
		if p.ExitCode != nil {
			c.ExitCode = *p.ExitCode
		} else if m := exitedRE.FindStringSubmatch(p.Status); m != nil {
			c.ExitCode, _ = strconv.Atoi(m[1])
		}
		c.CreatedAt = parseTime(p.CreatedAt, p.Created)
		c.HostPorts = hostPorts(p.Ports)
		c.Published = hostBindings(p.Ports)
		if ns := stringList(p.Networks); len(ns) > 0 {
			c.Networks = ns
		}
		out = append(out, c)
	}
	return out, nil
}

type networkEntry struct {
	ID        string
	Name      string
	Driver    string
	Scope     string
	Internal  json.RawMessage // docker: "false"; podman: false
	Labels    json.RawMessage
	CreatedAt string
	Created   json.RawMessage
}

func parseNetworks(data []byte) ([]Network, error) {
	vals, err := jsonValues(data)
	if err != nil {
		return nil, err
	}
	out := make([]Network, 0, len(vals))
	for _, raw := range vals {
		var n networkEntry
		if err := json.Unmarshal(raw, &n); err != nil {
			return nil, err
		}
		out = append(out, Network{
			ID:        n.ID,
			Name:      n.Name,
			Driver:    n.Driver,
			Scope:     n.Scope,
			Internal:  flexBool(n.Internal),
			Labels:    labelMap(n.Labels),
			CreatedAt: parseTime(n.CreatedAt, n.Created),
		})
	}
	return out, nil
}

var (
	healthRE = regexp.MustCompile(`\((healthy|unhealthy|health: starting)\)`)
	exitedRE = regexp.MustCompile(`^Exited \((-?\d+)\)`)
)

// healthFromStatus reads the health suffix docker and podman append to the status text.
func healthFromStatus(status string) string {
	m := healthRE.FindStringSubmatch(status)
	if m == nil {
		return ""
	}
	if m[1] == "health: starting" {
		return "starting"
	}
	return m[1]
}

// normalizeState returns the lower-case state, deriving it from the status text for engines
// whose ps output has no State field.
func normalizeState(state, status string) string {
	if s := strings.ToLower(strings.TrimSpace(state)); s != "" {
		if s == "configured" { // podman's name for a container never started
			return "created"
		}
		if s == "stopped" {
			return "exited"
		}
		return s
	}
	switch st := strings.ToLower(status); {
	case strings.HasPrefix(st, "up") && strings.Contains(st, "(paused)"):
		return "paused"
	case strings.HasPrefix(st, "up"):
		return "running"
	case strings.HasPrefix(st, "exited"):
		return "exited"
	case strings.HasPrefix(st, "created"):
		return "created"
	case strings.HasPrefix(st, "restarting"):
		return "restarting"
	case strings.HasPrefix(st, "removal"):
		return "removing"
	case strings.HasPrefix(st, "dead"):
		return "dead"
	}
	return ""
}

// stringList reads a JSON array of strings or a comma-separated string.
func stringList(raw json.RawMessage) []string {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return list
	}
	var s string
	if json.Unmarshal(raw, &s) != nil || s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// labelMap reads labels as podman's JSON object or docker's "k=v,k=v" string.
func labelMap(raw json.RawMessage) map[string]string {
	if len(raw) == 0 || string(raw) == "null" {
		return map[string]string{}
	}
	var m map[string]string
	if json.Unmarshal(raw, &m) == nil {
		if m == nil {
			m = map[string]string{}
		}
		return m
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return map[string]string{}
	}
	return parseLabelString(s)
}

// labelKeyRE is what a label key looks like in practice (reverse-DNS words, dots, dashes,
// slashes): used to tell a new "key=value" item from a comma inside the previous value.
var labelKeyRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/-]*$`)

// parseLabelString parses docker's ps/network-ls label text, "k1=v1,k2=v2". A value may hold
// '=' (only the first '=' of an item splits). Docker joins labels with ',' without escaping,
// so a value may also hold ','; an item that does not start with a plausible key followed by
// '=' is therefore taken as the continuation of the previous value (compose's
// "config_files=/a.yml,/b.yml" comes out whole). An item after a comma that itself looks like
// "key=value" cannot be told apart from a new label; callers that need such values exactly
// must inspect the container.
func parseLabelString(s string) map[string]string {
	out := map[string]string{}
	if s == "" {
		return out
	}
	last := ""
	for _, item := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(item, "=")
		if ok && labelKeyRE.MatchString(k) || last == "" {
			if !ok {
				k, v = item, ""
			}
			out[k] = v
			last = k
			continue
		}
		out[last] += "," + item
	}
	return out
}

// flexBool reads a JSON bool or a string "true"/"false".
func flexBool(raw json.RawMessage) bool {
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return b
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		b, _ = strconv.ParseBool(s)
	}
	return b
}

// parseTime reads docker's "2006-01-02 15:04:05.999999999 -0700 MST" text, or podman's
// RFC 3339 string or unix seconds. Unknown shapes give the zero time: the creation time is
// informative, never a reason to fail a listing.
func parseTime(text string, raw json.RawMessage) time.Time {
	if text != "" {
		for _, layout := range []string{"2006-01-02 15:04:05.999999999 -0700 MST", time.RFC3339Nano} {
			if t, err := time.Parse(layout, text); err == nil {
				return t
			}
		}
	}
	return timeFromJSON(raw)
}

// timeFromJSON reads a JSON time given as RFC 3339 text or as unix seconds (or nanoseconds
// when the number is too large to be seconds).
func timeFromJSON(raw json.RawMessage) time.Time {
	if len(raw) == 0 || string(raw) == "null" {
		return time.Time{}
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		t, _ := time.Parse(time.RFC3339Nano, s)
		return t
	}
	var n int64
	if json.Unmarshal(raw, &n) == nil && n > 0 {
		if n > 1e12 {
			return time.Unix(0, n)
		}
		return time.Unix(n, 0)
	}
	return time.Time{}
}

var publishedRE = regexp.MustCompile(`:(\d+)->`)

// hostPorts reads published host ports from docker's "ip:port->port/proto, ..." text or
// podman's list of port objects. Only real ports (1-65535) count.
func hostPorts(raw json.RawMessage) []int {
	seen := map[int]bool{}
	var text string
	if json.Unmarshal(raw, &text) == nil {
		for _, m := range publishedRE.FindAllStringSubmatch(text, -1) {
			if n, err := strconv.Atoi(m[1]); err == nil && validPort(n) {
				seen[n] = true
			}
		}
	} else {
		var list []struct {
			HostPort int `json:"host_port"`
			Range    int `json:"range"`
		}
		if json.Unmarshal(raw, &list) == nil {
			for _, p := range list {
				if !validPort(p.HostPort) {
					continue
				}
				// A range never runs past the last port (a bogus range must not loop for long).
				for n := p.HostPort; n < p.HostPort+max(p.Range, 1) && validPort(n); n++ {
					seen[n] = true
				}
			}
		}
	}
	if len(seen) == 0 {
		return nil
	}
	out := make([]int, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Ints(out)
	return out
}

// validPort reports whether n can be a TCP/UDP port someone publishes.
func validPort(n int) bool { return n > 0 && n <= 65535 }
