package runtime_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
)

// The API fast path and the CLI must see the same containers the same way.
func TestListContainers_APIMatchesCLI(t *testing.T) {
	eng := runtimetest.RequireEngine(t)
	image := runtimetest.BusyboxImage(t)
	ctx := t.Context()
	label := "dev.devarch.apitest=" + t.Name()
	for _, args := range [][]string{
		{"run", "-d", "--name", "devarch-apitest-a", "--label", label, "--label", runtimetest.TestLabel, "-p", "127.0.0.1::80", image, "sleep", "60"},
		{"create", "--name", "devarch-apitest-b", "--label", label, "--label", runtimetest.TestLabel, image, "true"},
	} {
		if _, err := eng.Run(ctx, args, runtime.RunOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		_, _ = eng.Run(context.Background(), []string{"rm", "-f", "devarch-apitest-a", "devarch-apitest-b"}, runtime.RunOptions{})
	})
	viaAPI, err := eng.ListContainers(ctx, []string{label})
	if err != nil {
		t.Fatal(err)
	}
	viaCLI, err := runtime.ListContainersCLI(eng, ctx, []string{label})
	if err != nil {
		t.Fatal(err)
	}
	if len(viaAPI) != 2 {
		t.Fatalf("api listed %d containers: %+v", len(viaAPI), viaAPI)
	}
	norm := func(cs []runtime.Container) map[string]runtime.Container {
		m := map[string]runtime.Container{}
		for _, c := range cs {
			c.Status = "" // "Up 1 second" vs "Up 2 seconds" between the two calls
			m[c.Name] = c
		}
		return m
	}
	a, c := norm(viaAPI), norm(viaCLI)
	for name := range c {
		ca, cc := a[name], c[name]
		ca.CreatedAt = cc.CreatedAt
		// Only the API says which image id a container runs (the CLI's ps does not).
		if !strings.HasPrefix(ca.ImageID, "sha256:") {
			t.Errorf("%s: the API path must tell the image id, got %q", name, ca.ImageID)
		}
		ca.ImageID = ""
		if !reflect.DeepEqual(ca, cc) {
			t.Errorf("%s:\napi %+v\ncli %+v", name, ca, cc)
		}
	}
	if len(a["devarch-apitest-a"].HostPorts) != 1 || a["devarch-apitest-a"].Networks[0] != "bridge" {
		t.Errorf("ports/networks via api: %+v", a["devarch-apitest-a"])
	}
}
