package runtime

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/devarch/devarch/backend/model"
)

// The Docker Engine API over the local unix socket answers a container listing in a few
// milliseconds, where spawning the docker CLI costs ~35 ms. Listing is what plans, the
// stacks list and status do on every call, so for the common local setup DevArch asks the
// API directly; everything else (remote hosts, contexts, podman) goes through the CLI, which
// knows how to reach them. Only reads take this path (container listing, the event stream);
// every change goes through the CLI. The event stream gains most: over the API it needs no
// long-lived child process, so there is nothing that could outlive DevArch.

// apiSocket returns the unix socket the docker CLI would talk to for e, when DevArch may
// read through the Engine API there instead: docker engine, APIEnv not "off", and the
// endpoint (Engine.Context, else DOCKER_HOST, DOCKER_CONTEXT, the CLI's current context, the
// default socket: dockerEndpoint) is a unix:// socket. A tcp:// or ssh:// endpoint, or a
// context that cannot be read, gives "": the CLI knows TLS and ssh, and explains a broken
// context in its own words. The endpoint is resolved on every call (a file read or two), so
// a context changed while DevArch runs is followed as the CLI follows it.
func (e *Engine) apiSocket() string {
	if e.Name != Docker {
		return ""
	}
	env := mergeEnv(os.Environ(), e.env)
	if strings.EqualFold(envValue(env, APIEnv), "off") {
		return ""
	}
	info, ok := e.dockerEndpointIn(env)
	if !ok {
		return ""
	}
	sock, ok := strings.CutPrefix(info.Host, "unix://")
	if !ok || sock == "" {
		return ""
	}
	return sock
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
	ImageID string
	State   string
	Status  string
	Labels  map[string]string
	Created int64
	Ports   []struct {
		IP         string
		PublicPort int
		Type       string
	}
	NetworkSettings struct {
		Networks map[string]json.RawMessage
	}
}

// apiGet asks the local Engine API for path (with its query) and decodes a 200 answer with
// decode. ok is false when there is no local socket, or the request, the status or the
// decoding failed: the caller then runs the CLI, which reports a real error the user can
// act on.
func apiGet[T any](ctx context.Context, e *Engine, path string, decode func(io.Reader) (T, error)) (out T, ok bool) {
	resp, ok := apiDo(ctx, e, path)
	if !ok {
		return out, false
	}
	defer resp.Body.Close()
	out, err := decode(resp.Body)
	return out, err == nil
}

// apiDo sends GET path to the local Engine API; ok is false (and nothing is left open) when
// there is no local socket, the request failed or the status is not 200.
func apiDo(ctx context.Context, e *Engine, path string) (*http.Response, bool) {
	sock := e.apiSocket()
	if sock == "" {
		return nil, false
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://docker"+path, nil)
	if err != nil {
		return nil, false
	}
	resp, err := apiTransport(sock).Do(req)
	if err != nil {
		return nil, false
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, false
	}
	return resp, true
}

// apiPing pings the local Engine API (GET /_ping) and returns the answer's headers; ok as in
// apiGet.
func apiPing(ctx context.Context, e *Engine) (http.Header, bool) {
	resp, ok := apiDo(ctx, e, "/_ping")
	if !ok {
		return nil, false
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<10)) // "OK": read, so the connection is reused
	resp.Body.Close()
	return resp.Header, true
}

// labelQuery is the Engine API's filters parameter for labels ("key" or "key=value").
func labelQuery(labels []string) string {
	filters, _ := json.Marshal(map[string][]string{"label": labels})
	return "filters=" + url.QueryEscape(string(filters))
}

// listContainersAPI lists containers through the Engine API (GET /containers/json); ok as
// in apiGet.
func (e *Engine) listContainersAPI(ctx context.Context, labels []string) ([]Container, bool) {
	return apiGet(ctx, e, "/containers/json?all=1&"+labelQuery(labels), decodeAPIContainers)
}

// listNetworksAPI is ListNetworks through the Engine API (GET /networks); ok as in apiGet.
func (e *Engine) listNetworksAPI(ctx context.Context, labels []string) ([]Network, bool) {
	path := "/networks"
	if len(labels) > 0 {
		path += "?" + labelQuery(labels)
	}
	return apiGet(ctx, e, path, decodeAPINetworks)
}

// decodeAPINetworks reads GET /networks's answer into Networks as the CLI path reports them,
// plus each network's subnets (IPAM.Config[].Subnet).
func decodeAPINetworks(r io.Reader) ([]Network, error) {
	var nets []struct {
		ID       string `json:"Id"`
		Name     string
		Driver   string
		Scope    string
		Internal bool
		Labels   map[string]string
		Created  string
		IPAM     struct {
			Config []struct{ Subnet string }
		}
	}
	if err := json.NewDecoder(r).Decode(&nets); err != nil {
		return nil, err
	}
	out := make([]Network, 0, len(nets))
	for _, n := range nets {
		labels := n.Labels
		if labels == nil {
			labels = map[string]string{}
		}
		nw := Network{ID: n.ID, Name: n.Name, Driver: n.Driver, Scope: n.Scope, Internal: n.Internal, Labels: labels,
			CreatedAt: parseTime(n.Created, nil), Subnets: []string{}}
		for _, c := range n.IPAM.Config {
			if c.Subnet != "" {
				nw.Subnets = append(nw.Subnets, c.Subnet)
			}
		}
		out = append(out, nw)
	}
	return out, nil
}

// decodeAPIContainers reads GET /containers/json's answer into Containers as the CLI path
// reports them (names without the leading "/", state and health normalised, published
// host ports sorted and unique, networks sorted), sorted by name. Labels is never nil.
func decodeAPIContainers(r io.Reader) ([]Container, error) {
	var raw []apiContainer
	if err := json.NewDecoder(r).Decode(&raw); err != nil {
		return nil, err
	}
	out := make([]Container, 0, len(raw))
	for _, a := range raw {
		c := Container{ID: a.ID, Image: a.Image, ImageID: a.ImageID, Status: a.Status, Labels: a.Labels, CreatedAt: time.Unix(a.Created, 0).UTC()}
		if c.Labels == nil {
			c.Labels = map[string]string{}
		}
		for _, n := range a.Names {
			c.Names = append(c.Names, strings.TrimLeft(n, "/"))
		}
		if len(c.Names) > 0 {
			c.Name = c.Names[0]
		}
		c.State = normalizeState(a.State, a.Status)
		c.Health = healthFromStatus(a.Status)
		if c.State != "running" {
			c.Health = ""
		}
		if m := exitedRE.FindStringSubmatch(a.Status); m != nil {
			fmt.Sscanf(m[1], "%d", &c.ExitCode)
		}
		seen := map[int]bool{}
		for _, p := range a.Ports {
			if validPort(p.PublicPort) && !seen[p.PublicPort] {
				seen[p.PublicPort] = true
				c.HostPorts = append(c.HostPorts, p.PublicPort)
			}
		}
		sort.Ints(c.HostPorts)
		var pub []model.HostPort
		for _, p := range a.Ports {
			if validPort(p.PublicPort) {
				pub = append(pub, model.HostPort{IP: p.IP, Port: p.PublicPort, Protocol: cmp.Or(p.Type, "tcp")})
			}
		}
		c.Published = sortedBindings(pub)
		for n := range a.NetworkSettings.Networks {
			c.Networks = append(c.Networks, n)
		}
		sort.Strings(c.Networks)
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// eventsAPI is Events through GET /events on the local daemon's socket: a chunked stream of
// JSON events (the same objects `docker events --format '{{json .}}'` prints), filtered and
// replayed by the daemon exactly as for the CLI, which only forwards --filter and --since.
func (e *Engine) eventsAPI(ctx context.Context, sock string, opts EventOptions) (<-chan Event, <-chan error) {
	events := make(chan Event, eventBuffer)
	errs := make(chan error, 1)
	go func() {
		defer close(errs)
		err := e.streamEventsAPI(ctx, sock, opts, events)
		close(events)
		errs <- err
	}()
	return events, errs
}

// streamEventsAPI sends the stream's events to out and returns why it ended, as Events
// documents it.
func (e *Engine) streamEventsAPI(ctx context.Context, sock string, opts EventOptions, out chan<- Event) error {
	query, err := eventsQuery(opts)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://docker/events?"+query, nil)
	if err != nil {
		return model.Wrap(model.KindInternal, err, "cannot build the event stream request", err.Error())
	}
	resp, err := apiTransport(sock).Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return streamEnded(ctx, Docker, nil, nil)
		}
		return e.apiUnreachable(sock, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return apiRefused(resp)
	}
	err = decodeEvents(ctx, resp.Body, out)
	switch {
	case ctx.Err() != nil:
		return streamEnded(ctx, Docker, nil, nil)
	case err == nil && !opts.Until.IsZero():
		return nil // a finite stream that ended where it was asked to
	case err == nil:
		return model.NewError(model.KindEngineUnavailable, "the docker event stream ended",
			"the daemon closed the event stream; it may have been stopped or restarted")
	}
	var me *model.Error
	if errors.As(err, &me) {
		return me // the daemon sent something that is not an event
	}
	return model.Wrap(model.KindEngineUnavailable, err, "the docker event stream ended",
		fmt.Sprintf("the connection to the daemon at unix://%s broke (%v); it may have been stopped or restarted", sock, err))
}

// eventsQuery turns EventOptions into GET /events parameters the way the docker CLI does:
// each "name=value" filter is split at its first '=', the name trimmed and lower-cased, the
// value trimmed, values of one name collected into a list; since is sent as unix seconds
// with nanoseconds. A filter without '=' is refused with the CLI's own message.
func eventsQuery(opts EventOptions) (string, error) {
	q := url.Values{}
	if len(opts.Filters) > 0 {
		filters := map[string][]string{}
		for _, f := range opts.Filters {
			name, value, ok := strings.Cut(f, "=")
			if !ok {
				return "", model.NewError(model.KindEngineUnavailable, "the docker event stream ended",
					fmt.Sprintf("bad format of filter %q (expected name=value, e.g. type=container)", f))
			}
			name = strings.ToLower(strings.TrimSpace(name))
			filters[name] = append(filters[name], strings.TrimSpace(value))
		}
		b, err := json.Marshal(filters)
		if err != nil {
			return "", model.Wrap(model.KindInternal, err, "cannot encode event filters", err.Error())
		}
		q.Set("filters", string(b))
	}
	if !opts.Since.IsZero() {
		q.Set("since", dockerTimestamp(opts.Since))
	}
	if !opts.Until.IsZero() {
		q.Set("until", dockerTimestamp(opts.Until))
	}
	return q.Encode(), nil
}

// decodeEvents reads the API's stream of JSON events into out until EOF (nil), a value that
// is not an event (a KindInternal error), a broken connection (its read error), or ctx (nil).
// Every event it sends has non-nil Attributes, as parseEvent guarantees.
func decodeEvents(ctx context.Context, r io.Reader, out chan<- Event) error {
	dec := json.NewDecoder(r)
	for {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			var syn *json.SyntaxError
			if errors.As(err, &syn) {
				return model.Wrap(model.KindInternal, err, "unexpected output from the event stream", err.Error())
			}
			return err
		}
		ev, err := parseEvent(raw)
		if err != nil {
			return model.Wrap(model.KindInternal, err, "unexpected output from the event stream",
				fmt.Sprintf("%v; event: %s", err, tail(string(raw), 300)))
		}
		select {
		case out <- ev:
		case <-ctx.Done():
			return nil
		}
	}
}

// apiUnreachable explains a failed connection to the daemon's socket with the same words
// (and fixes) as the CLI's own connection errors.
func (e *Engine) apiUnreachable(sock string, err error) *model.Error {
	cause := err
	var ue *url.Error
	if errors.As(err, &ue) {
		cause = ue.Err
	}
	said := fmt.Sprintf("Cannot connect to the Docker daemon at unix://%s: %v", sock, cause)
	if p := daemonProblem(Docker, said, e.hostSetting()); p != nil {
		p.Err = err
		return e.contextProblem(p)
	}
	return e.contextProblem(model.Wrap(model.KindEngineUnavailable, err, "the docker event stream ended", said))
}

// apiRefused is the error for a non-200 answer, carrying the daemon's message (an unknown
// filter name, an unsupported API version).
func apiRefused(resp *http.Response) *model.Error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64*1024))
	var msg struct {
		Message string `json:"message"`
	}
	said := strings.TrimSpace(string(body))
	if json.Unmarshal(body, &msg) == nil && msg.Message != "" {
		said = msg.Message
	}
	return model.NewError(model.KindEngineUnavailable, "the docker event stream ended",
		fmt.Sprintf("the daemon refused the event stream (HTTP %d): %s", resp.StatusCode, tail(said, 1000)))
}

// imageIDAPI is GET /images/{ref}/json: the image's id, or found false when the engine does
// not have it.
func (e *Engine) imageIDAPI(ctx context.Context, sock, ref string) (string, bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://docker/images/"+url.PathEscape(ref)+"/json", nil)
	if err != nil {
		return "", false, err
	}
	resp, err := apiTransport(sock).Do(req)
	if err != nil {
		return "", false, err
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusNotFound:
		return "", false, nil
	case http.StatusOK:
	default:
		return "", false, fmt.Errorf("GET /images/%s/json: %s", ref, resp.Status)
	}
	var img struct {
		ID string `json:"Id"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 8<<20)).Decode(&img); err != nil {
		return "", false, err
	}
	return img.ID, true, nil
}
