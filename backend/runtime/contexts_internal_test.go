package runtime

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/testenv"
)

// writeContext writes a context into the store under dir as the docker CLI lays it out, with
// the TLS files named in tls.
func writeContext(t testing.TB, dir, name, meta string, tls ...string) {
	t.Helper()
	id := contextID(name)
	m := filepath.Join(dir, "contexts", "meta", id)
	if err := os.MkdirAll(m, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(m, "meta.json"), []byte(meta), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range tls {
		d := filepath.Join(dir, "contexts", "tls", id, "docker")
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, f), []byte("pem"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func TestContextID(t *testing.T) {
	// The value `docker context create hctx-probe` used for its directory (docker 28.2).
	if got, want := contextID("hctx-probe"), "e09b27ce4d45406ad0573857070ee613a949d598c0bd5df923e053385d56336c"; got != want {
		t.Errorf("contextID = %s, want %s", got, want)
	}
}

func TestLookupContext(t *testing.T) {
	dir := t.TempDir()
	writeContext(t, dir, "hctx-ssh", `{"Name":"hctx-ssh","Metadata":{},"Endpoints":{"docker":{"Host":"ssh://me@box","SkipTLSVerify":false}}}`)
	writeContext(t, dir, "hctx-tls", `{"Name":"hctx-tls","Metadata":{"Description":"d"},"Endpoints":{"docker":{"Host":"tcp://127.0.0.1:23750","SkipTLSVerify":true}}}`,
		"ca.pem", "cert.pem", "key.pem")
	writeContext(t, dir, "hctx-ca", `{"Name":"hctx-ca","Endpoints":{"docker":{"Host":"tcp://h:2376"}}}`, "ca.pem")
	writeContext(t, dir, "hctx-nodocker", `{"Name":"hctx-nodocker","Endpoints":{"kubernetes":{}}}`)
	writeContext(t, dir, "hctx-broken", `{"Name":`)
	writeContext(t, dir, "hctx-nohost", `{"Endpoints":{"docker":{"Host":""}}}`)
	base := []string{"DOCKER_CONFIG=" + dir, "DOCKER_HOST=", "DOCKER_TLS_VERIFY="}

	for _, tt := range []struct {
		name string
		env  []string
		want ContextInfo
	}{
		{"hctx-ssh", nil, ContextInfo{Name: "hctx-ssh", Host: "ssh://me@box"}},
		{"hctx-tls", nil, ContextInfo{Name: "hctx-tls", Host: "tcp://127.0.0.1:23750", TLS: true, SkipTLSVerify: true}},
		{"hctx-ca", nil, ContextInfo{Name: "hctx-ca", Host: "tcp://h:2376", TLS: true}},
		{"default", nil, ContextInfo{Name: "default", Host: defaultDockerHost()}},
		{"default", []string{"DOCKER_HOST=tcp://10.0.0.9:2376", "DOCKER_TLS_VERIFY=1"}, ContextInfo{Name: "default", Host: "tcp://10.0.0.9:2376", TLS: true}},
	} {
		got, err := LookupContext(append(append([]string(nil), base...), tt.env...), tt.name)
		if err != nil || got != tt.want {
			t.Errorf("LookupContext(%s, %v) = %+v, %v; want %+v", tt.name, tt.env, got, err, tt.want)
		}
	}

	for _, tt := range []struct {
		name   string
		kind   model.Kind
		detail []string
	}{
		{"hctx-missing", model.KindNotFound, []string{"docker context ls", "docker context create hctx-missing --docker host=ssh://user@host", dir}},
		{"x", model.KindInvalid, []string{"at least two", "docker context create"}},
		{"../etc", model.KindInvalid, []string{"^[a-zA-Z0-9]"}},
		{"hctx-nodocker", model.KindInvalid, []string{"no docker endpoint", "docker context rm hctx-nodocker"}},
		{"hctx-broken", model.KindInvalid, []string{"meta.json", "not the JSON"}},
		{"hctx-nohost", model.KindInvalid, []string{`Host ""`}},
	} {
		_, err := LookupContext(base, tt.name)
		me := model.AsError(err)
		if err == nil || me.Kind != tt.kind || !strings.Contains(me.Summary, tt.name) {
			t.Errorf("LookupContext(%s) = %v (kind %v), want kind %v naming it", tt.name, err, me.Kind, tt.kind)
			continue
		}
		for _, want := range tt.detail {
			if !strings.Contains(me.Detail, want) {
				t.Errorf("LookupContext(%s) detail %q lacks %q", tt.name, me.Detail, want)
			}
		}
	}

	// Without DOCKER_CONFIG the store is HOME/.docker.
	home := t.TempDir()
	writeContext(t, filepath.Join(home, ".docker"), "hctx-home", `{"Endpoints":{"docker":{"Host":"unix:///run/x.sock"}}}`)
	if got, err := LookupContext([]string{"DOCKER_CONFIG=", "HOME=" + home}, "hctx-home"); err != nil || got.Host != "unix:///run/x.sock" {
		t.Errorf("LookupContext via HOME = %+v, %v", got, err)
	}
}

// The endpoint of an Engine, and whether it reads through the API, follow the docker CLI's
// precedence: Context, then a non-empty DOCKER_HOST, DOCKER_CONTEXT, the config's current
// context, the default socket; only a unix:// endpoint takes the API, and APIEnv=off none.
func TestEndpointAndAPISocket(t *testing.T) {
	dir := t.TempDir()
	writeContext(t, dir, "hctx-sock", `{"Endpoints":{"docker":{"Host":"unix:///tmp/hctx.sock"}}}`)
	writeContext(t, dir, "hctx-tcp", `{"Endpoints":{"docker":{"Host":"tcp://127.0.0.1:23750"}}}`)
	writeContext(t, dir, "hctx-ssh", `{"Endpoints":{"docker":{"Host":"ssh://me@box"}}}`)
	cfg := "DOCKER_CONFIG=" + dir
	def := strings.TrimPrefix(defaultDockerHost(), "unix://")
	for _, tt := range []struct {
		context  string
		env      []string
		endpoint string
		sock     string
	}{
		{"", []string{cfg, "DOCKER_HOST=", "DOCKER_CONTEXT="}, defaultDockerHost(), def},
		{"", []string{cfg, "DOCKER_HOST=tcp://1.2.3.4:2375", "DOCKER_CONTEXT=hctx-sock"}, "tcp://1.2.3.4:2375", ""},
		{"", []string{cfg, "DOCKER_HOST=", "DOCKER_CONTEXT=hctx-sock"}, "unix:///tmp/hctx.sock", "/tmp/hctx.sock"},
		{"", []string{cfg, "DOCKER_HOST=", "DOCKER_CONTEXT=hctx-tcp"}, "tcp://127.0.0.1:23750", ""},
		{"", []string{cfg, "DOCKER_HOST=", "DOCKER_CONTEXT=hctx-sock", APIEnv + "=off"}, "unix:///tmp/hctx.sock", ""},
		{"", []string{cfg, "DOCKER_HOST=", "DOCKER_CONTEXT=hctx-gone"}, "", ""},
		{"hctx-sock", []string{cfg, "DOCKER_HOST=tcp://1.2.3.4:2375", "DOCKER_CONTEXT=hctx-tcp"}, "unix:///tmp/hctx.sock", "/tmp/hctx.sock"},
		{"hctx-ssh", []string{cfg, "DOCKER_HOST=unix:///var/run/docker.sock"}, "ssh://me@box", ""},
		{"hctx-tcp", []string{cfg}, "tcp://127.0.0.1:23750", ""},
		{"default", []string{cfg, "DOCKER_HOST="}, defaultDockerHost(), def},
		{"default", []string{cfg, "DOCKER_HOST=tcp://1.2.3.4:2375"}, "tcp://1.2.3.4:2375", ""},
	} {
		e := &Engine{Name: Docker, Context: tt.context, env: tt.env}
		if got := e.Endpoint(); got != tt.endpoint {
			t.Errorf("Context %q env %v: Endpoint = %q, want %q", tt.context, tt.env, got, tt.endpoint)
		}
		if got := e.apiSocket(); got != tt.sock {
			t.Errorf("Context %q env %v: apiSocket = %q, want %q", tt.context, tt.env, got, tt.sock)
		}
	}

	// The current context in the CLI's config counts like DOCKER_CONTEXT.
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"currentContext":"hctx-tcp"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	e := &Engine{Name: Docker, env: []string{cfg, "DOCKER_HOST=", "DOCKER_CONTEXT="}}
	if e.Endpoint() != "tcp://127.0.0.1:23750" || e.apiSocket() != "" {
		t.Errorf("current context: Endpoint %q apiSocket %q", e.Endpoint(), e.apiSocket())
	}

	// A context removed after detection still shows the endpoint it had.
	e = &Engine{Name: Docker, Context: "hctx-gone", env: []string{cfg}, detectedHost: "ssh://old@box"}
	if e.Endpoint() != "ssh://old@box" {
		t.Errorf("Endpoint of a removed context = %q", e.Endpoint())
	}
	if p := (&Engine{Name: Podman, env: []string{"CONTAINER_HOST=unix:///run/p.sock"}}); p.Endpoint() != "unix:///run/p.sock" || p.apiSocket() != "" {
		t.Errorf("podman Endpoint %q apiSocket %q", p.Endpoint(), p.apiSocket())
	}
}

// Every command of an Engine with a Context runs with DOCKER_CONTEXT set to it and an empty
// DOCKER_HOST, whatever Options.Env, RunOptions.Env or the process environment say.
func TestContextEnvWins(t *testing.T) {
	envBin, err := lookPath("env", os.Getenv("PATH"))
	if err != nil {
		testenv.Missing(t, "the env command", "")
	}
	t.Setenv("DOCKER_HOST", "tcp://inherited:2375")
	t.Setenv("DOCKER_CONTEXT", "inherited")
	e := &Engine{Name: Docker, Path: envBin, Context: "hctx-ctx", env: []string{"DOCKER_HOST=tcp://options:2375", "DOCKER_CONTEXT=options"}}
	res, err := e.Run(t.Context(), nil, RunOptions{Env: []string{"DOCKER_HOST=tcp://run:2375", "DOCKER_CONTEXT=run", "X=1"}})
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(res.Stdout)), "\n") {
		k, v, _ := strings.Cut(line, "=")
		vars[k] = append(vars[k], v)
	}
	if got := vars["DOCKER_CONTEXT"]; len(got) != 1 || got[0] != "hctx-ctx" {
		t.Errorf("DOCKER_CONTEXT = %q, want [hctx-ctx]", got)
	}
	if got := vars["DOCKER_HOST"]; len(got) != 1 || got[0] != "" {
		t.Errorf("DOCKER_HOST = %q, want one empty value", got)
	}
	if got := vars["X"]; len(got) != 1 || got[0] != "1" {
		t.Errorf("RunOptions.Env lost: X = %q", got)
	}
	// The built-in "default" context is DOCKER_HOST: it is left alone.
	e.Context = DefaultContext
	res, err = e.Run(t.Context(), nil, RunOptions{Env: []string{"DOCKER_HOST=tcp://run:2375"}})
	if err != nil || !strings.Contains(string(res.Stdout), "DOCKER_HOST=tcp://run:2375\n") || !strings.Contains(string(res.Stdout), "DOCKER_CONTEXT=default\n") {
		t.Errorf("with the default context: %v\n%s", err, res.Stdout)
	}
	// Without a Context nothing is added: the last layer wins as before.
	e.Context = ""
	res, err = e.Run(t.Context(), nil, RunOptions{Env: []string{"DOCKER_HOST=tcp://run:2375"}})
	if err != nil || !strings.Contains(string(res.Stdout), "DOCKER_HOST=tcp://run:2375\n") || !strings.Contains(string(res.Stdout), "DOCKER_CONTEXT=options\n") {
		t.Errorf("without a Context: %v\n%s", err, res.Stdout)
	}
}

// Probe refuses a Context for podman, and a context that does not exist, before running any
// command, naming the context and the fix.
func TestProbeContextRefused(t *testing.T) {
	var ran []string
	wrap := func(argv []string) []string { ran = append(ran, strings.Join(argv, " ")); return argv }
	eng, rep := Probe(t.Context(), Options{Engine: Podman, Context: "hctx-box", Wrap: wrap})
	if eng != nil || rep.Engine.Err == nil || rep.Engine.Err.Kind != model.KindEngineUnavailable || rep.Engine.Err.Field != "context" ||
		!strings.Contains(rep.Engine.Err.Summary, `"hctx-box"`) || !strings.Contains(rep.Engine.Err.Detail, "Docker feature") {
		t.Errorf("podman with a context: %v %+v", eng, rep.Engine.Err)
	}
	_, err := Detect(t.Context(), Options{Context: "hctx-none", Env: []string{"DOCKER_CONFIG=" + t.TempDir()}, Wrap: wrap})
	me := model.AsError(err)
	if err == nil || me.Kind != model.KindEngineUnavailable || !strings.Contains(me.Summary, `docker context "hctx-none" does not exist`) ||
		!strings.Contains(me.Detail, "docker context ls") || !strings.Contains(me.Detail, "docker context create hctx-none") {
		t.Errorf("missing context: %v", err)
	}
	if len(ran) > 0 {
		t.Errorf("commands ran before the context was checked: %q", ran)
	}
}

// The docker CLI writes what LookupContext reads: contexts made by `docker context create`
// (unix, ssh, tcp with a CA and skip-tls-verify) read back as `docker context inspect` shows
// them. Needs only the docker CLI, no daemon.
func TestLookupContext_MatchesDockerCLI(t *testing.T) {
	docker, err := lookPath("docker", os.Getenv("PATH"))
	if err != nil {
		testenv.Missing(t, "the docker CLI", "")
	}
	dir := t.TempDir()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, selfSignedPEM(t), 0o600); err != nil {
		t.Fatal(err)
	}
	e := &Engine{Name: Docker, Path: docker, env: []string{"DOCKER_CONFIG=" + dir}}
	for name, spec := range map[string]string{
		"hctx-unix": "host=unix:///tmp/hctx-other.sock",
		"hctx-ssh":  "host=ssh://me@box:2222",
		"hctx-tcp":  "host=tcp://127.0.0.1:23750,ca=" + ca + ",skip-tls-verify=true",
	} {
		if _, err := e.Run(t.Context(), []string{"context", "create", name, "--docker", spec}, RunOptions{}); err != nil {
			t.Fatalf("docker context create %s: %v", name, err)
		}
		res, err := e.Run(t.Context(), []string{"context", "inspect", name}, RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var insp []struct {
			Name      string
			Endpoints struct {
				Docker struct {
					Host          string
					SkipTLSVerify bool
				} `json:"docker"`
			}
			TLSMaterial map[string][]string
		}
		if err := json.Unmarshal(res.Stdout, &insp); err != nil || len(insp) != 1 {
			t.Fatalf("inspect %s: %v %s", name, err, res.Stdout)
		}
		want := ContextInfo{Name: insp[0].Name, Host: insp[0].Endpoints.Docker.Host,
			SkipTLSVerify: insp[0].Endpoints.Docker.SkipTLSVerify, TLS: len(insp[0].TLSMaterial["docker"]) > 0}
		got, err := LookupContext([]string{"DOCKER_CONFIG=" + dir}, name)
		if err != nil || got != want {
			t.Errorf("LookupContext(%s) = %+v, %v; docker context inspect says %+v", name, got, err, want)
		}
		if name == "hctx-tcp" && !got.TLS {
			t.Errorf("%s: TLS material not seen", name)
		}
	}
}

// selfSignedPEM is a fresh self-signed certificate, trusted by nothing (the CLI only copies
// a context's CA file).
func selfSignedPEM(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "hctx-test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// FuzzParseContextMeta: a context's meta.json is a file the user can edit. Parsing never
// panics; what it accepts has a Host of the form scheme://rest without spaces or control
// characters; and a
// meta.json written from what it accepted reads back the same.
func FuzzParseContextMeta(f *testing.F) {
	for _, seed := range []string{
		`{"Name":"hctx-tls","Metadata":{"Description":"d"},"Endpoints":{"docker":{"Host":"tcp://127.0.0.1:9","SkipTLSVerify":true}}}`,
		`{"Name":"hctx-ssh","Metadata":{},"Endpoints":{"docker":{"Host":"ssh://me@box","SkipTLSVerify":false}}}`,
		`{"Name":"x","Endpoints":{"docker":null}}`,
		`{"Endpoints":{"docker":{"Host":"://"}}}`,
		`{"Endpoints":{"docker":{"Host":"tcp:// a"}}}`,
		`{"Endpoints":{"docker":{"Host":"tcp://a\u001b[31m"}}}`,
		`{"Endpoints":{"docker":{"Host":5}}}`,
		`{"Endpoints":{"docker":"tcp://x"}}`,
		`{"Endpoints":[]}`, `null`, `[]`, ``, `{`, "\xff",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		info, err := parseContextMeta(b)
		if err != nil {
			if info != (ContextInfo{}) {
				t.Errorf("an error with a result: %+v", info)
			}
			return
		}
		scheme, rest, ok := strings.Cut(info.Host, "://")
		if !ok || scheme == "" || rest == "" || strings.ContainsFunc(info.Host, func(r rune) bool { return r == ' ' || unicode.IsControl(r) }) {
			t.Fatalf("accepted Host %q", info.Host)
		}
		again, err := json.Marshal(map[string]any{"Name": info.Name, "Endpoints": map[string]any{
			"docker": map[string]any{"Host": info.Host, "SkipTLSVerify": info.SkipTLSVerify}}})
		if err != nil {
			t.Fatal(err)
		}
		back, err := parseContextMeta(again)
		if err != nil || back != info {
			t.Errorf("round trip: %+v, %v; want %+v", back, err, info)
		}
	})
}

// ListContexts lists what the docker CLI would list: "default" first, then each usable
// context by name; a broken meta.json, one without its name, or one filed under another
// name's hash is left out.
func TestListContexts(t *testing.T) {
	dir := t.TempDir()
	writeContext(t, dir, "hctx-ssh", `{"Name":"hctx-ssh","Endpoints":{"docker":{"Host":"ssh://me@box"}}}`)
	writeContext(t, dir, "hctx-tls", `{"Name":"hctx-tls","Endpoints":{"docker":{"Host":"tcp://127.0.0.1:23750"}}}`, "ca.pem", "cert.pem", "key.pem")
	writeContext(t, dir, "hctx-broken", `{"Name":`)
	writeContext(t, dir, "hctx-noname", `{"Endpoints":{"docker":{"Host":"tcp://h:2376"}}}`)
	writeContext(t, dir, "hctx-elsewhere", `{"Name":"hctx-other","Endpoints":{"docker":{"Host":"tcp://h:2376"}}}`)
	got := ListContexts([]string{"DOCKER_CONFIG=" + dir, "DOCKER_HOST=", "DOCKER_TLS_VERIFY="})
	want := []ContextInfo{{Name: "default", Host: defaultDockerHost()}, {Name: "hctx-ssh", Host: "ssh://me@box"}, {Name: "hctx-tls", Host: "tcp://127.0.0.1:23750", TLS: true}}
	if !slices.Equal(got, want) {
		t.Fatalf("ListContexts = %+v, want %+v", got, want)
	}
	if got := ListContexts([]string{"DOCKER_CONFIG=" + t.TempDir(), "DOCKER_HOST="}); len(got) != 1 || got[0].Name != "default" {
		t.Fatalf("an empty store: %+v", got)
	}
}
