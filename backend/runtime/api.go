package runtime

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// The Docker Engine API over the local unix socket answers a container listing in a few
// milliseconds, where spawning the docker CLI costs ~35 ms. Listing is what plans, the
// stacks list and status do on every call, so for the common local setup DevArch asks the
// API directly; everything else (remote hosts, contexts, podman) goes through the CLI, which
// knows how to reach them. Only reads take this path; every change goes through the CLI.

// apiSocket returns the unix socket of the local Docker daemon when the CLI would use it
// too: docker engine, DOCKER_HOST unset or unix://, no DOCKER_CONTEXT and no current
// context in the CLI config. Otherwise "".
func (e *Engine) apiSocket() string {
	if e.Name != Docker {
		return ""
	}
	env := mergeEnv(os.Environ(), e.env)
	if envValue(env, "DOCKER_CONTEXT") != "" {
		return ""
	}
	host := envValue(env, "DOCKER_HOST")
	if host == "" {
		if ctxName := currentContext(env); ctxName != "" && ctxName != "default" {
			return ""
		}
		host = "unix:///var/run/docker.sock"
	}
	if !strings.HasPrefix(host, "unix://") {
		return ""
	}
	return strings.TrimPrefix(host, "unix://")
}

// currentContext reads the docker CLI's selected context from its config file.
func currentContext(env []string) string {
	dir := envValue(env, "DOCKER_CONFIG")
	if dir == "" {
		home := envValue(env, "HOME")
		if home == "" {
			return ""
		}
		dir = filepath.Join(home, ".docker")
	}
	b, err := os.ReadFile(filepath.Join(dir, "config.json"))
	if err != nil {
		return ""
	}
	var cfg struct {
		CurrentContext string `json:"currentContext"`
	}
	_ = json.Unmarshal(b, &cfg)
	return cfg.CurrentContext
}

var (
	apiClients   sync.Map // socket path -> *http.Client
	apiTransport = func(sock string) *http.Client {
		if c, ok := apiClients.Load(sock); ok {
			return c.(*http.Client)
		}
		c := &http.Client{Transport: &http.Transport{
			DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
				var d net.Dialer
				return d.DialContext(ctx, "unix", sock)
			},
			MaxIdleConns:    2,
			IdleConnTimeout: 30 * time.Second,
		}}
		apiClients.Store(sock, c)
		return c
	}
)

// apiContainer is the part of GET /containers/json that DevArch reads.
type apiContainer struct {
	ID      string `json:"Id"`
	Names   []string
	Image   string
	State   string
	Status  string
	Labels  map[string]string
	Created int64
	Ports   []struct {
		PublicPort int
	}
	NetworkSettings struct {
		Networks map[string]json.RawMessage
	}
}

// listContainersAPI lists containers through the Engine API; ok is false when the API
// path does not apply or failed in a way the CLI should retry (the CLI then reports the
// real error the user can act on).
func (e *Engine) listContainersAPI(ctx context.Context, labels []string) ([]Container, bool) {
	sock := e.apiSocket()
	if sock == "" {
		return nil, false
	}
	filters, _ := json.Marshal(map[string][]string{"label": labels})
	u := "http://docker/containers/json?all=1&filters=" + url.QueryEscape(string(filters))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, false
	}
	resp, err := apiTransport(sock).Do(req)
	if err != nil {
		return nil, false
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, false
	}
	var raw []apiContainer
	if err := json.NewDecoder(resp.Body).Decode(&raw); err != nil {
		return nil, false
	}
	out := make([]Container, 0, len(raw))
	for _, r := range raw {
		c := Container{ID: r.ID, Image: r.Image, Status: r.Status, Labels: r.Labels, CreatedAt: time.Unix(r.Created, 0).UTC()}
		if c.Labels == nil {
			c.Labels = map[string]string{}
		}
		for _, n := range r.Names {
			c.Names = append(c.Names, strings.TrimPrefix(n, "/"))
		}
		if len(c.Names) > 0 {
			c.Name = c.Names[0]
		}
		c.State = normalizeState(r.State, r.Status)
		c.Health = healthFromStatus(r.Status)
		if c.State != "running" {
			c.Health = ""
		}
		if m := exitedRE.FindStringSubmatch(r.Status); m != nil {
			fmt.Sscanf(m[1], "%d", &c.ExitCode)
		}
		seen := map[int]bool{}
		for _, p := range r.Ports {
			if p.PublicPort > 0 && !seen[p.PublicPort] {
				seen[p.PublicPort] = true
				c.HostPorts = append(c.HostPorts, p.PublicPort)
			}
		}
		sort.Ints(c.HostPorts)
		for n := range r.NetworkSettings.Networks {
			c.Networks = append(c.Networks, n)
		}
		sort.Strings(c.Networks)
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, true
}
