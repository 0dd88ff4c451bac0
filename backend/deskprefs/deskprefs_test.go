package deskprefs

import (
	"os"
	"path/filepath"
	"testing"
)

// Two Prefs on one data home stand for the window and the tray process: a change made by
// one is what the other reads next (no cached copy); the notice is shown once across both;
// a broken file reads as the defaults and is replaced at the next change.
func TestPrefs_SharedBetweenProcesses(t *testing.T) {
	home := t.TempDir()
	window, tray := Load(home), Load(home)
	if !window.CloseToTray() {
		t.Fatal("close to tray should be on by default")
	}
	tray.SetCloseToTray(false)
	if window.CloseToTray() {
		t.Fatal("the window did not see the tray's change")
	}
	window.SetCloseToTray(true)
	if !tray.CloseToTray() {
		t.Fatal("the tray did not see the window's change")
	}
	if !window.NoticeOnce() || tray.NoticeOnce() || window.NoticeOnce() {
		t.Fatal("the notice should be shown exactly once per data home")
	}
	if fi, err := os.Stat(filepath.Join(home, "desktop.json")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("desktop.json: %v %v", fi, err)
	}

	if err := os.WriteFile(filepath.Join(home, "desktop.json"), []byte("{broken"), 0o600); err != nil {
		t.Fatal(err)
	}
	if !window.CloseToTray() {
		t.Fatal("a broken file should read as the defaults")
	}
	window.SetCloseToTray(false)
	if tray.CloseToTray() {
		t.Fatal("the broken file was not replaced")
	}

	none := Load("")
	none.SetCloseToTray(false)
	if !none.CloseToTray() || !none.NoticeOnce() {
		t.Fatal("without a data home nothing is saved and the defaults hold")
	}
}

// Whatever desktop.json holds (it is a user-editable file), reading it never fails or
// panics, and a change written over it is read back as written.
func FuzzPrefsFile(f *testing.F) {
	for _, seed := range []string{``, `{}`, `{"closeToTray":false}`, `{"closeToTray":true,"closeToTrayNoticeShown":true}`,
		`{"closeToTray":"no"}`, `[1,2]`, `{"closeToTray":null}`, "\xff\xfe", `{"closeToTray":false`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		home := t.TempDir()
		if err := os.WriteFile(filepath.Join(home, "desktop.json"), data, 0o600); err != nil {
			t.Fatal(err)
		}
		p := Load(home)
		before := p.CloseToTray()
		p.SetCloseToTray(!before)
		if got := Load(home).CloseToTray(); got != !before {
			t.Fatalf("after setting %v over %q, read %v", !before, data, got)
		}
	})
}
