package compose_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/compose"
	"github.com/devarch/devarch/backend/model"
)

func oneService(spec model.Spec) model.EffectiveStack {
	return model.EffectiveStack{Name: "shop", Services: []model.EffectiveService{{Instance: "app", Template: "custom", Spec: spec}}}
}

// TestGenerate_Errors: every rejected input is a KindInvalid *model.Error naming the field
// path, the instance, and (in the detail) what is accepted.
func TestGenerate_Errors(t *testing.T) {
	img := func(kv ...any) model.Spec {
		s := model.Spec{"image": "nginx:1.27"}
		for i := 0; i < len(kv); i += 2 {
			s[kv[i].(string)] = kv[i+1]
		}
		return s
	}
	cases := []struct {
		name    string
		stack   model.EffectiveStack
		field   string
		summary string // substring of Summary
		detail  string // substring of Detail
	}{
		{"port not a number", oneService(img("ports", []any{"8080:80", "http"})), "ports[1]", `invalid port "http"`, `"8080:80"`},
		{"port out of range", oneService(img("ports", []any{"70000:80"})), "ports[0]", "host port 70000 is out of range 1-65535", "1-65535"},
		{"port zero", oneService(img("ports", []any{"0:80"})), "ports[0]", "host port 0 is out of range 1-65535", ""},
		{"container port not a number", oneService(img("ports", []any{"abc"})), "ports[0]", `container port "abc" is not a number`, ""},
		{"signed port", oneService(img("ports", []any{"+80"})), "ports[0]", `container port "+80" is not a number`, ""},
		{"port twice", oneService(img("ports", []any{"1", "8080:80", "01"})), "ports[2]", `port "01" publishes the same as ports[0] ("1")`, "Remove one"},
		{"port bad address", oneService(img("ports", []any{"1.2.3:8080:80"})), "ports[0]", "is not an IP address", ""},
		{"port bad protocol", oneService(img("ports", []any{"8080:80/icmp"})), "ports[0]", `unknown protocol "icmp"`, `"/udp"`},
		{"port range lengths", oneService(img("ports", []any{"8000-8002:80"})), "ports[0]", "different lengths", ""},
		{"port bare ipv6", oneService(img("ports", []any{"::1:8080:80"})), "ports[0]", "too many ':'", ""},
		{"port empty host", oneService(img("ports", []any{":80"})), "ports[0]", "host port is empty", ""},
		{"port not a string", oneService(img("ports", []any{float64(80)})), "ports[0]", "must be a string", ""},
		{"ports not a list", oneService(img("ports", "8080:80")), "ports", "must be a list", ""},
		{"reserved devarch label", oneService(img("labels", map[string]any{"ok": "1", "dev.devarch.stack": "other"})), "labels.dev.devarch.stack", "reserved", "DevArch"},
		{"reserved compose label", oneService(img("labels", map[string]any{"com.docker.compose.project": "x"})), "labels.com.docker.compose.project", "reserved", "compose"},
		{"unknown field", oneService(img("container_name", "mine")), "container_name", `unknown field "container_name"`, "DevArch generates container_name"},
		{"env value not a string", oneService(img("environment", map[string]any{"PORT": float64(80)})), "environment.PORT", "must be a string, not a number", ""},
		{"env value null", oneService(img("environment", map[string]any{"HOME": nil})), "environment.HOME", "must be a string, not null", ""},
		{"command not a list", oneService(img("command", "php artisan serve")), "command", "must be a list of strings", ""},
		{"bool field", oneService(img("init", "yes")), "init", "must be true or false", ""},
		{"healthcheck unknown key", oneService(img("healthcheck", map[string]any{"tests": "true"})), "healthcheck.tests", `unknown key "tests"`, "interval"},
		{"healthcheck retries", oneService(img("healthcheck", map[string]any{"retries": 2.5})), "healthcheck.retries", "must be an integer", ""},
		{"build not an object", oneService(model.Spec{"build": "./app"}), "build", "must be a mapping", ""},
		{"no image nor build", oneService(model.Spec{"command": []any{"true"}}), "image", "neither an image nor a build", ""},
		{"unclosed secret", oneService(img("environment", map[string]any{"A": "x${secret:db"})), "environment.A", "invalid secret reference", "not closed"},
		{"bad secret name", oneService(img("command", []any{"echo", "${secret:db password}"})), "command[1]", "invalid secret reference", "not a secret name"},
		// A name no secret can have (it would share DEVARCH_SECRET_DB_PASS with db_pass) is
		// refused, with the name it could have.
		{"secret name near miss", oneService(img("environment", map[string]any{"A": "${secret:db_pass}", "B": "${secret:db-pass}"})), "environment.B", `invalid secret reference "${secret:db-pass}"`, "e.g. db_pass"},
		{"secret name upper case", oneService(img("environment", map[string]any{"A": "${secret:DB_PASS}"})), "environment.A", `invalid secret reference "${secret:DB_PASS}"`, "e.g. db_pass"},
		{"secret name digit first", oneService(img("environment", map[string]any{"A": "${secret:1pass}"})), "environment.A", `invalid secret reference "${secret:1pass}"`, "e.g. _1pass"},
		{"bad volume name", oneService(img("volumes", []any{"my volume:/data"})), "volumes[0]", `invalid volume name "my volume"`, ""},
		{"volume from a variable", oneService(img("volumes", []any{"$HOME/data:/data"})), "volumes[0]", "starts with a variable", "literal"},
		{"deploy bad value", oneService(img("deploy", map[string]any{"x": []int{1}})), "deploy.x", "unsupported type", ""},
		{"depends on unknown", model.EffectiveStack{Name: "shop", Services: []model.EffectiveService{{Instance: "app", Spec: img(), DependsOn: map[string]bool{"db": true}}}}, "depends_on.db", `depends on "db"`, "no other instance"},
		{"depends on itself", model.EffectiveStack{Name: "shop", Services: []model.EffectiveService{{Instance: "app", Spec: img(), DependsOn: map[string]bool{"app": false}}}}, "depends_on.app", `depends on "app"`, "itself"},
		// The instance-only fields an imported compose project uses.
		{"own depends_on on unknown", oneService(img("depends_on", map[string]any{"db": map[string]any{"condition": "service_started"}})), "depends_on.db", `depends on "db"`, "no other instance"},
		{"own depends_on set by a dotted path", oneService(img("depends_on", map[string]any{"db.condition": "service_healthy"})), "depends_on.db.condition", `"db.condition" is not an instance`, "--set 'depends_on.db={condition: service_healthy}'"},
		{"own depends_on entry not a mapping", oneService(img("depends_on", map[string]any{"db": "service_healthy"})), "depends_on.db", "must be a mapping (condition, required, restart), not a string", "db: {condition: service_started}"},
		{"own depends_on bad condition", oneService(img("depends_on", map[string]any{"db": map[string]any{"condition": "service_ready"}})), "depends_on.db.condition", "unknown condition service_ready", "service_completed_successfully"},
		{"own depends_on unknown key", oneService(img("depends_on", map[string]any{"db": map[string]any{"conditions": "x"}})), "depends_on.db.conditions", `unknown key "conditions"`, "condition, required, restart"},
		{"own depends_on list", oneService(img("depends_on", []any{"db"})), "depends_on", "must be a mapping", "condition: service_healthy"},
		{"own depends_on required not bool", oneService(img("depends_on", map[string]any{"db": map[string]any{"required": "no"}})), "depends_on.db.required", "must be true or false", ""},
		{"alias not a host name", oneService(img("network_aliases", []any{"my alias"})), "network_aliases[0]", `"my alias" is not a host name`, "letters, digits"},
		{"alias of another instance", model.EffectiveStack{Name: "shop", Services: []model.EffectiveService{{Instance: "app", Spec: img("network_aliases", []any{"DB"})}, {Instance: "db", Spec: img()}}},
			"network_aliases[0]", `alias "DB" is also an instance's name`, "cannot answer to one name"},
		{"secret file relative", oneService(img("secrets", map[string]any{"run/x": map[string]any{"source": "${secret:x}"}})), "secrets.run/x", "not an absolute file path", "/run/secrets/api_key"},
		{"secret file not a reference", oneService(img("secrets", map[string]any{"/run/x": map[string]any{"source": "plain text"}})), "secrets./run/x.source", "must be one secret reference", "${secret:NAME}"},
		{"secret file two references", oneService(img("secrets", map[string]any{"/run/x": map[string]any{"source": "${secret:a}${secret:b}"}})), "secrets./run/x.source", "must be one secret reference", ""},
		{"secret file no source", oneService(img("secrets", map[string]any{"/run/x": map[string]any{"uid": "1"}})), "secrets./run/x.source", "names no secret", ""},
		{"secret file mode", oneService(img("secrets", map[string]any{"/run/x": map[string]any{"source": "${secret:x}", "mode": float64(1 << 20)}})), "secrets./run/x.mode", "is not a file mode", "288"},
		{"secret file unknown key", oneService(img("secrets", map[string]any{"/run/x": map[string]any{"source": "${secret:x}", "owner": "me"}})), "secrets./run/x.owner", `unknown key "owner"`, "uid"},
		{"bad stack name", model.EffectiveStack{Name: "Shop"}, "name", "not a valid name", ""},
		{"bad instance name", model.EffectiveStack{Name: "shop", Services: []model.EffectiveService{{Instance: "my_app", Spec: img()}}}, "name", "not a valid name", ""},
		{"duplicate instance", model.EffectiveStack{Name: "shop", Services: []model.EffectiveService{{Instance: "app", Spec: img()}, {Instance: "app", Spec: img()}}}, "name", "appears twice", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := compose.Generate(c.stack)
			if err == nil {
				t.Fatalf("no error; output:\n%s", out)
			}
			var e *model.Error
			if !errors.As(err, &e) || e.Kind != model.KindInvalid {
				t.Fatalf("error %v (%T) is not a KindInvalid *model.Error", err, err)
			}
			if e.Field != c.field {
				t.Errorf("Field = %q, want %q (%v)", e.Field, c.field, err)
			}
			if !strings.Contains(e.Summary, c.summary) {
				t.Errorf("Summary = %q, want it to contain %q", e.Summary, c.summary)
			}
			if !strings.Contains(e.Detail, c.detail) {
				t.Errorf("Detail = %q, want it to contain %q", e.Detail, c.detail)
			}
			if len(c.stack.Services) > 0 && c.field != "name" && !strings.Contains(e.Summary, `instance "app"`) {
				t.Errorf("Summary %q does not name the instance", e.Summary)
			}
		})
	}
}

// TestCheckService: every problem Generate would refuse one service for, all at once, in
// Generate's order, without the instance in the summaries; the first is NewProject's error.
func TestCheckService(t *testing.T) {
	es := model.EffectiveService{Instance: "web", Spec: model.Spec{
		"image":   "",
		"ports":   []any{"abc", "8080:80", "99999:80"},
		"labels":  map[string]any{"dev.devarch.x": "1", "ok": "1", "com.docker.compose.project": "p"},
		"volumes": []any{"my volume:/data"},
		"command": []any{"${secret:}"},
	}}
	got := compose.CheckService(es)
	want := []struct{ field, summary string }{
		{"command[0]", `invalid secret reference "${secret:}"`},
		{"ports[0]", `invalid port "abc": container port "abc" is not a number`},
		{"ports[2]", `invalid port "99999:80": host port 99999 is out of range 1-65535`},
		{"volumes[0]", `invalid volume name "my volume"`},
		{"image", "the service has neither an image nor a build"},
		{"labels.com.docker.compose.project", `label "com.docker.compose.project" is reserved`},
		{"labels.dev.devarch.x", `label "dev.devarch.x" is reserved`},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d problems, want %d: %v", len(got), len(want), got)
	}
	for i, w := range want {
		if got[i].Field != w.field || got[i].Summary != w.summary || got[i].Kind != model.KindInvalid || got[i].Detail == "" {
			t.Errorf("problem %d = %q %q (%v), want %q %q", i, got[i].Field, got[i].Summary, got[i].Kind, w.field, w.summary)
		}
	}
	_, err := compose.NewProject(model.EffectiveStack{Name: "s", Services: []model.EffectiveService{es}})
	var e *model.Error
	if !errors.As(err, &e) || e.Field != "command[0]" || !strings.HasPrefix(e.Summary, `instance "web": `) || len(e.Problems) != 0 {
		t.Errorf("NewProject reports the first problem, naming the instance: %#v", err)
	}
	if ps := compose.PortProblems(es); len(ps) != 2 || ps[0].Field != "ports[0]" || ps[1].Field != "ports[2]" {
		t.Errorf("PortProblems = %v", ps)
	}
	if got := compose.CheckService(model.EffectiveService{Instance: "web", Spec: model.Spec{"image": "nginx", "ports": []any{"80"}}}); got != nil {
		t.Errorf("a valid service has problems: %v", got)
	}
	// One instance alone: its own depends_on may name instances CheckService cannot see
	// (NewProject checks them with the whole stack), but not itself.
	deps := model.Spec{"image": "nginx", "depends_on": map[string]any{"db": map[string]any{"condition": "service_healthy"}}}
	if got := compose.CheckService(model.EffectiveService{Instance: "web", Spec: deps}); got != nil {
		t.Errorf("a dependency on another instance is a problem alone: %v", got)
	}
	deps["depends_on"] = map[string]any{"web": map[string]any{}}
	if got := compose.CheckService(model.EffectiveService{Instance: "web", Spec: deps}); len(got) != 1 || got[0].Field != "depends_on.web" {
		t.Errorf("a dependency on itself: %v", got)
	}
}

// TestGenerate_HostnameAndEmptyLists covers the defaults: hostname is the instance name
// unless set; command [] (clear the image's default) is kept while an empty ports list is
// dropped.
func TestGenerate_HostnameAndEmptyLists(t *testing.T) {
	out, err := compose.Generate(oneService(model.Spec{"image": "nginx:1.27", "command": []any{}, "ports": []any{}, "environment": map[string]any{}}))
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	for _, want := range []string{"\n    hostname: app\n", "\n    command: []\n"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	for _, unwanted := range []string{"ports:", "environment:", "entrypoint:"} {
		if strings.Contains(s, unwanted) {
			t.Errorf("output has %q:\n%s", unwanted, s)
		}
	}
	out, err = compose.Generate(oneService(model.Spec{"image": "nginx:1.27", "hostname": "web.local"}))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "\n    hostname: web.local\n") {
		t.Errorf("hostname override lost:\n%s", out)
	}
}

// TestGenerate_GoTypedSpec: specs built in Go ([]string, map[string]string, int) render like
// their JSON-decoded equivalents.
func TestGenerate_GoTypedSpec(t *testing.T) {
	jsonLike := oneService(model.Spec{"image": "x", "command": []any{"a", "b"}, "environment": map[string]any{"K": "v"}, "healthcheck": map[string]any{"test": "true", "retries": float64(3)}})
	goTyped := oneService(model.Spec{"image": "x", "command": []string{"a", "b"}, "environment": map[string]string{"K": "v"}, "healthcheck": map[string]any{"test": "true", "retries": 3}})
	a, err := compose.Generate(jsonLike)
	if err != nil {
		t.Fatal(err)
	}
	b, err := compose.Generate(goTyped)
	if err != nil {
		t.Fatal(err)
	}
	if string(a) != string(b) {
		t.Errorf("outputs differ:\n%s\n---\n%s", a, b)
	}
}

func TestConfigHash(t *testing.T) {
	base := model.EffectiveService{Instance: "db", Template: "mysql", Spec: model.Spec{"image": "mysql:8.4", "environment": map[string]any{"A": "1"}}}
	hash := func(svc model.EffectiveService) string {
		t.Helper()
		h, err := compose.ConfigHash(svc)
		if err != nil {
			t.Fatal(err)
		}
		if len(h) != 16 {
			t.Fatalf("hash %q is not 16 hex digits", h)
		}
		return h
	}
	h := hash(base)
	same := []model.EffectiveService{
		{Instance: "other", Template: "other", Spec: model.Spec{"environment": map[string]string{"A": "1"}, "image": "mysql:8.4"}},
		{Instance: "db", Spec: model.Spec{"image": "mysql:8.4", "environment": map[string]any{"A": "1"}, "user": nil}, DependsOn: map[string]bool{}},
	}
	for i, svc := range same {
		if got := hash(svc); got != h {
			t.Errorf("same[%d]: hash %s, want %s", i, got, h)
		}
	}
	different := []model.EffectiveService{
		{Spec: model.Spec{"image": "mysql:8.0", "environment": map[string]any{"A": "1"}}},
		{Spec: model.Spec{"image": "mysql:8.4", "environment": map[string]any{"A": "2"}}},
		{Spec: model.Spec{"image": "mysql:8.4", "environment": map[string]any{"A": "1"}, "labels": map[string]any{"x": "y"}}},
		{Spec: model.Spec{"image": "mysql:8.4", "environment": map[string]any{"A": "1"}}, DependsOn: map[string]bool{"x": false}},
		{Spec: model.Spec{"image": "mysql:8.4", "environment": map[string]any{"A": "1"}}, DependsOn: map[string]bool{"x": true}},
	}
	seen := map[string]int{h: -1}
	for i, svc := range different {
		got := hash(svc)
		if j, dup := seen[got]; dup {
			t.Errorf("different[%d] hashes like %d: %s", i, j, got)
		}
		seen[got] = i
	}
}

func TestSecretRefs(t *testing.T) {
	st := model.EffectiveStack{Name: "s", Services: []model.EffectiveService{
		{Instance: "a", Spec: model.Spec{"environment": map[string]any{"X": "${secret:zeta}${secret:alpha}", "Y": "${secret:bad name}", "Z": "${secret:open"}}},
		{Instance: "b", Spec: model.Spec{"command": []any{"${secret:alpha}"}, "deploy": map[string]any{"labels": map[string]any{"k": "${secret:mid_v2}", "bad": "${secret:mid.v3}"}}, "labels": map[string]string{"${secret:key}": "keys are not values"}}},
	}}
	if got, want := compose.SecretRefs(st), []string{"alpha", "mid_v2", "zeta"}; !slices.Equal(got, want) {
		t.Errorf("SecretRefs = %q, want %q", got, want)
	}
	if got := compose.SecretRefs(model.EffectiveStack{Name: "s"}); len(got) != 0 {
		t.Errorf("SecretRefs(empty) = %q", got)
	}
}

func TestSecretEnvVar(t *testing.T) {
	for name, want := range map[string]string{
		"db_password": "DEVARCH_SECRET_DB_PASSWORD",
		"db-password": "DEVARCH_SECRET_DB_PASSWORD",
		"Api.Key2":    "DEVARCH_SECRET_API_KEY2",
	} {
		if got := compose.SecretEnvVar(name); got != want {
			t.Errorf("SecretEnvVar(%q) = %q, want %q", name, got, want)
		}
	}
}
