package engine

import (
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/model"
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
