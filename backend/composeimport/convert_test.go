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

// TestConvert_StartOrderAliasesSecrets: depends_on, a renamed service's old name and
// compose secrets land in the instances' overrides; secret values only in Secrets, never
// in a template or the generated file; the report says what happened to each.
func TestConvert_StartOrderAliasesSecrets(t *testing.T) {
	_, res := load(t, "deps", []string{"compose.yaml"}, nil)
	want := map[string]string{"api_key": "k3y-from-a-file\n", "db_token": "tok-0123456789", "signing_key": "sign-from-dotenv-42"}
	if !reflect.DeepEqual(res.Secrets, want) || len(res.MissingSecrets) != 0 {
		t.Fatalf("secrets %q missing %v, want %q", res.Secrets, res.MissingSecrets, want)
	}
	over := map[string]model.Spec{}
	for _, in := range res.Instances {
		over[in.Name] = in.Overrides
	}
	if got := fmt.Sprint(over["legacy-db"]["network_aliases"]); got != "[Legacy_DB]" {
		t.Errorf("legacy-db aliases %s", got)
	}
	wantDeps := map[string]any{
		"legacy-db": map[string]any{"condition": "service_healthy", "restart": true},
		"migrate":   map[string]any{"condition": "service_completed_successfully"},
		"cache":     map[string]any{"condition": "service_started", "required": false},
	}
	if !reflect.DeepEqual(over["app"]["depends_on"], wantDeps) {
		t.Errorf("app depends_on %#v", over["app"]["depends_on"])
	}
	wantFiles := map[string]any{
		"/run/secrets/api_key": map[string]any{"source": "${secret:api_key}"},
		"/etc/app/token":       map[string]any{"source": "${secret:db_token}", "uid": "1000", "gid": "1000", "mode": float64(0o440)},
		"/run/secrets/signing": map[string]any{"source": "${secret:signing_key}"},
	}
	if !reflect.DeepEqual(over["app"]["secrets"], wantFiles) {
		t.Errorf("app secrets %#v", over["app"]["secrets"])
	}
	doc, err := compose.Generate(effective(t, res))
	if err != nil {
		t.Fatal(err)
	}
	for _, tpl := range res.Templates {
		b, _ := catalog.Marshal(tpl)
		doc = append(doc, b...)
	}
	for name, v := range want {
		if strings.Contains(string(doc), strings.TrimSpace(v)) {
			t.Errorf("secret %s's value is in a template or the generated file", name)
		}
	}
	report := map[string]Finding{}
	for _, f := range res.Report {
		report[f.Path] = f
	}
	for path, says := range map[string]string{
		"services.Legacy_DB":                    "Legacy_DB stays its network alias",
		"secrets.api_key":                       "stored encrypted as the stack secret api_key",
		"secrets.signing_key":                   "$SIGNING_KEY at import",
		"services.app.depends_on.migrate":       "", // carried as it is: apply runs migrate as a one-shot job
		"services.migrate.depends_on.Legacy_DB": "",
	} {
		if says == "" {
			if _, ok := report[path]; ok {
				t.Errorf("%s reported: %+v", path, report[path])
			}
			continue
		}
		if f := report[path]; f.Change != Changed || !strings.Contains(f.Detail, says) {
			t.Errorf("%s: %+v, want changed saying %q", path, f, says)
		}
	}
}

// TestConvert_SecretEdgeCases: a variable nothing sets makes a missing secret (applied
// only once set); a file too large for a secret stays a read-only bind mount; an
// unreadable file and an external secret are reported not carried.
func TestConvert_SecretEdgeCases(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "big.pem", strings.Repeat("x", 70<<10))
	write(t, dir, "compose.yaml", `services:
  a:
    image: busybox
    secrets: [tok, big, gone, ext, empty]
secrets:
  tok: {environment: NOT_SET_ANYWHERE}
  big: {file: ./big.pem}
  gone: {file: ./missing.txt}
  ext: {external: true}
  empty: {file: ./empty.txt}
`)
	write(t, dir, "empty.txt", "")
	// A FIFO nobody writes to would block a read forever.
	if err := mkfifo(filepath.Join(dir, "fifo")); err != nil {
		t.Fatal(err)
	}
	write(t, dir, "compose.override.yaml", "secrets:\n  pipe: {file: ./fifo}\n")
	p, err := Load(context.Background(), LoadOptions{Files: []string{filepath.Join(dir, "compose.yaml"), filepath.Join(dir, "compose.override.yaml")}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Convert(p, "shop")
	if err != nil {
		t.Fatal(err)
	}
	if f := findingAt(res.Report, "secrets.pipe"); f.Change != NotCarried || !strings.Contains(f.Detail, "not a regular file") {
		t.Errorf("secrets.pipe: %+v", f)
	}
	if fmt.Sprint(res.MissingSecrets) != "[empty tok]" || len(res.Secrets) != 0 {
		t.Errorf("missing %v, secrets %v", res.MissingSecrets, res.Secrets)
	}
	files, _ := res.Instances[0].Overrides["secrets"].(map[string]any)
	if len(files) != 2 || files["/run/secrets/tok"] == nil || files["/run/secrets/empty"] == nil {
		t.Errorf("secret files %v", files)
	}
	if vols := fmt.Sprint(res.Templates[0].Service["volumes"]); vols != "[./big.pem:/run/secrets/big:ro]" {
		t.Errorf("volumes %s, want the large file bind-mounted", vols)
	}
	report := map[string]Finding{}
	for _, f := range res.Report {
		report[f.Path] = f
	}
	for path, change := range map[string]string{"secrets.tok": Changed, "secrets.big": Changed, "secrets.gone": NotCarried, "secrets.ext": NotCarried,
		"secrets.empty": Changed, "services.a.secrets[2]": NotCarried, "services.a.secrets[3]": NotCarried, "services.a.secrets[1]": Changed} {
		if f, ok := report[path]; !ok || f.Change != change || f.Detail == "" {
			t.Errorf("%s: %+v, want %s", path, f, change)
		}
	}
	if !strings.Contains(report["secrets.tok"].Detail, "devarch secret set") {
		t.Errorf("the missing secret's finding does not say how to set it: %s", report["secrets.tok"].Detail)
	}
}

func findingAt(report []Finding, path string) Finding {
	for _, f := range report {
		if f.Path == path {
			return f
		}
	}
	return Finding{}
}
