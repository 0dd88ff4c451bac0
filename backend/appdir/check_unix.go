//go:build unix

package appdir

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/devarch/devarch/backend/model"
)

func checkHome(field, home string) error {
	if !filepath.IsAbs(home) {
		return model.Invalid(field, "the data home must be an absolute path",
			fmt.Sprintf("%q is relative. Use an absolute path.", home))
	}
	home = filepath.Clean(home)
	uid := os.Geteuid()
	who := fmt.Sprintf("you (uid %d)", uid)
	if uid == 0 {
		who = "root, since DevArch runs as root"
	}
	fail := func(err error) error {
		return model.Wrap(model.KindUnavailable, err, "cannot check the data home", err.Error())
	}

	// The nearest existing path: the home itself, or the ancestor below which DevArch will
	// create the rest (0700).
	p := home
	for {
		_, err := os.Lstat(p)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return fail(err)
		}
		if p == filepath.Dir(p) {
			return fail(err)
		}
		p = filepath.Dir(p)
	}
	exists := p == home

	// ancestor checks one directory above the home: whoever may rename entries in it could
	// replace the home with their own.
	unmapped := unmappedOwner()
	ancestor := func(dir string, fi fs.FileInfo) error {
		owner := int(fi.Sys().(*syscall.Stat_t).Uid)
		if owner != 0 && owner != uid && owner != unmapped {
			return model.Invalid(field, "the data home is inside another user's directory",
				fmt.Sprintf("%s (on the way to %s) is owned by uid %d, who could move the data home away and put another in its place. Choose a data home under a directory owned by %s or root.", dir, home, owner, who))
		}
		if fi.Mode()&fs.ModeSymlink == 0 && fi.Mode().Perm()&0o022 != 0 && fi.Mode()&fs.ModeSticky == 0 {
			return model.Invalid(field, "the data home is inside a directory others can write",
				fmt.Sprintf("%s (on the way to %s) has mode %04o without the sticky bit, so other users could replace the data home. Fix: chmod go-w %s, or choose another data home.", dir, home, fi.Mode().Perm(), dir))
		}
		return nil
	}

	// The path as written, without following links: a symlink on the way must not be
	// someone else's either.
	start := p
	if exists {
		start = filepath.Dir(home)
	}
	for dir := start; ; dir = filepath.Dir(dir) {
		fi, err := os.Lstat(dir)
		if err != nil {
			return fail(err)
		}
		if err := ancestor(dir, fi); err != nil {
			return err
		}
		if dir == filepath.Dir(dir) {
			break
		}
	}

	// The directories it really resolves to.
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return fail(err)
	}
	if exists {
		fi, err := os.Stat(real)
		if err != nil {
			return fail(err)
		}
		if !fi.IsDir() {
			return model.Invalid(field, "the data home is not a directory",
				fmt.Sprintf("%s is not a directory. Point DEVARCH_HOME at a directory.", home))
		}
		if owner := int(fi.Sys().(*syscall.Stat_t).Uid); owner != uid {
			return model.Invalid(field, "the data home belongs to another user",
				fmt.Sprintf("%s is owned by uid %d, but it must be owned by %s: its owner could read the database password and change your stacks. Use a directory of your own, or chown it.", home, owner, who))
		}
		if perm := fi.Mode().Perm(); perm&0o022 != 0 {
			return model.Invalid(field, "the data home is writable by other users",
				fmt.Sprintf("%s has mode %04o, so others could replace its files. Fix: chmod go-w %s", home, perm, home))
		}
		real = filepath.Dir(real)
	}
	for dir := real; ; dir = filepath.Dir(dir) {
		fi, err := os.Stat(dir)
		if err != nil {
			return fail(err)
		}
		if err := ancestor(dir, fi); err != nil {
			return err
		}
		if dir == filepath.Dir(dir) {
			return nil
		}
	}
}

// unmappedOwner is the uid a user namespace shows for files whose owner it does not map (the
// kernel's overflow uid, 65534), or -1 outside a user namespace. Inside one (`unshare -r`, a
// rootless sandbox) "/" and "/tmp" belong to the host's root and show as that uid: the owner
// is outside the namespace and cannot be told apart, so an ancestor owned by it is judged by
// its mode alone (others-writable still needs the sticky bit).
func unmappedOwner() int {
	m, err := os.ReadFile("/proc/self/uid_map")
	if err != nil || strings.Join(strings.Fields(string(m)), " ") == "0 0 4294967295" {
		return -1 // not in a user namespace (or no /proc: judge strictly)
	}
	b, err := os.ReadFile("/proc/sys/kernel/overflowuid")
	if err != nil {
		return -1
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return -1
	}
	return n
}
