package compose_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/catalog"
	"github.com/devarch/devarch/backend/compose"
	"github.com/devarch/devarch/backend/compose/composetest"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/resolve"
	"github.com/devarch/devarch/backend/wiring"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// goldenCases are the stacks whose compose files are kept in testdata/NAME.golden.
func goldenCases() map[string]model.EffectiveStack {
	return map[string]model.EffectiveStack{
		"laravel":              laravelStack(false),
		"minimal":              {Name: "min", Services: []model.EffectiveService{{Instance: "web", Template: "nginx", Spec: model.Spec{"image": "nginx:1.27"}}}},
		"secrets_and_dollars":  secretsStack(),
		"ports_all_interfaces": portsStack("public", "0.0.0.0:8080:80", "[::]:8443:443"),
		"ports_udp_and_ranges": portsStack("dns", "5353:53/udp", "0.0.0.0:6000:6000/UDP", "9000-9002:9000-9002/tcp", "80", "127.0.0.1::81"),
		"user_labels": {Name: "lab", Services: []model.EffectiveService{{Instance: "web", Template: "nginx", Spec: model.Spec{
			"image":  "nginx:1.27",
			"labels": map[string]any{"traefik.enable": "true", "com.example.team": "web", "note": "costs $5", "empty": ""},
		}}}},
		"build": {Name: "dev", Services: []model.EffectiveService{
			{Instance: "api", Template: "custom", Spec: model.Spec{
				"build": map[string]any{"context": "./api", "dockerfile": "Dockerfile.dev", "target": "dev", "args": map[string]any{"GO_VERSION": "1.26", "LDFLAGS": "-X main.v=$VERSION"}},
			}},
			{Instance: "worker", Template: "custom", Spec: model.Spec{
				"image": "dev/worker:local",
				"build": map[string]any{"context": "./worker", "args": []any{"MODE=worker"}},
			}},
		}},
		"all_fields": allFieldsStack(),
		"wired":      wiredStack(),
		// A project root: relative bind sources and build contexts become absolute under it
		// (a root holding a space and a dollar, escaped); named volumes get the stack's
		// prefix and its labels. The stack's subnet from DevArch's pool becomes the network's
		// ipam config and its dev.devarch.subnet label.
		"project_root": {Name: "shop", Root: "/home/me/src/my $hop", VolumePrefix: "devarch-shop-0a1b2c3d_", Installation: "8f2c1e4a-0b6d-4c3e-9a7f-1d2e3f405162",
			Subnet: "10.200.3.0/24",
			Services: []model.EffectiveService{{Instance: "web", Template: "nginx", Spec: model.Spec{
				"image":   "nginx:1.27",
				"volumes": []any{"./public:/usr/share/nginx/html:ro", "../shared:/shared", "/etc/hosts:/etc/hosts:ro", "data:/data", "/anon"},
				"build":   map[string]any{"context": "./web"},
			}}}},
	}
}

// wiredStack is built the way the engine builds a stack: built-in templates resolved with
// overrides, then wired (backend/wiring): php-fpm consumes mysql, redis and smtp; redis's
// healthcheck is removed by an override, so app waits for it with service_started and for
// the others with service_healthy; DB_PORT set by hand wins over the wire.
func wiredStack() model.EffectiveStack {
	ts, err := catalog.Builtins()
	if err != nil {
		panic(err)
	}
	templates := map[string]model.Template{}
	for _, t := range ts {
		templates[t.Name] = t
	}
	instances := []model.Instance{
		{Stack: "shop", Name: "app", Template: "php-fpm", Overrides: model.Spec{"environment": map[string]any{"DB_PORT": "3307"}}},
		{Stack: "shop", Name: "db", Template: "mysql"},
		{Stack: "shop", Name: "mail", Template: "mailpit"},
		{Stack: "shop", Name: "redis", Template: "redis", Overrides: model.Spec{"healthcheck": nil}},
	}
	st := model.EffectiveStack{Name: "shop"}
	for _, inst := range instances {
		es, err := resolve.Resolve(templates[inst.Template], inst)
		if err != nil {
			panic(err)
		}
		st.Services = append(st.Services, es)
	}
	r := wiring.Resolve(wiring.Input{Stack: "shop", Instances: wiring.FromStack(st.Services, templates, instances)})
	if len(r.Wires) != 3 || len(r.Problems) != 1 { // the shadowed DB_PORT
		panic(fmt.Sprintf("wiring: %+v %+v", r.Wires, r.Problems))
	}
	st.Services = r.ApplyTo(st.Services)
	return st
}

// laravelStack is app + mysql + redis. reversed builds every map and list of services in the
// opposite insertion order, for the determinism test.
func laravelStack(reversed bool) model.EffectiveStack {
	m := func(kv ...string) map[string]any {
		out := map[string]any{}
		for i := 0; i < len(kv); i += 2 {
			j := i
			if reversed {
				j = len(kv) - 2 - i
			}
			out[kv[j]] = kv[j+1]
		}
		return out
	}
	services := []model.EffectiveService{
		{Instance: "app", Template: "laravel", Spec: model.Spec{
			"image":       "php:8.3-cli",
			"command":     []any{"php", "artisan", "serve", "--host=0.0.0.0", "--port=8000"},
			"working_dir": "/var/www/html",
			"environment": m("APP_ENV", "local", "APP_KEY", "base64:c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI=", "DB_CONNECTION", "mysql", "DB_HOST", "db", "DB_PORT", "3306", "DB_DATABASE", "laravel", "DB_USERNAME", "laravel", "DB_PASSWORD", "laravel", "REDIS_HOST", "redis"),
			"ports":       []any{"8000:8000"},
			"volumes":     []any{"./src:/var/www/html", "vendor:/var/www/html/vendor"},
			"restart":     "unless-stopped",
		}, DependsOn: map[string]bool{"db": true, "redis": true}},
		{Instance: "db", Template: "mysql", Spec: model.Spec{
			"image":       "mysql:8.4",
			"environment": m("MYSQL_DATABASE", "laravel", "MYSQL_USER", "laravel", "MYSQL_PASSWORD", "laravel", "MYSQL_ROOT_PASSWORD", "root"),
			"ports":       []any{"3306:3306"},
			"volumes":     []any{"mysql-data:/var/lib/mysql"},
			"healthcheck": map[string]any{
				"test":         []any{"CMD-SHELL", "mysqladmin ping -h 127.0.0.1 -p$MYSQL_ROOT_PASSWORD"},
				"interval":     "5s",
				"timeout":      "3s",
				"retries":      float64(10),
				"start_period": "20s",
			},
			"restart": "unless-stopped",
		}},
		{Instance: "redis", Template: "redis", Spec: model.Spec{
			"image":       "redis:7-alpine",
			"command":     []any{"redis-server", "--appendonly", "yes"},
			"volumes":     []any{"redis-data:/data"},
			"healthcheck": map[string]any{"test": "redis-cli ping", "interval": "5s"},
		}},
	}
	if reversed {
		slices.Reverse(services)
	}
	return model.EffectiveStack{Name: "shop", Services: services}
}

func secretsStack() model.EffectiveStack {
	return model.EffectiveStack{Name: "vault", Services: []model.EffectiveService{{Instance: "api", Template: "custom", Spec: model.Spec{
		"image": "devarch-test/busybox:1",
		"environment": map[string]any{
			"DB_PASSWORD":   "${secret:db_password}",
			"DATABASE_URL":  "mysql://app:${secret:db_password}@db:3306/app?x=$y",
			"API_TOKEN":     "Bearer ${secret:api_token}",
			"LITERAL":       "$HOME and $$ and ${NOT_A_SECRET} and $",
			"NOT_A_REF":     "$${secret:db_password}",
			"PLAIN":         "no dollars",
			"SHELL_DEFAULT": "${FOO:-bar}",
		},
		"command": []any{"sh", "-c", "echo $PATH ${secret:api_token}"},
		"labels":  map[string]any{"price": "$5"},
		"healthcheck": map[string]any{
			"test": []any{"CMD-SHELL", "test -n \"$DB_PASSWORD\""},
		},
	}}}}
}

func portsStack(stack string, ports ...string) model.EffectiveStack {
	items := make([]any, len(ports))
	for i, p := range ports {
		items[i] = p
	}
	return model.EffectiveStack{Name: stack, Services: []model.EffectiveService{{Instance: "web", Template: "nginx", Spec: model.Spec{"image": "nginx:1.27", "ports": items}}}}
}

// allFieldsStack sets every field of model.ServiceFields, so the golden shows each one's
// rendering and the schema and compose checks cover all of them.
func allFieldsStack() model.EffectiveStack {
	spec := model.Spec{
		"image":             "devarch/all:1",
		"build":             map[string]any{"context": "./app", "dockerfile": "Dockerfile", "target": "dev", "args": []any{"A=1"}},
		"command":           []any{"serve", "--verbose"},
		"entrypoint":        []any{},
		"environment":       map[string]any{"A": "1"},
		"labels":            map[string]any{"team": "platform"},
		"ports":             []any{"8080:80"},
		"expose":            []any{"9000"},
		"volumes":           []any{"data:/data", "./conf:/conf:ro", "/anonymous"},
		"extra_hosts":       []any{"host.docker.internal:host-gateway"},
		"dns":               []any{"1.1.1.1"},
		"cap_add":           []any{"NET_ADMIN"},
		"cap_drop":          []any{"ALL"},
		"tmpfs":             []any{"/run"},
		"user":              "1000:1000",
		"working_dir":       "/app",
		"restart":           "on-failure",
		"hostname":          "custom-host",
		"platform":          "linux/amd64",
		"stop_signal":       "SIGTERM",
		"stop_grace_period": "10s",
		"shm_size":          "256m",
		"pull_policy":       "missing",
		"init":              true,
		"privileged":        false,
		"read_only":         true,
		"tty":               false,
		"stdin_open":        true,
		"healthcheck":       map[string]any{"test": "true", "interval": "10s", "timeout": "2s", "retries": 3, "start_period": "5s", "start_interval": "1s", "disable": false},
		"deploy":            map[string]any{"resources": map[string]any{"limits": map[string]any{"cpus": "0.5", "memory": "256M"}, "reservations": map[string]any{"memory": "64M"}}},
		"logging":           map[string]any{"driver": "json-file", "options": map[string]any{"max-size": "10m", "max-file": "3"}},
		"ulimits":           map[string]any{"nofile": map[string]any{"soft": float64(1024), "hard": float64(4096)}, "nproc": float64(512)},
		// ${env.A} is filled from environment, ${env.NONE} is empty, $uri stays literal ($$),
		// the secret becomes interpolation.
		"configs": map[string]any{
			"/etc/app/app.conf": "a = ${env.A}\nnone = [${env.NONE}]\ntry_files $uri;\npassword = ${secret:db_password}\n",
			"/etc/motd":         "hello\n",
		},
		// The instance's own depends_on wins over wiring's entry for side.
		"depends_on":      map[string]any{"side": map[string]any{"condition": "service_completed_successfully", "required": false, "restart": true}},
		"network_aliases": []any{"All_Old", "all.legacy"},
		"secrets": map[string]any{
			"/run/secrets/api_key": map[string]any{"source": "${secret:api_key}"},
			"/etc/app/token":       map[string]any{"source": "${secret:db_password}", "uid": "1000", "gid": "1000", "mode": float64(0o440)},
		},
	}
	return model.EffectiveStack{Name: "every", Services: []model.EffectiveService{
		{Instance: "all", Template: "custom", Spec: spec, DependsOn: map[string]bool{"side": false}},
		{Instance: "side", Template: "custom", Spec: model.Spec{"image": "devarch/side:1"}},
	}}
}

func generate(t *testing.T, st model.EffectiveStack) []byte {
	t.Helper()
	out, err := compose.Generate(st)
	if err != nil {
		t.Fatalf("Generate(%s): %v", st.Name, err)
	}
	return out
}

func TestGenerate_Golden(t *testing.T) {
	for _, name := range slices.Sorted(maps.Keys(goldenCases())) {
		t.Run(name, func(t *testing.T) {
			got := generate(t, goldenCases()[name])
			path := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run `go test ./backend/compose -update` to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from %s (run with -update if the change is intended):\n--- got\n%s\n--- want\n%s", path, got, want)
			}
		})
	}
}

// readGolden returns a golden file as stored (TestGenerate_Golden keeps it equal to the output).
func readGolden(t *testing.T, name string) []byte {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join("testdata", name+".golden"))
	if err != nil {
		t.Fatalf("%v (run `go test ./backend/compose -update` to create it)", err)
	}
	return doc
}

// TestGenerate_GoldensMatchSchema validates every golden against the official compose-spec
// JSON schema.
func TestGenerate_GoldensMatchSchema(t *testing.T) {
	schema := composetest.SchemaPath(t)
	files, _ := filepath.Glob(filepath.Join("testdata", "*.golden"))
	if len(files) != len(goldenCases()) {
		t.Errorf("testdata holds %d golden files for %d cases: remove stale ones", len(files), len(goldenCases()))
	}
	for _, name := range slices.Sorted(maps.Keys(goldenCases())) {
		t.Run(name, func(t *testing.T) {
			if err := composetest.ValidateSchema(readGolden(t, name), schema); err != nil {
				t.Errorf("schema: %v", err)
			}
		})
	}
}

// TestGenerate_ComposeAcceptsGoldens runs the real `docker compose config --quiet` on every
// golden, with the secret variables it interpolates set.
func TestGenerate_ComposeAcceptsGoldens(t *testing.T) {
	for _, name := range slices.Sorted(maps.Keys(goldenCases())) {
		t.Run(name, func(t *testing.T) {
			st := goldenCases()[name]
			if out, err := composetest.Config(t, readGolden(t, name), secretEnv(st), "--quiet"); err != nil {
				t.Errorf("compose config: %v\n%s", err, out)
			}
		})
	}
}

// TestGenerate_SchemaRejectsBrokenFile proves the schema check can fail.
func TestGenerate_SchemaRejectsBrokenFile(t *testing.T) {
	schema := composetest.SchemaPath(t)
	if err := composetest.ValidateSchema([]byte("services:\n  a:\n    image: x\n    no_such_field: 1\n"), schema); err == nil {
		t.Fatal("a service with an unknown field passed the schema")
	}
}

func secretEnv(st model.EffectiveStack) []string {
	var env []string
	for _, name := range compose.SecretRefs(st) {
		env = append(env, compose.SecretEnvVar(name)+"=value of "+name+" with $dollar")
	}
	return env
}

// TestGenerate_ComposeReadsLiteralValues checks the meaning of the file, as compose resolves
// it: user values come out exactly as written, secret references as the variables' values,
// and names, ports and volumes as DOMAIN.md says.
func TestGenerate_ComposeReadsLiteralValues(t *testing.T) {
	type resolved struct {
		Name     string
		Services map[string]struct {
			ContainerName string            `json:"container_name"`
			Hostname      string            `json:"hostname"`
			Environment   map[string]string `json:"environment"`
			Labels        map[string]string `json:"labels"`
			Command       []string          `json:"command"`
			Ports         []struct {
				HostIP    string `json:"host_ip"`
				Published string `json:"published"`
				Target    int    `json:"target"`
				Protocol  string `json:"protocol"`
			} `json:"ports"`
			DependsOn map[string]struct {
				Condition string `json:"condition"`
			} `json:"depends_on"`
			Healthcheck struct {
				Test []string `json:"test"`
			} `json:"healthcheck"`
		}
		Networks map[string]struct {
			Name     string
			External bool
			Labels   map[string]string
		}
		Volumes map[string]struct{ Name string }
	}
	config := func(t *testing.T, st model.EffectiveStack) resolved {
		out, err := composetest.Config(t, generate(t, st), secretEnv(st), "--format", "json")
		if err != nil {
			t.Fatalf("compose config: %v", err)
		}
		// compose prints a file it would read back the same, so it escapes every `$` of the
		// resolved values again; undo that to see the values containers get.
		out = bytes.ReplaceAll(out, []byte("$$"), []byte("$"))
		var r resolved
		if err := json.Unmarshal(out, &r); err != nil {
			t.Fatalf("decoding compose config: %v\n%s", err, out)
		}
		return r
	}

	t.Run("secrets and dollars", func(t *testing.T) {
		r := config(t, secretsStack())
		api := r.Services["api"]
		wantEnv := map[string]string{
			"DB_PASSWORD":   "value of db_password with $dollar",
			"DATABASE_URL":  "mysql://app:value of db_password with $dollar@db:3306/app?x=$y",
			"API_TOKEN":     "Bearer value of api_token with $dollar",
			"LITERAL":       "$HOME and $$ and ${NOT_A_SECRET} and $",
			"NOT_A_REF":     "$value of db_password with $dollar",
			"PLAIN":         "no dollars",
			"SHELL_DEFAULT": "${FOO:-bar}",
		}
		for k, want := range wantEnv {
			if got := api.Environment[k]; got != want {
				t.Errorf("environment %s = %q, want %q", k, got, want)
			}
		}
		if got, want := strings.Join(api.Command, " "), "sh -c echo $PATH value of api_token with $dollar"; got != want {
			t.Errorf("command = %q, want %q", got, want)
		}
		if got := api.Labels["price"]; got != "$5" {
			t.Errorf("label price = %q, want $5", got)
		}
		if got := strings.Join(api.Healthcheck.Test, " "); got != `CMD-SHELL test -n "$DB_PASSWORD"` {
			t.Errorf("healthcheck test = %q", got)
		}
	})

	t.Run("names ports volumes dependencies", func(t *testing.T) {
		r := config(t, laravelStack(false))
		if r.Name != "devarch-shop" {
			t.Errorf("project = %q", r.Name)
		}
		app, db := r.Services["app"], r.Services["db"]
		if app.ContainerName != "devarch-shop-app" || app.Hostname != "app" {
			t.Errorf("app container_name, hostname = %q, %q", app.ContainerName, app.Hostname)
		}
		for _, l := range []string{model.LabelStack, model.LabelInstance, model.LabelTemplate, model.LabelConfigHash} {
			if app.Labels[l] == "" {
				t.Errorf("app lacks label %s: %v", l, app.Labels)
			}
		}
		if len(db.Ports) != 1 || db.Ports[0].HostIP != "127.0.0.1" || db.Ports[0].Published != "3306" || db.Ports[0].Target != 3306 {
			t.Errorf("db ports = %+v, want 127.0.0.1:3306 -> 3306", db.Ports)
		}
		if app.DependsOn["db"].Condition != "service_healthy" || app.DependsOn["redis"].Condition != "service_healthy" {
			t.Errorf("app depends_on = %+v", app.DependsOn)
		}
		net := r.Networks["default"]
		if net.Name != "devarch-shop-net" || net.External || net.Labels[model.LabelStack] != "shop" {
			t.Errorf("default network = %+v", net)
		}
		for vol, want := range map[string]string{"db-mysql-data": "devarch-shop_db-mysql-data", "app-vendor": "devarch-shop_app-vendor", "redis-redis-data": "devarch-shop_redis-redis-data"} {
			if got := r.Volumes[vol].Name; got != want {
				t.Errorf("volume %s is named %q, want %q", vol, got, want)
			}
		}
		if want := []string{"CMD-SHELL", "mysqladmin ping -h 127.0.0.1 -p$MYSQL_ROOT_PASSWORD"}; !slices.Equal(db.Healthcheck.Test, want) {
			t.Errorf("db healthcheck = %q, want %q", db.Healthcheck.Test, want)
		}
	})

	t.Run("container-only port stays on 127.0.0.1", func(t *testing.T) {
		r := config(t, portsStack("one", "80"))
		p := r.Services["web"].Ports
		if len(p) != 1 || p[0].HostIP != "127.0.0.1" || p[0].Published != "" || p[0].Target != 80 {
			t.Errorf("ports = %+v, want 127.0.0.1, random host port -> 80", p)
		}
	})
}

// TestGenerate_Deterministic: repeated generation, and the same stack built with maps and
// services in another insertion order, give identical bytes.
func TestGenerate_Deterministic(t *testing.T) {
	first := generate(t, laravelStack(false))
	for i := range 50 {
		if got := generate(t, laravelStack(i%2 == 1)); !bytes.Equal(got, first) {
			t.Fatalf("run %d differs:\n%s\n--- first\n%s", i, got, first)
		}
	}
	all := generate(t, allFieldsStack())
	for i := range 20 {
		if got := generate(t, allFieldsStack()); !bytes.Equal(got, all) {
			t.Fatalf("all_fields run %d differs", i)
		}
	}
}

// TestGenerate_EveryModelFieldIsRendered ties package compose to the model's field table: a
// field added there without a mapping here fails.
func TestGenerate_EveryModelFieldIsRendered(t *testing.T) {
	st := allFieldsStack()
	out := string(generate(t, st))
	for _, f := range model.ServiceFields {
		if _, ok := st.Services[0].Spec[f.Name]; !ok {
			t.Errorf("allFieldsStack does not set %q", f.Name)
		}
		key := f.Name
		if key == "network_aliases" {
			key = "networks" // networks: {default: {aliases: [...]}}
		}
		if !strings.Contains(out, "\n    "+key+":") {
			t.Errorf("field %q is not in the output", f.Name)
		}
	}
}
