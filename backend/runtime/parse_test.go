package runtime

// Table tests for the parsers and classifiers, on literal engine output. Docker lines were
// captured from docker CLI 28.2 against dockerd 20.10; the podman shapes follow podman's
// ListContainer/Event types (no podman on the test machine).

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/model"
)

func TestParseLabelString(t *testing.T) {
	tests := []struct {
		in   string
		want map[string]string
	}{
		{"", map[string]string{}},
		{"a=1", map[string]string{"a": "1"}},
		{"a.b=x=y,dev.devarch.test=1", map[string]string{"a.b": "x=y", "dev.devarch.test": "1"}},
		{"a.b=x=y,dev.devarch.test=1,files=/a.yml,/b.yml", map[string]string{"a.b": "x=y", "dev.devarch.test": "1", "files": "/a.yml,/b.yml"}},
		{"com.docker.compose.project.config_files=/p/a.yml,/p/b.yml,com.docker.compose.service=web",
			map[string]string{"com.docker.compose.project.config_files": "/p/a.yml,/p/b.yml", "com.docker.compose.service": "web"}},
		{"empty=,flag", map[string]string{"empty": ",flag"}},
		{"k=", map[string]string{"k": ""}},
		{"k=a,,b", map[string]string{"k": "a,,b"}},
	}
	for _, tt := range tests {
		if got := parseLabelString(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseLabelString(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

const dockerPS = `{"Command":"\"sleep 30\"","CreatedAt":"2026-11-26 04:04:05 +0000 UTC","ID":"a9c8a6283b818256e6fe0c6dbbd8d6c9bf1114bb0e0b65670dc34a71bdc6b93b","Image":"devarch-test/busybox:1","Labels":"a.b=x=y,dev.devarch.test=1,files=/a.yml,/b.yml","LocalVolumes":"0","Mounts":"","Names":"devarch-cap","Networks":"bridge","Platform":null,"Ports":"","RunningFor":"3 seconds ago","Size":"0B (virtual 1.98MB)","State":"running","Status":"Up 2 seconds (healthy)"}
{"Command":"\"sh -c 'exit 3'\"","CreatedAt":"2026-11-26 04:04:06 +0000 UTC","ID":"b1","Image":"devarch-test/busybox:1","Labels":"","Names":"job","State":"exited","Status":"Exited (3) 1 second ago"}
`

func TestParseContainers_Docker(t *testing.T) {
	got, err := parseContainers([]byte(dockerPS))
	if err != nil {
		t.Fatal(err)
	}
	want := []Container{{
		ID:        "a9c8a6283b818256e6fe0c6dbbd8d6c9bf1114bb0e0b65670dc34a71bdc6b93b",
		Name:      "devarch-cap",
		Names:     []string{"devarch-cap"},
		Image:     "devarch-test/busybox:1",
		State:     "running",
		Status:    "Up 2 seconds (healthy)",
		Health:    "healthy",
		Labels:    map[string]string{"a.b": "x=y", "dev.devarch.test": "1", "files": "/a.yml,/b.yml"},
		CreatedAt: time.Date(2026, 11, 26, 4, 4, 5, 0, time.UTC),
		Networks:  []string{"bridge"},
	}, {
		ID: "b1", Name: "job", Names: []string{"job"}, Image: "devarch-test/busybox:1",
		State: "exited", Status: "Exited (3) 1 second ago", ExitCode: 3,
		Labels: map[string]string{}, CreatedAt: time.Date(2026, 11, 26, 4, 4, 6, 0, time.UTC),
	}}
	for i := range want {
		if !got[i].CreatedAt.Equal(want[i].CreatedAt) {
			t.Errorf("[%d] CreatedAt = %s, want %s", i, got[i].CreatedAt, want[i].CreatedAt)
		}
		got[i].CreatedAt = want[i].CreatedAt
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

const podmanPS = `[{"AutoRemove":false,"Command":["sleep","60"],"Created":"2024-05-01T10:00:00.5Z","CreatedAt":"2 minutes ago",
	  "Exited":false,"ExitCode":0,"Id":"p1","Image":"localhost/devarch-test/busybox:1",
	  "Labels":{"a":"x=y,z","dev.devarch.test":"1"},"Names":["web"],"State":"running","Status":"Up 2 minutes (unhealthy)"},
	 {"Id":"p2","Names":["job"],"State":"exited","ExitCode":137,"Status":"Exited (137) 1 minute ago","Created":1714557600,"Labels":null}]`

func TestParseContainers_PodmanArray(t *testing.T) {
	got, err := parseContainers([]byte(podmanPS))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d containers", len(got))
	}
	w := got[0]
	if w.ID != "p1" || w.Name != "web" || w.State != "running" || w.Health != "unhealthy" ||
		w.Labels["a"] != "x=y,z" || !w.CreatedAt.Equal(time.Date(2024, 5, 1, 10, 0, 0, 5e8, time.UTC)) {
		t.Errorf("web = %+v", w)
	}
	j := got[1]
	if j.State != "exited" || j.ExitCode != 137 || !j.CreatedAt.Equal(time.Unix(1714557600, 0)) || j.Labels == nil {
		t.Errorf("job = %+v", j)
	}
}

func TestParseContainers_Empty(t *testing.T) {
	for _, in := range []string{"", "\n", "[]"} {
		got, err := parseContainers([]byte(in))
		if err != nil || len(got) != 0 {
			t.Errorf("parseContainers(%q) = %v, %v; want empty", in, got, err)
		}
	}
	if _, err := parseContainers([]byte("Error: not json")); err == nil {
		t.Error("non-JSON output parsed without error")
	}
}

func TestStateAndHealthFromStatus(t *testing.T) {
	tests := []struct{ state, status, wantState, wantHealth string }{
		{"", "Up 3 minutes (health: starting)", "running", "starting"},
		{"", "Up 3 minutes (Paused)", "paused", ""},
		{"", "Exited (0) 2 hours ago", "exited", ""},
		{"", "Created", "created", ""},
		{"", "Restarting (1) 3 seconds ago", "restarting", ""},
		{"", "Removal In Progress", "removing", ""},
		{"Running", "Up 1 second (healthy)", "running", "healthy"},
		{"configured", "Created", "created", ""},
		{"stopped", "Exited (0) 1 second ago", "exited", ""},
	}
	for _, tt := range tests {
		if got := normalizeState(tt.state, tt.status); got != tt.wantState {
			t.Errorf("normalizeState(%q, %q) = %q, want %q", tt.state, tt.status, got, tt.wantState)
		}
		if got := healthFromStatus(tt.status); got != tt.wantHealth {
			t.Errorf("healthFromStatus(%q) = %q, want %q", tt.status, got, tt.wantHealth)
		}
	}
}

const (
	dockerNetworks = `{"CreatedAt":"2026-11-26 04:04:08.436544633 +0000 UTC","Driver":"bridge","ID":"0929","IPv4":"false","IPv6":"false","Internal":"true","Labels":"k=v,dev.devarch.test=1","Name":"devarch-capnet","Scope":"local"}`
	podmanNetworks = `[{"name":"shop","id":"77aa","driver":"bridge","created":"2024-05-01T10:00:00Z","internal":false,"labels":{"k":"v"}}]`
)

func TestParseNetworks(t *testing.T) {
	got, err := parseNetworks([]byte(dockerNetworks + "\n" + podmanNetworks))
	if err != nil {
		t.Fatal(err)
	}
	want := []Network{
		{ID: "0929", Name: "devarch-capnet", Driver: "bridge", Scope: "local", Internal: true,
			Labels: map[string]string{"k": "v", "dev.devarch.test": "1"}, CreatedAt: time.Date(2026, 11, 26, 4, 4, 8, 436544633, time.UTC)},
		{ID: "77aa", Name: "shop", Driver: "bridge", Labels: map[string]string{"k": "v"}, CreatedAt: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)},
	}
	for i := range want {
		if !got[i].CreatedAt.Equal(want[i].CreatedAt) {
			t.Errorf("[%d] CreatedAt = %s, want %s", i, got[i].CreatedAt, want[i].CreatedAt)
		}
		got[i].CreatedAt = want[i].CreatedAt
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

const (
	dockerEvent = `{"status":"health_status: healthy","id":"a9c8","from":"devarch-test/busybox:1","Type":"container","Action":"health_status: healthy","Actor":{"ID":"a9c8","Attributes":{"a.b":"x=y","dev.devarch.test":"1","image":"devarch-test/busybox:1","name":"devarch-cap"}},"scope":"local","time":1795665847,"timeNano":1795665847419522392}`
	podmanEvent = `{"ID":"p1","Image":"localhost/devarch-test/busybox:1","Name":"web","Status":"start","Time":"2024-05-01T10:00:00.25Z","Type":"container","Attributes":{"dev.devarch.test":"1"}}`
)

func TestParseEvent(t *testing.T) {
	ev, err := parseEvent([]byte(dockerEvent))
	if err != nil {
		t.Fatal(err)
	}
	if ev.Type != "container" || ev.Action != "health_status: healthy" || ev.ActorID != "a9c8" || ev.Name() != "devarch-cap" ||
		ev.Attributes["a.b"] != "x=y" || !ev.Time.Equal(time.Unix(0, 1795665847419522392)) {
		t.Errorf("docker event = %+v", ev)
	}

	ev, err = parseEvent([]byte(podmanEvent))
	if err != nil {
		t.Fatal(err)
	}
	if ev.Type != "container" || ev.Action != "start" || ev.ActorID != "p1" || ev.Name() != "web" ||
		ev.Attributes["dev.devarch.test"] != "1" || !ev.Time.Equal(time.Date(2024, 5, 1, 10, 0, 0, 25e7, time.UTC)) {
		t.Errorf("podman event = %+v", ev)
	}
}

func TestParseComposeVersion(t *testing.T) {
	tests := map[string]string{
		"Docker Compose version v2.40.3\n": "2.40.3",
		"2.40.3\n":                         "2.40.3",
		"docker-compose version 1.29.2, build unknown\ndocker-py version: 5.0.3\n": "1.29.2",
		"Docker Compose version 2.20.2+ds1-0ubuntu1~22.04.1":                       "2.20.2+ds1-0ubuntu1~22.04.1",
		"podman-compose version 1.0.6\npodman version 4.3.1\n":                     "1.0.6",
		"Docker Compose version v2.24.0-desktop.1":                                 "2.24.0-desktop.1",
		"no version here": "",
	}
	for in, want := range tests {
		if got := parseComposeVersion(in); got != want {
			t.Errorf("parseComposeVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDaemonProblem classifies the CLI's real messages. The permission message is docker
// 28.2's, captured by running `docker version` as nobody against /var/run/docker.sock.
func TestDaemonProblem(t *testing.T) {
	tests := []struct {
		engine, stderr, host string
		summary              string
		detail               []string
	}{{
		Docker, `permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.50/version": dial unix /var/run/docker.sock: connect: permission denied`, "",
		"permission denied on the Docker socket",
		[]string{"unix:///var/run/docker.sock", "sudo usermod -aG docker $USER", "log out and back in"},
	}, {
		Docker, "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?", "",
		"the Docker daemon is not running",
		[]string{"at unix:///var/run/docker.sock.", "systemctl start docker", "set DOCKER_HOST"},
	}, {
		Docker, "Cannot connect to the Docker daemon at tcp://10.0.0.9:2375. Is the docker daemon running?", "tcp://10.0.0.9:2375",
		"the Docker daemon is not running",
		[]string{"DOCKER_HOST=tcp://10.0.0.9:2375"},
	}, {
		Docker, "failed to connect to the docker API at unix:///x.sock; check if the path is correct and if the daemon is running: dial unix /x.sock: connect: no such file or directory", "",
		"the Docker daemon is not running",
		[]string{"unix:///x.sock"},
	}, {
		Podman, "Cannot connect to Podman. Please verify your connection to the Linux system using `podman system connection list`, or try `podman machine init` and `podman machine start` to manage a new Linux VM\nError: unable to connect to Podman socket", "",
		"the Podman service is not reachable",
		[]string{"podman machine start"},
	}}
	for _, tt := range tests {
		p := daemonProblem(tt.engine, tt.stderr, tt.host)
		if p == nil {
			t.Errorf("daemonProblem(%q) = nil", tt.stderr)
			continue
		}
		if p.Kind != model.KindEngineUnavailable || p.Summary != tt.summary {
			t.Errorf("daemonProblem(%q) = %s %q, want %q", tt.stderr, p.Kind, p.Summary, tt.summary)
		}
		for _, want := range tt.detail {
			if !strings.Contains(p.Detail, want) {
				t.Errorf("detail %q does not mention %q", p.Detail, want)
			}
		}
	}
	if p := daemonProblem(Docker, "Error: No such object: x", ""); p != nil {
		t.Errorf("a not-found message was classified as %q", p.Summary)
	}
}

func TestCommandFailedKinds(t *testing.T) {
	tests := []struct {
		stderr string
		want   model.Kind
	}{
		{"Error: No such object: x", model.KindNotFound},
		{"Error response from daemon: No such container: web", model.KindNotFound},
		{"no such service: api", model.KindNotFound},
		{`Error response from daemon: Conflict. The container name "/web" is already in use by container "abc".`, model.KindConflict},
		{"Error response from daemon: driver failed programming external connectivity: Bind for 0.0.0.0:8080 failed: port is already allocated", model.KindConflict},
		{"Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?", model.KindEngineUnavailable},
		// A daemon answer mentioning a refused connection is not the daemon going away.
		{`Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: connect: connection refused`, model.KindInternal},
		{"compose: something else broke", model.KindInternal},
	}
	for _, tt := range tests {
		err := commandFailed([]string{"/usr/bin/docker", "x"}, Result{ExitCode: 1, Stderr: tt.stderr}, errExit)
		if err.Kind != tt.want {
			t.Errorf("%q: kind %s, want %s", tt.stderr, err.Kind, tt.want)
		}
		if err.Kind != model.KindEngineUnavailable && err.Detail != tt.stderr {
			t.Errorf("%q: detail %q, want the stderr", tt.stderr, err.Detail)
		}
	}
	// No stderr: the end of stdout, else a plain statement.
	if e := commandFailed([]string{"docker", "x"}, Result{ExitCode: 2, Stdout: []byte("out\n")}, errExit); e.Detail != "out" {
		t.Errorf("detail = %q, want stdout", e.Detail)
	}
	if e := commandFailed([]string{"docker", "x"}, Result{ExitCode: 2}, errExit); !strings.Contains(e.Detail, "exit code 2") {
		t.Errorf("detail = %q", e.Detail)
	}
}

var errExit = &testExitError{}

type testExitError struct{}

func (*testExitError) Error() string { return "exit status 1" }

func TestTailBuffer(t *testing.T) {
	tb := &tailBuffer{max: 10}
	for i := 0; i < 50; i++ {
		tb.Write([]byte("line\n"))
	}
	tb.Write([]byte("last"))
	if got := tb.String(); got != "…line\nlast" {
		t.Errorf("String() = %q", got)
	}
	small := &tailBuffer{max: 100}
	small.Write([]byte("  short\n"))
	if got := small.String(); got != "short" {
		t.Errorf("String() = %q", got)
	}
}

func TestDisplayArgv(t *testing.T) {
	got := displayArgv([]string{"/usr/bin/docker", "compose", "-p", "shop", "up", "-d", "a b"})
	if got != `docker compose -p shop up -d "a b"` {
		t.Errorf("displayArgv = %q", got)
	}
	if long := displayArgv([]string{"docker", strings.Repeat("x", 500)}); len(long) > 170 {
		t.Errorf("displayArgv did not shorten: %d bytes", len(long))
	}
}

func TestEnvValueAndLookPath(t *testing.T) {
	env := []string{"PATH=/a", "X=1", "PATH=/b"}
	if got := envValue(env, "PATH"); got != "/b" {
		t.Errorf("envValue = %q, want the last value", got)
	}
	if got := envValue(env, "NOPE"); got != "" {
		t.Errorf("envValue(NOPE) = %q", got)
	}
	if _, err := lookPath("sh", ""); err == nil {
		t.Error("lookPath found sh on an empty PATH")
	}
	if p, err := lookPath("sh", "relative:/bin"); err != nil || p != "/bin/sh" {
		t.Errorf("lookPath(sh) = %q, %v; want /bin/sh (relative entries ignored)", p, err)
	}
}

func TestStandaloneCompose(t *testing.T) {
	v1 := standaloneCompose("/usr/bin/docker-compose", "docker-compose version 1.29.2, build unknown\ndocker-py version: 5.0.3\n")
	if v1.Err == nil || v1.Err.Summary != "docker-compose 1.29.2 (Compose v1) is not supported" || v1.Version != "1.29.2" {
		t.Errorf("v1 = %+v", v1)
	} else if !strings.Contains(v1.Err.Detail, "docker-compose-plugin") || !strings.Contains(v1.Err.Detail, "/usr/bin/docker-compose") {
		t.Errorf("v1 detail = %q, want the path and the fix", v1.Err.Detail)
	}
	v2 := standaloneCompose("/usr/local/bin/docker-compose", "Docker Compose version v2.40.3\n")
	if v2.Err != nil || v2.Name != FlavourStandalone || v2.Version != "2.40.3" || v2.Path != "/usr/local/bin/docker-compose" {
		t.Errorf("v2 = %+v", v2)
	}
	if dev := standaloneCompose("/x/docker-compose", "Docker Compose version dev"); dev.Err != nil || dev.Version != "dev" {
		t.Errorf("unversioned v2 build = %+v, want usable", dev)
	}
	if junk := standaloneCompose("/x/docker-compose", "hello"); junk.Err == nil || junk.Err.Summary != "docker compose v2 is not installed" {
		t.Errorf("junk = %+v", junk)
	}
	// The argv DevArch runs for each flavour.
	e := &Engine{Path: "/usr/bin/docker"}
	if got := composeArgv(e, v2); !reflect.DeepEqual(got, []string{"/usr/local/bin/docker-compose"}) {
		t.Errorf("standalone argv = %q", got)
	}
	if got := composeArgv(e, Part{Name: FlavourDockerV2}); !reflect.DeepEqual(got, []string{"/usr/bin/docker", "compose"}) {
		t.Errorf("plugin argv = %q", got)
	}
}
