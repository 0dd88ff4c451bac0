package composeimport

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/catalog"
	"github.com/devarch/devarch/backend/compose"
	"github.com/devarch/devarch/backend/compose/composetest"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/resolve"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
)

// corpus are the projects under testdata, with the files and profiles compose is given.
var corpus = []struct {
	name     string
	files    []string
	profiles []string
}{
	{"webapp", []string{"compose.yaml"}, []string{"debug"}},
	{"multi", []string{"compose.yaml", "compose.override.yaml"}, nil},
	{"include", []string{"compose.yaml"}, nil},
	{"deps", []string{"compose.yaml"}, nil},
}

func load(t *testing.T, name string, files, profiles []string) (*Project, Result) {
	t.Helper()
	var paths []string
	for _, f := range files {
		paths = append(paths, filepath.Join("testdata", name, f))
	}
	p, err := Load(context.Background(), LoadOptions{Files: paths, Profiles: profiles})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Convert(p, "shop")
	if err != nil {
		t.Fatal(err)
	}
	return p, res
}

// effective resolves the imported stack as the engine would before generating its file.
func effective(t *testing.T, res Result) model.EffectiveStack {
	t.Helper()
	st := model.EffectiveStack{Name: "shop", Root: res.Root}
	for i, in := range res.Instances {
		es, err := resolve.Resolve(res.Templates[i], in)
		if err != nil {
			t.Fatalf("instance %s does not resolve: %v", in.Name, err)
		}
		st.Services = append(st.Services, es)
	}
	return st
}

// configJSON is `docker compose config --format json` reduced to what the test compares.
type configJSON struct {
	Services map[string]map[string]any `json:"services"`
}

// TestConvert_MatchesComposeConfig: the file DevArch generates for an imported project,
// read by the real `docker compose config`, matches the original project read the same
// way on every carried field; what differs is only what the report names.
func TestConvert_MatchesComposeConfig(t *testing.T) {
	eng := runtimetest.RequireCompose(t)
	for _, c := range corpus {
		t.Run(c.name, func(t *testing.T) {
			_, res := load(t, c.name, c.files, c.profiles)
			dir, _ := filepath.Abs(filepath.Join("testdata", c.name))
			args := []string{"--project-directory", dir}
			for _, f := range c.files {
				args = append(args, "-f", filepath.Join(dir, f))
			}
			for _, p := range c.profiles {
				args = append(args, "--profile", p)
			}
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			orig, err := eng.RunCompose(ctx, append(args, "config", "--format", "json"), runtime.RunOptions{Dir: dir})
			if err != nil {
				t.Fatalf("compose config of the original: %v", err)
			}
			st := effective(t, res)
			doc, err := compose.Generate(st)
			if err != nil {
				t.Fatalf("generating the imported stack's file: %v", err)
			}
			var env []string
			for _, name := range compose.SecretRefs(st) {
				env = append(env, compose.SecretEnvVar(name)+"="+res.Secrets[name])
			}
			gen, err := composetest.Config(t, doc, env, "--format", "json")
			if err != nil {
				t.Fatalf("compose config of the generated file: %v\n%s", err, doc)
			}
			var want, got configJSON
			if err := json.Unmarshal(orig.Stdout, &want); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(gen, &got); err != nil {
				t.Fatal(err)
			}
			if len(got.Services) != len(want.Services) {
				t.Fatalf("%d services, want %d", len(got.Services), len(want.Services))
			}
			reported := map[string]bool{}
			for _, f := range res.Report {
				reported[f.Path] = true
			}
			for name, w := range want.Services {
				g, ok := got.Services[instanceName(name)]
				if !ok {
					t.Fatalf("service %s is missing from the generated file", name)
				}
				compareService(t, name, w, g, reported)
			}
		})
	}
}

// compareService compares the carried fields of one service. Environment and labels may
// gain DevArch's own entries; a field the report names may differ.
func compareService(t *testing.T, name string, want, got map[string]any, reported map[string]bool) {
	t.Helper()
	path := "services." + name
	if want["restart"] == nil {
		want["restart"] = "no" // compose's default, which the import writes out
	}
	for _, key := range []string{"image", "command", "entrypoint", "working_dir", "user", "restart", "init", "stop_grace_period",
		"healthcheck", "cap_add", "extra_hosts", "read_only", "privileged", "deploy", "logging", "ulimits", "stop_signal", "expose", "dns"} {
		if reported[path+"."+key] {
			continue
		}
		if !reflect.DeepEqual(want[key], got[key]) {
			t.Errorf("%s.%s: generated %v, original %v", path, key, got[key], want[key])
		}
	}
	for _, key := range []string{"environment", "labels"} {
		w, _ := want[key].(map[string]any)
		g, _ := got[key].(map[string]any)
		for k, v := range w {
			if reported[path+"."+key+"."+k] && g[k] == nil {
				continue
			}
			if g[k] != v {
				t.Errorf("%s.%s.%s: generated %v, original %v", path, key, k, g[k], v)
			}
		}
	}
	if w, ok := want["build"].(map[string]any); ok {
		g, _ := got["build"].(map[string]any)
		for _, k := range []string{"context", "dockerfile", "args", "target"} {
			if !reflect.DeepEqual(w[k], g[k]) {
				t.Errorf("%s.build.%s: generated %v, original %v", path, k, g[k], w[k])
			}
		}
	}
	// Ports: the same container ports, published on the same host ports; the address
	// differs only where the report says so.
	if tmpfsSet(want) != tmpfsSet(got) {
		t.Errorf("%s.tmpfs: generated %v, original %v", path, tmpfsSet(got), tmpfsSet(want))
	}
	if portSet(want["ports"], path, reported) != portSet(got["ports"], path, reported) {
		t.Errorf("%s.ports: generated %v, original %v", path, got["ports"], want["ports"])
	}
	// Volumes: binds mount the same host paths, named volumes the same targets (their
	// names are DevArch's), read-only as before.
	if mounts(want["volumes"]) != mounts(got["volumes"]) {
		t.Errorf("%s.volumes: generated %v, original %v", path, mounts(got["volumes"]), mounts(want["volumes"]))
	}
	// depends_on: the same services (by their instance names), each with the same
	// condition, required and restart.
	if w, g := dependencies(want["depends_on"]), dependencies(got["depends_on"]); w != g {
		t.Errorf("%s.depends_on: generated %s, original %s", path, g, w)
	}
	// Secrets: the same files (where compose puts them), with the same owner and mode,
	// from the stack secret the compose secret became.
	if w, g := secretFiles(want["secrets"], true), secretFiles(got["secrets"], false); w != g {
		t.Errorf("%s.secrets: generated %s, original %s", path, g, w)
	}
	// A renamed service answers to its old name on the stack network.
	if in := instanceName(name); in != name {
		nets, _ := got["networks"].(map[string]any)
		def, _ := nets["default"].(map[string]any)
		if aliases := fmt.Sprint(def["aliases"]); aliases != "["+name+"]" {
			t.Errorf("%s: renamed to %s with network aliases %s, want [%s]", path, in, aliases, name)
		}
	}
}

// dependencies is a depends_on as compose config writes it, keyed by instance name.
func dependencies(v any) string {
	m, _ := v.(map[string]any)
	var out []string
	for dep, x := range m {
		c := x.(map[string]any)
		out = append(out, fmt.Sprintf("%s:%v required=%v restart=%v", instanceName(dep), c["condition"], c["required"], c["restart"]))
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}

// secretFiles is a service's secrets as compose config writes them: target (made absolute
// the way compose places it), owner and mode, and the source as the stack secret it
// becomes (original) or is (generated).
func secretFiles(v any, original bool) string {
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		m := x.(map[string]any)
		src := fmt.Sprint(m["source"])
		if original {
			src = fileSecretName(src)
		}
		target, _ := m["target"].(string)
		switch {
		case target == "":
			target = "/run/secrets/" + fmt.Sprint(m["source"])
		case !strings.HasPrefix(target, "/"):
			target = "/run/secrets/" + target
		}
		out = append(out, fmt.Sprintf("%s<-%s uid=%v gid=%v mode=%v", target, src, m["uid"], m["gid"], m["mode"]))
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}

// tmpfsSet is where a service mounts tmpfs, by either syntax (the import writes long
// syntax tmpfs volumes as tmpfs entries).
func tmpfsSet(svc map[string]any) string {
	var out []string
	list, _ := svc["tmpfs"].([]any)
	for _, x := range list {
		out = append(out, fmt.Sprint(x))
	}
	vols, _ := svc["volumes"].([]any)
	for _, x := range vols {
		if m := x.(map[string]any); m["type"] == "tmpfs" {
			out = append(out, fmt.Sprint(m["target"]))
		}
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}

// portSet lists ports in entry order: the import keeps it, so a reported entry's address
// may differ on both sides.
func portSet(v any, path string, reported map[string]bool) string {
	var out []string
	list, _ := v.([]any)
	for i, x := range list {
		p := x.(map[string]any)
		ip := fmt.Sprint(p["host_ip"])
		if reported[fmt.Sprintf("%s.ports[%d]", path, i)] {
			ip = "(changed)"
		}
		out = append(out, fmt.Sprintf("%v:%v->%v/%v", ip, p["published"], p["target"], p["protocol"]))
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}

func mounts(v any) string {
	var out []string
	list, _ := v.([]any)
	for _, x := range list {
		m := x.(map[string]any)
		if m["type"] == "tmpfs" {
			continue // compared by tmpfsSet
		}
		src := fmt.Sprint(m["source"])
		if m["type"] == "volume" {
			src = "(volume)"
		}
		out = append(out, fmt.Sprintf("%v %s:%v ro=%v", m["type"], src, m["target"], m["read_only"]))
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}

// TestConvert_Report: every change is named, with its path; nothing is dropped silently.
func TestConvert_Report(t *testing.T) {
	_, web := load(t, "webapp", []string{"compose.yaml"}, []string{"debug"})
	_, multi := load(t, "multi", []string{"compose.yaml", "compose.override.yaml"}, nil)
	want := map[string]string{
		"services.web.container_name":               Replaced,
		"services.web.ports[0]":                     Changed,
		"services.db.environment.POSTGRES_PASSWORD": Changed,
		"services.web.environment.DATABASE_URL":     Changed,
		"services.My_Worker":                        Changed,
		"services.My_Worker.networks":               Replaced,
		"services.My_Worker.sysctls":                NotCarried,
		"services.My_Worker.ports[2]":               Changed,
		"services.cache.mem_limit":                  NotCarried,
		"services.cache.environment.FROM_SHELL":     NotCarried,
		"networks.backend":                          NotCarried,
		"volumes.shared":                            Changed,
		"secrets.api_key":                           Changed,
	}
	got := map[string]Finding{}
	for _, f := range append(slices.Clone(web.Report), multi.Report...) {
		got[f.Path] = f
	}
	for path, change := range want {
		f, ok := got[path]
		if !ok {
			t.Errorf("no finding for %s", path)
			continue
		}
		if f.Change != change || f.Detail == "" {
			t.Errorf("%s: %s %q, want %s with a reason", path, f.Change, f.Detail, change)
		}
	}
	// A project using only what DevArch has is carried whole: the report names the moved
	// password and nothing else (a field DevArch supports but the import missed would be
	// reported "not carried" here).
	_, inc := load(t, "include", []string{"compose.yaml"}, nil)
	if len(inc.Report) != 1 || inc.Report[0].Path != "services.db.environment.MARIADB_ROOT_PASSWORD" {
		t.Errorf("include project's report: %+v, want only the moved password", inc.Report)
	}
	if f := got["services.My_Worker.ports[2]"]; !strings.Contains(f.Detail, "0.0.0.0:5353:53/udp") {
		t.Errorf("the udp port's fix should keep the protocol: %q", f.Detail)
	}
	// The profile chose the debug service; without it, the project has two services.
	if len(web.Instances) != 3 {
		t.Errorf("%d instances with --profile debug, want 3", len(web.Instances))
	}
	_, noDebug := load(t, "webapp", []string{"compose.yaml"}, nil)
	if len(noDebug.Instances) != 2 {
		t.Errorf("%d instances without the profile, want 2", len(noDebug.Instances))
	}
}

// TestConvert_NoPlaintextSecrets: a password from .env reaches no template, in any form the
// store or an export would hold; it is a stack secret, referenced.
func TestConvert_NoPlaintextSecrets(t *testing.T) {
	_, res := load(t, "webapp", []string{"compose.yaml"}, nil)
	if res.Secrets["db_postgres_password"] != "s3cret-from-dotenv" {
		t.Fatalf("secrets %v, want db_postgres_password from .env", res.Secrets)
	}
	for _, tpl := range res.Templates {
		doc, err := catalog.Marshal(tpl)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(doc), "s3cret-from-dotenv") {
			t.Errorf("template %s holds the password:\n%s", tpl.Name, doc)
		}
		back, err := catalog.Parse(doc, false)
		if err != nil {
			t.Fatalf("template %s does not parse back: %v\n%s", tpl.Name, err, doc)
		}
		if !reflect.DeepEqual(back.Service, tpl.Service) {
			t.Errorf("template %s changes through its document:\n got %#v\nwant %#v", tpl.Name, back.Service, tpl.Service)
		}
	}
}

// TestConvert_Names: service names become instance names; a clash after renaming, and a
// name too long for the stack, are errors naming the services.
func TestConvert_Names(t *testing.T) {
	for in, want := range map[string]string{"web": "web", "My_App": "my-app", "api.v2": "api-v2", "__": "service", "a--b": "a--b"} {
		if got := instanceName(in); got != want {
			t.Errorf("instanceName(%q) = %q, want %q", in, got, want)
		}
	}
	dir := t.TempDir()
	write(t, dir, "compose.yaml", "services:\n  My_App: {image: busybox}\n  my-app: {image: busybox}\n")
	p, err := Load(context.Background(), LoadOptions{Files: []string{filepath.Join(dir, "compose.yaml")}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Convert(p, "shop")
	requireInvalid(t, err, "both become instance my-app")
	write(t, dir, "compose.yaml", "services:\n  "+strings.Repeat("a", 60)+": {image: busybox}\n")
	p, err = Load(context.Background(), LoadOptions{Files: []string{filepath.Join(dir, "compose.yaml")}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Convert(p, "shop")
	requireInvalid(t, err, "characters")
	_, err = Convert(p, "Bad Name")
	requireInvalid(t, err, "")
}

// TestLoad_Errors: bad input gets a clear error naming the file or compose's complaint.
func TestLoad_Errors(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "syntax.yaml", "services:\n  web:\n    image: [\n")
	write(t, dir, "deps.yaml", "services:\n  web:\n    image: busybox\n    depends_on: [nope]\n")
	write(t, dir, "big.yaml", "# "+strings.Repeat("x", MaxFileSize)+"\n")
	write(t, dir, "none.yaml", "services: {}\n")
	bomb := "x-a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
	for i, prev := range []string{"a", "b", "c", "d", "e", "f", "g"} {
		name := string(rune('b' + i))
		bomb += fmt.Sprintf("x-%s: &%s [*%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s]\n", name, name, prev, prev, prev, prev, prev, prev, prev, prev, prev)
	}
	write(t, dir, "bomb.yaml", bomb+"services:\n  a: {image: x, command: *h}\n")
	for _, c := range []struct {
		files []string
		want  string
	}{
		{nil, "no compose file given"},
		{[]string{filepath.Join(dir, "missing.yaml")}, "does not exist"},
		{[]string{dir}, "is a folder"},
		{[]string{filepath.Join(dir, "big.yaml")}, "more than"},
		{[]string{filepath.Join(dir, "syntax.yaml")}, "compose cannot load the project"},
		{[]string{filepath.Join(dir, "deps.yaml")}, "compose cannot load the project"},
		{[]string{filepath.Join(dir, "bomb.yaml")}, "through YAML aliases"},
	} {
		start := time.Now()
		_, err := Load(context.Background(), LoadOptions{Files: c.files})
		requireInvalid(t, err, c.want)
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("refusing %v took %v", c.files, d)
		}
	}
	p, err := Load(context.Background(), LoadOptions{Files: []string{filepath.Join(dir, "none.yaml")}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Convert(p, "shop")
	requireInvalid(t, err, "no services")
}

func requireInvalid(t *testing.T, err error, want string) {
	t.Helper()
	var e *model.Error
	if !errors.As(err, &e) || e.Kind != model.KindInvalid {
		t.Fatalf("error %T %v, want an invalid *model.Error", err, err)
	}
	if !strings.Contains(e.Summary+" "+e.Detail, want) {
		t.Fatalf("error %q / %q does not say %q", e.Summary, e.Detail, want)
	}
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
