package runtime

// Fuzz targets for every parser of engine output: ps/network ls JSON (docker lines, podman
// arrays), label text, event JSON from the CLI (lines) and the Engine API (a stream), the
// API's container listing, and what detection reads (version JSON, compose version text,
// the CLI's connection errors). Engine output is not user input, but it comes from whatever
// docker, podman or daemon version the user has, so none of it may crash DevArch and each
// parser keeps its stated invariants on any input. Seeds are the literal engine output of
// parse_test.go. Run one with e.g.
//
//	go test -run '^$' -fuzz '^FuzzParseContainers$' -fuzztime 60s ./backend/runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/devarch/devarch/backend/model"
)

// checkContainer states what every Container, from either listing path, guarantees.
func checkContainer(t *testing.T, c Container) {
	t.Helper()
	if c.Labels == nil {
		t.Errorf("nil Labels: %+v", c)
	}
	if len(c.Names) > 0 && c.Name != c.Names[0] || len(c.Names) == 0 && c.Name != "" {
		t.Errorf("Name %q is not the first of Names %q", c.Name, c.Names)
	}
	switch c.Health {
	case "", "healthy", "unhealthy", "starting":
	default:
		t.Errorf("Health = %q", c.Health)
	}
	if c.Health != "" && c.State != "running" {
		t.Errorf("Health %q for a container in state %q", c.Health, c.State)
	}
	if c.State != strings.ToLower(c.State) {
		t.Errorf("State %q is not lower case", c.State)
	}
	for i, p := range c.HostPorts {
		if p <= 0 || p > 65535 || i > 0 && p <= c.HostPorts[i-1] {
			t.Errorf("HostPorts %v are not ports, sorted and unique", c.HostPorts)
			break
		}
	}
}

func FuzzParseContainers(f *testing.F) {
	for _, seed := range []string{dockerPS, podmanPS, "", "\n", "[]", "Error: not json",
		`{"Names":"/a,/b","Ports":"0.0.0.0:8080->80/tcp, :::8080->80/tcp","Status":"Up 1 second (health: starting)"}`,
		`[{"Names":["x"],"Ports":[{"host_port":5000,"range":3}],"State":"stopped","Created":"1714557600"}]`,
		`[{"Ports":[{"host_port":65534,"range":2000000000}]}]`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, err := parseContainers(data)
		if err != nil {
			return
		}
		vals, verr := jsonValues(data)
		if verr != nil || len(vals) != len(cs) {
			t.Fatalf("%d containers from %d JSON values (%v)", len(cs), len(vals), verr)
		}
		for _, c := range cs {
			checkContainer(t, c)
			for _, n := range c.Names {
				if strings.HasPrefix(n, "/") {
					t.Errorf("name %q kept a leading slash", n)
				}
			}
		}
	})
}

func FuzzParseNetworks(f *testing.F) {
	for _, seed := range []string{dockerNetworks, podmanNetworks, dockerNetworks + "\n" + podmanNetworks, "", "[]", "null"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ns, err := parseNetworks(data)
		if err != nil {
			return
		}
		for _, n := range ns {
			if n.Labels == nil {
				t.Errorf("nil Labels: %+v", n)
			}
		}
	})
}

func FuzzParseLabelString(f *testing.F) {
	for _, seed := range []string{"", "a=1", "a.b=x=y,dev.devarch.test=1,files=/a.yml,/b.yml",
		"com.docker.compose.project.config_files=/p/a.yml,/p/b.yml,com.docker.compose.service=web",
		"empty=,flag", "k=", "k=a,,b", ",", "=x", "a=1,a=2"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m := parseLabelString(s)
		if m == nil || (s == "") != (len(m) == 0) {
			t.Fatalf("parseLabelString(%q) = %v", s, m)
		}
		for k, v := range m {
			// A key is the text of one comma-separated item before its first '='; a value
			// may span items (commas inside values) but never contains a whole new label.
			if strings.Contains(k, ",") || strings.Contains(k, "=") || !strings.Contains(s, k) || !strings.Contains(s, v) {
				t.Errorf("parseLabelString(%q): key %q value %q", s, k, v)
			}
		}
		// Labels joined the way docker joins them (keys that look like keys, values without
		// commas) come back exactly.
		if !strings.Contains(s, ",") {
			return
		}
		want := map[string]string{}
		var items []string
		for _, item := range strings.Split(s, ",") {
			k, v, ok := strings.Cut(item, "=")
			if !ok || !labelKeyRE.MatchString(k) {
				return
			}
			if _, dup := want[k]; dup {
				return
			}
			want[k] = v
			items = append(items, item)
		}
		if got := parseLabelString(strings.Join(items, ",")); !reflect.DeepEqual(got, want) {
			t.Errorf("parseLabelString(%q) = %v, want %v", s, got, want)
		}
	})
}

func FuzzParseEvent(f *testing.F) {
	for _, seed := range []string{dockerEvent, podmanEvent, "{}", "null", `{"Actor":{"Attributes":null},"Attributes":{"name":"x"}}`,
		`{"Time":"2024-05-01T10:00:00Z","timeNano":"x"}`, `{"time":99999999999999,"Name":"n"}`, `[]`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ev, err := parseEvent(data)
		if err != nil {
			return
		}
		if ev.Attributes == nil {
			t.Fatalf("parseEvent(%q): nil Attributes", data)
		}
		if !json.Valid(data) {
			t.Fatalf("parseEvent accepted invalid JSON %q", data)
		}
	})
}

// FuzzEventStreams feeds the same bytes to the CLI path's line reader and the API path's
// stream decoder. Neither may panic, every event they deliver has non-nil Attributes, and
// whatever the line reader accepts (one JSON event per line) the decoder reads as the same
// events: both paths must see one engine stream the same way.
func FuzzEventStreams(f *testing.F) {
	for _, seed := range []string{dockerEvent + "\n" + podmanEvent + "\n", dockerEvent, "", "\n\n", "{}\n{}", "{} {}", "{\n}", "not json\n"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		collect := func(read func(context.Context, chan<- Event) error) ([]Event, error) {
			out := make(chan Event, len(data)+1) // at most one event per byte: never blocks
			err := read(context.Background(), out)
			close(out)
			var evs []Event
			for ev := range out {
				if ev.Attributes == nil {
					t.Fatalf("event with nil Attributes from %q", data)
				}
				evs = append(evs, ev)
			}
			return evs, err
		}
		lines, lerr := collect(func(ctx context.Context, out chan<- Event) error {
			return readEvents(ctx, bytes.NewReader(data), out)
		})
		stream, serr := collect(func(ctx context.Context, out chan<- Event) error {
			return decodeEvents(ctx, bytes.NewReader(data), out)
		})
		if lerr != nil {
			return
		}
		// The line reader trims Unicode spaces around a line; JSON allows only four.
		for _, line := range strings.Split(string(data), "\n") {
			if strings.TrimFunc(line, unicode.IsSpace) != strings.Trim(line, " \t\r\n") {
				return
			}
		}
		if serr != nil || !reflect.DeepEqual(lines, stream) {
			t.Fatalf("%q: lines %+v, stream %+v (%v)", data, lines, stream, serr)
		}
	})
}

func FuzzAPIContainers(f *testing.F) {
	for _, seed := range []string{
		`[{"Id":"a1","Names":["/web"],"Image":"img","State":"running","Status":"Up 2 seconds (healthy)","Labels":{"k":"v"},"Created":1795665847,` +
			`"Ports":[{"PublicPort":8080},{"PublicPort":8080},{"PrivatePort":80}],"NetworkSettings":{"Networks":{"b":{},"a":{}}}}]`,
		`[{"Id":"b1","Names":["/job"],"State":"exited","Status":"Exited (3) 1 second ago","Labels":null}]`,
		`[]`, `null`, `{}`, ``} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, err := decodeAPIContainers(bytes.NewReader(data))
		if err != nil {
			return
		}
		for i, c := range cs {
			checkContainer(t, c)
			if !sort.StringsAreSorted(c.Networks) {
				t.Errorf("Networks %v not sorted", c.Networks)
			}
			if i > 0 && cs[i-1].Name > c.Name {
				t.Errorf("containers not sorted by name: %q before %q", cs[i-1].Name, c.Name)
			}
		}
	})
}

// FuzzDetectOutput covers what detection parses: `version --format '{{json .}}'`, compose's
// version text, and the CLI's connection errors.
func FuzzDetectOutput(f *testing.F) {
	seeds := []struct{ version, compose, stderr string }{
		{`{"Client":{"Version":"28.2.2"},"Server":{"Version":"20.10.24"}}`, "Docker Compose version v2.40.3\n",
			`permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.50/version": dial unix /var/run/docker.sock: connect: permission denied`},
		{`{"Client":{"Version":"4.3.1"},"Server":null}`, "docker-compose version 1.29.2, build unknown\ndocker-py version: 5.0.3\n",
			"Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"},
		{`{}`, "Docker Compose version 2.20.2+ds1-0ubuntu1~22.04.1", "Cannot connect to the Docker daemon at tcp://10.0.0.9:2375. Is the docker daemon running?"},
		{`null`, "podman-compose version 1.0.6\npodman version 4.3.1\n",
			"failed to connect to the docker API at unix:///x.sock; check if the path is correct and if the daemon is running: dial unix /x.sock: connect: no such file or directory"},
		{`not json`, "Docker Compose version dev", "Cannot connect to Podman. Please verify your connection\nError: unable to connect to Podman socket"},
		{``, "no version here", "Error: No such object: x"},
	}
	for _, s := range seeds {
		f.Add([]byte(s.version), s.compose, s.stderr)
	}
	f.Fuzz(func(t *testing.T, version []byte, compose, stderr string) {
		var v versionInfo
		_ = json.Unmarshal(version, &v)

		cv := parseComposeVersion(compose)
		if cv != "" && (!strings.Contains(compose, cv) || strings.IndexFunc(cv, unicode.IsSpace) >= 0) {
			t.Errorf("parseComposeVersion(%q) = %q", compose, cv)
		}
		p := standaloneCompose("/x/docker-compose", compose)
		usable := cv != "" && !strings.HasPrefix(cv, "1.")
		if (p.Err == nil) != usable || p.Err != nil && p.Err.Kind != model.KindEngineUnavailable || cv != "" && p.Version != cv {
			t.Errorf("standaloneCompose(%q) = %+v (version %q)", compose, p, cv)
		}

		for _, engine := range []string{Docker, Podman} {
			if e := daemonProblem(engine, stderr, "tcp://h:1"); e != nil &&
				(e.Kind != model.KindEngineUnavailable || e.Summary == "" || e.Detail == "") {
				t.Errorf("daemonProblem(%s, %q) = %+v", engine, stderr, e)
			}
		}
		if a := daemonAddress(stderr); !strings.Contains(stderr, a) {
			t.Errorf("daemonAddress(%q) = %q, not part of it", stderr, a)
		}
		_ = strictDaemonMessage(stderr)
	})
}
