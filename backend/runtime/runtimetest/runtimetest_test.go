package runtimetest_test

import (
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
)

// TestBusyboxImage checks the image has what DevArch's tests use: a shell, networking tools
// that listen and connect, a healthcheck-friendly environment and a writable /tmp, with the
// image's default command being sh.
func TestBusyboxImage(t *testing.T) {
	eng := runtimetest.RequireEngine(t)
	image := runtimetest.BusyboxImage(t)
	if image != runtimetest.Image {
		t.Fatalf("BusyboxImage = %q, want %q", image, runtimetest.Image)
	}
	if again := runtimetest.BusyboxImage(t); again != image {
		t.Fatalf("second call = %q", again)
	}
	script := `for c in sh nc httpd wget sleep env cat echo ls ps id true false grep kill mkdir rm date hostname nslookup ping tail head touch; do command -v $c >/dev/null || echo "missing $c"; done
touch /tmp/x && echo tmp-ok
id -un
echo "$PATH"`
	res, err := eng.Run(t.Context(), []string{"run", "--rm", "--label", runtimetest.TestLabel, "--network", "none", image, "sh", "-c", script}, runtime.RunOptions{})
	if err != nil {
		t.Fatalf("running the image: %v", err)
	}
	out := string(res.Stdout)
	if strings.Contains(out, "missing") {
		t.Errorf("image lacks commands:\n%s", out)
	}
	for _, want := range []string{"tmp-ok", "root", "/bin"} {
		if !strings.Contains(out, want) {
			t.Errorf("output %q lacks %q", out, want)
		}
	}
	cmd, err := eng.Run(t.Context(), []string{"image", "inspect", "--format", "{{json .Config.Cmd}}", image}, runtime.RunOptions{})
	if err != nil || strings.TrimSpace(string(cmd.Stdout)) != `["sh"]` {
		t.Errorf("image CMD = %q, %v; want [\"sh\"]", cmd.Stdout, err)
	}
}
