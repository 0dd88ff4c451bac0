package doctor_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/doctor"
)

func TestWebview_LibrariesPresentOrMissing(t *testing.T) {
	dir := t.TempDir()
	c := doctor.WebviewIn("linux", []string{dir})
	if c.Status != doctor.Error || !strings.Contains(c.Fix, "libwebkit2gtk-4.1-0") || !strings.Contains(c.Fix, "libgtk-3-0") {
		t.Fatalf("no libraries: %+v", c)
	}
	for _, f := range []string{"libwebkit2gtk-4.1.so.0", "libgtk-3.so.0"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if c := doctor.WebviewIn("linux", []string{"/nonexistent", dir}); c.Status != doctor.OK {
		t.Fatalf("libraries present: %+v", c)
	}
	if c := doctor.WebviewIn("darwin", nil); c.Status != doctor.OK {
		t.Fatalf("macOS ships its webview: %+v", c)
	}
}
