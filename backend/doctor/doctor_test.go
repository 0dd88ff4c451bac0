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

func TestTray_SaysWhatClosingDoes(t *testing.T) {
	for _, tc := range []struct {
		goos      string
		bus, host bool
		status    string
		summary   string
	}{
		{"linux", true, true, doctor.OK, "keeps DevArch in the tray"},
		{"linux", true, false, doctor.Warning, "no tray host in this session: closing the window quits"},
		{"linux", false, false, doctor.Warning, "no D-Bus session bus"},
		{"darwin", false, false, doctor.OK, "its own process (devarch tray): closing the window keeps DevArch in the tray"},
		{"windows", false, false, doctor.OK, "its own process (devarch tray): closing the window keeps DevArch in the tray"},
		{"freebsd", false, false, doctor.OK, "no tray on this platform: closing the window quits"},
	} {
		c := doctor.TrayIn(tc.goos, tc.bus, tc.host)
		if c.Name != "tray" || c.Status != tc.status || !strings.Contains(c.Summary, tc.summary) || (c.Status == doctor.Warning) != (c.Fix != "") {
			t.Errorf("%+v: %+v", tc, c)
		}
	}
}
