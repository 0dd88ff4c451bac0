package runtime

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/devarch/devarch/backend/model"
)

// ContainerState is what the engine knows about one container's life: enough to tell a
// container that is up from one that crashed, restarts in a loop or fails its healthcheck,
// and why.
type ContainerState struct {
	ID   string
	Name string
	// Status is the engine's state: created, running, paused, restarting, removing, exited
	// or dead.
	Status       string
	ExitCode     int
	OOMKilled    bool
	Error        string // the engine's own error starting it, if any
	RestartCount int
	StartedAt    time.Time
	FinishedAt   time.Time
	// Health is nil for a container without a healthcheck.
	Health *Health
}

// Health is a container's healthcheck state.
type Health struct {
	Status        string // starting, healthy, unhealthy
	FailingStreak int
	// Retries is how many consecutive failures make the container unhealthy (the
	// healthcheck's retries; 3 when not set, the engine's default).
	Retries int
	// LastOutput is what the most recent probe printed (trimmed), and LastExitCode its exit
	// code: the reason a container is not healthy.
	LastOutput   string
	LastExitCode int
	Probes       int // how many probes ran (the engine keeps the last few)
}

// inspectEntry is the part of `docker inspect` / GET /containers/{id}/json DevArch reads.
// Podman's inspect uses the same names ("Healthcheck" in older versions).
type inspectEntry struct {
	ID    string `json:"Id"`
	Name  string
	State struct {
		Status       string
		ExitCode     int
		OOMKilled    bool
		Error        string
		StartedAt    string
		FinishedAt   string
		Health       *inspectHealth
		Healthcheck  *inspectHealth
		RestartCount *int // podman puts it here
	}
	RestartCount int
	Config       struct {
		Healthcheck *struct {
			Test    []string
			Retries int
		}
	}
}

type inspectHealth struct {
	Status        string
	FailingStreak int
	Log           []struct {
		ExitCode int
		Output   string
	}
}

func (en inspectEntry) state() ContainerState {
	s := ContainerState{
		ID:           en.ID,
		Name:         strings.TrimLeft(en.Name, "/"),
		Status:       en.State.Status,
		ExitCode:     en.State.ExitCode,
		OOMKilled:    en.State.OOMKilled,
		Error:        en.State.Error,
		RestartCount: en.RestartCount,
	}
	if en.State.RestartCount != nil {
		s.RestartCount = *en.State.RestartCount
	}
	s.StartedAt, _ = time.Parse(time.RFC3339Nano, en.State.StartedAt)
	s.FinishedAt, _ = time.Parse(time.RFC3339Nano, en.State.FinishedAt)
	h := en.State.Health
	if h == nil {
		h = en.State.Healthcheck
	}
	hc := en.Config.Healthcheck
	hasCheck := hc != nil && len(hc.Test) > 0 && hc.Test[0] != "NONE"
	if h != nil && h.Status != "" || hasCheck {
		s.Health = &Health{Retries: 3}
		if hc != nil && hc.Retries > 0 {
			s.Health.Retries = hc.Retries
		}
		if h != nil {
			s.Health.Status, s.Health.FailingStreak, s.Health.Probes = h.Status, h.FailingStreak, len(h.Log)
			if n := len(h.Log); n > 0 {
				s.Health.LastOutput = strings.TrimSpace(h.Log[n-1].Output)
				s.Health.LastExitCode = h.Log[n-1].ExitCode
			}
		}
		if s.Health.Status == "" {
			s.Health.Status = "starting"
		}
	}
	return s
}

// InspectContainers returns the state of each named container that exists (a missing one is
// left out, not an error), through the local Engine API when the CLI would use it, else one
// `inspect` call.
func (e *Engine) InspectContainers(ctx context.Context, names []string) ([]ContainerState, error) {
	if len(names) == 0 {
		return nil, nil
	}
	if sock := e.apiSocket(); sock != "" {
		if out, ok := e.inspectAPI(ctx, sock, names); ok {
			return out, nil
		}
	}
	args := append([]string{"inspect", "--type", "container"}, names...)
	if e.Name == Podman {
		args = append([]string{"container", "inspect"}, names...)
	}
	res, err := e.Run(ctx, args, RunOptions{})
	if err != nil && model.KindOf(err) != model.KindNotFound {
		return nil, err
	}
	// With some names missing, inspect exits 1 but still prints the others.
	return parseInspect(res.Stdout)
}

func parseInspect(b []byte) ([]ContainerState, error) {
	if len(strings.TrimSpace(string(b))) == 0 {
		return nil, nil
	}
	var entries []inspectEntry
	if err := json.Unmarshal(b, &entries); err != nil {
		return nil, unexpectedOutput("inspect", err, b)
	}
	out := make([]ContainerState, 0, len(entries))
	for _, en := range entries {
		out = append(out, en.state())
	}
	return out, nil
}

func (e *Engine) inspectAPI(ctx context.Context, sock string, names []string) ([]ContainerState, bool) {
	out := make([]ContainerState, 0, len(names))
	for _, n := range names {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://docker/containers/"+url.PathEscape(n)+"/json", nil)
		if err != nil {
			return nil, false
		}
		resp, err := apiTransport(sock).Do(req)
		if err != nil {
			return nil, false
		}
		switch resp.StatusCode {
		case http.StatusNotFound:
			resp.Body.Close()
			continue
		case http.StatusOK:
		default:
			resp.Body.Close()
			return nil, false
		}
		var en inspectEntry
		err = json.NewDecoder(io.LimitReader(resp.Body, 8<<20)).Decode(&en)
		resp.Body.Close()
		if err != nil {
			return nil, false
		}
		out = append(out, en.state())
	}
	return out, true
}

// LogTail returns the last n lines a container printed (stdout and stderr together), for
// error messages; empty when there are none or they cannot be read.
func (e *Engine) LogTail(ctx context.Context, container string, n int, redact []string) string {
	var buf tailBuffer
	buf.max = 4096
	_, err := e.Run(ctx, []string{"logs", "--tail", fmt.Sprint(n), container}, RunOptions{Stdout: &buf, Stderr: &buf, Redact: redact})
	if err != nil {
		return ""
	}
	return buf.String()
}
