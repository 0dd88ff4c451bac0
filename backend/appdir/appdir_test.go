package appdir

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/model"
)

// privateDir is a fresh directory of the current user, mode 0700, under a sticky /tmp.
func privateDir(t *testing.T) string {
	t.Helper()
	d, err := os.MkdirTemp("", "devarch-appdir-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	return d
}

func wantRefused(t *testing.T, err error, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("want the home refused, got nil")
	}
	if model.KindOf(err) != model.KindInvalid {
		t.Errorf("kind %v, want invalid: %v", model.KindOf(err), err)
	}
	for _, f := range fragments {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error %q should mention %q", err, f)
		}
	}
}

func TestResolve_RelativeHomeRefused(t *testing.T) {
	for _, rel := range []string{"devarch", "./data", "../x", "~/devarch"} {
		t.Setenv("DEVARCH_HOME", rel)
		_, err := Resolve()
		wantRefused(t, err, "DEVARCH_HOME", "absolute path")
	}
}

func TestResolve_DefaultAndAbsolute(t *testing.T) {
	home := filepath.Join(privateDir(t), "devarch")
	t.Setenv("DEVARCH_HOME", home+"/")
	d, err := Resolve()
	if err != nil || d.Home != home || d.Postgres != filepath.Join(home, "postgres") {
		t.Fatalf("an absolute DEVARCH_HOME that does not exist yet is fine: %+v %v", d, err)
	}
	xdg := privateDir(t)
	t.Setenv("DEVARCH_HOME", "")
	t.Setenv("XDG_DATA_HOME", xdg)
	d, err = Resolve()
	if err != nil || d.Home != filepath.Join(xdg, "devarch") {
		t.Fatalf("default home under XDG_DATA_HOME: %+v %v", d, err)
	}
}

func TestCheckHome_Modes(t *testing.T) {
	for _, tc := range []struct {
		mode os.FileMode
		ok   bool
	}{{0o700, true}, {0o755, true}, {0o750, true}, {0o775, false}, {0o777, false}, {0o722, false}} {
		home := privateDir(t)
		if err := os.Chmod(home, tc.mode); err != nil {
			t.Fatal(err)
		}
		err := CheckHome(home)
		if tc.ok && err != nil {
			t.Errorf("mode %04o: %v", tc.mode, err)
		}
		if !tc.ok {
			wantRefused(t, err, "writable by other users", "chmod go-w "+home)
		}
	}
}

// TestCheckHome_Ancestors: a home under a directory others can write (without the sticky
// bit) can be swapped for another; under a sticky one (like /tmp) it cannot.
func TestCheckHome_Ancestors(t *testing.T) {
	parent := filepath.Join(privateDir(t), "shared")
	if err := os.Mkdir(parent, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(parent, 0o777); err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(parent, "devarch")
	if err := os.Mkdir(home, 0o700); err != nil {
		t.Fatal(err)
	}
	wantRefused(t, CheckHome(home), "others can write", parent)
	wantRefused(t, CheckHome(filepath.Join(parent, "not-yet", "devarch")), "others can write")
	if err := os.Chmod(parent, os.ModeSticky|0o777); err != nil {
		t.Fatal(err)
	}
	if err := CheckHome(home); err != nil {
		t.Fatalf("under a sticky directory: %v", err)
	}

	// A symlinked home is judged by where it leads (and the link's own directory).
	real := privateDir(t)
	link := filepath.Join(privateDir(t), "home-link")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if err := CheckHome(link); err != nil {
		t.Fatalf("a link to a private directory: %v", err)
	}
	if err := os.Chmod(real, 0o777); err != nil {
		t.Fatal(err)
	}
	wantRefused(t, CheckHome(link), "writable by other users")
}

// TestCheckHome_Owner: a home, an ancestor or a symlink on the way that belongs to another
// user is refused (root: the home must be root's). As a regular user, /usr (root's) stands
// for "another user's directory"; as root, a directory is handed to nobody (65534).
func TestCheckHome_Owner(t *testing.T) {
	if os.Geteuid() != 0 {
		wantRefused(t, CheckHome("/usr"), "belongs to another user", "uid 0")
		return
	}
	const nobody = 65534
	home := privateDir(t)
	if err := os.Chown(home, nobody, nobody); err != nil {
		t.Fatal(err)
	}
	wantRefused(t, CheckHome(home), "belongs to another user", "uid 65534", "root")

	above := privateDir(t)
	if err := os.Chown(above, nobody, nobody); err != nil {
		t.Fatal(err)
	}
	inside := filepath.Join(above, "devarch")
	if err := os.Mkdir(inside, 0o700); err != nil {
		t.Fatal(err)
	}
	wantRefused(t, CheckHome(inside), "inside another user's directory", above)

	real := privateDir(t)
	link := filepath.Join(privateDir(t), "theirs")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if err := os.Lchown(link, nobody, nobody); err != nil {
		t.Fatal(err)
	}
	wantRefused(t, CheckHome(filepath.Join(link, "devarch")), "another user's directory")
}

// FuzzCheckHome: any DEVARCH_HOME value gets an answer without a panic; a relative one is
// always refused as invalid, and nothing is created.
func FuzzCheckHome(f *testing.F) {
	for _, s := range []string{"", "relative", "/", "/tmp", "/tmp/../etc", "/nonexistent/a/b", "./x", "/tmp/x\x00y", "//double//slash/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, home string) {
		err := CheckHome(home)
		if !filepath.IsAbs(home) && model.KindOf(err) != model.KindInvalid {
			t.Fatalf("relative %q: %v", home, err)
		}
		if err == nil {
			// DevArch uses the cleaned path ("/x/.." is "/"), so that is what must be statable:
			// the raw spelling may hold a component longer than NAME_MAX that Clean drops.
			clean := filepath.Clean(home)
			if _, serr := os.Lstat(clean); serr != nil && !os.IsNotExist(serr) && !strings.ContainsRune(home, 0) {
				t.Fatalf("accepted %q but cannot stat %q: %v", home, clean, serr)
			}
		}
	})
}
