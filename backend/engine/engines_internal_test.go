package engine

import (
	"strings"
	"sync"
	"testing"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
	"github.com/devarch/devarch/backend/store"
)

func TestRemoteEndpoint(t *testing.T) {
	for endpoint, want := range map[string]bool{
		"":                              false,
		"unix:///var/run/docker.sock":   false,
		"npipe:////./pipe/docker":       false,
		"tcp://127.0.0.1:2375":          false,
		"tcp://localhost:2376":          false,
		"tcp://[::1]:2376":              false,
		"tcp://192.168.1.40:2376":       true,
		"ssh://me@build-box":            true,
		"ssh://me@127.0.0.1":            false,
		"https://docker.example:2376":   true,
		"tcp://build-box.internal:2375": true,
	} {
		if got := remoteEndpoint(endpoint); got != want {
			t.Errorf("remoteEndpoint(%q) = %v, want %v", endpoint, got, want)
		}
	}
}

// On a remote engine, relative paths are plan errors naming instance and field, and host
// ports without a publish address a warning naming the fix; on a local one, neither.
func TestRemoteDiagnostics(t *testing.T) {
	rs := ResolvedStack{Stack: model.Stack{Name: "big", Context: "build-box"}, Effective: model.EffectiveStack{Name: "big", Services: []model.EffectiveService{
		{Instance: "app", Spec: model.Spec{"image": "php", "volumes": []any{"./src:/var/www", "data:/data"}, "ports": []any{"8080:80"}}},
	}}}
	if d := remoteDiagnostics(rs, "unix:///var/run/docker.sock"); len(d) != 0 {
		t.Fatalf("a local engine: %v", d)
	}
	d := remoteDiagnostics(rs, "ssh://me@build-box")
	if len(d) != 2 || d[0].Severity != "error" || d[0].Subject.Instance != "app" || d[0].Subject.Path != "volumes[0]" ||
		!strings.Contains(d[0].Summary, "./src is a directory of this machine") || !strings.Contains(d[0].Detail, "devarch stack set-context big default") {
		t.Fatalf("relative bind on a remote engine: %+v", d)
	}
	if d[1].Severity != "warning" || !strings.Contains(d[1].Detail, "devarch engine set-address build-box ADDRESS") {
		t.Fatalf("ports without an address: %+v", d[1])
	}
	rs.Stack.PublishAddress = "192.168.1.40"
	if d := remoteDiagnostics(rs, "ssh://me@build-box"); len(d) != 1 {
		t.Fatalf("with an address only the path error is left: %+v", d)
	}
}

// A context whose engine does not answer is asked once per failureHold: a stacks list with
// a stack on a dead host must not probe it again at every refresh. The default engine is
// not held up by it.
func TestEngineOn_HoldsAContextFailure(t *testing.T) {
	eng := runtimetest.RequireEngine(t)
	if eng.Name != runtime.Docker {
		t.Fatalf("docker contexts are docker's; the engine here is %s", eng.Name)
	}
	cfg := t.TempDir()
	if _, err := eng.Run(t.Context(), []string{"context", "create", "dead", "--docker", "host=tcp://127.0.0.1:1"},
		runtime.RunOptions{Env: []string{"DOCKER_CONFIG=" + cfg}}); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	commands := 0
	svc := New(store.New(nil), runtime.Options{Env: []string{"DOCKER_CONFIG=" + cfg}, Wrap: func(argv []string) []string {
		mu.Lock()
		commands++
		mu.Unlock()
		return argv
	}}, t.TempDir())
	_, first := svc.engineOn(t.Context(), "dead")
	if first == nil || !strings.Contains(first.Error(), "engine dead") {
		t.Fatalf("a dead engine: %v", first)
	}
	mu.Lock()
	asked := commands
	mu.Unlock()
	if _, again := svc.engineOn(t.Context(), "dead"); again == nil || again.Error() != first.Error() {
		t.Fatalf("within the hold: %v", again)
	}
	mu.Lock()
	if commands != asked {
		t.Fatalf("the held failure ran %d more commands", commands-asked)
	}
	mu.Unlock()
	if _, err := svc.engineOn(t.Context(), ""); err != nil {
		t.Fatalf("the default engine: %v", err)
	}
}
