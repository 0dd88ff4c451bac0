//go:build unix

package database

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/devarch/devarch/backend/model"
)

const noFollow = unix.O_NOFOLLOW

// openNoFollow opens a regular file for reading, refusing a symlink in its last component.
func openNoFollow(p string) (*os.File, error) {
	f, err := os.OpenFile(p, os.O_RDONLY|noFollow, 0)
	if err != nil {
		return nil, err
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s is not a regular file", p)
	}
	return f, nil
}

// rootOwnedChain checks that p and every directory above it belong to root and that no one
// else can write them (a directory above p may be world-writable with the sticky bit, like
// /tmp, since others then cannot rename what is in it). Symlinks are judged by their owner
// here; the caller also checks where they lead.
func rootOwnedChain(p string) error {
	for dir := p; ; dir = filepath.Dir(dir) {
		fi, err := os.Lstat(dir)
		if err != nil {
			return err
		}
		st := fi.Sys().(*syscall.Stat_t)
		if st.Uid != 0 {
			return fmt.Errorf("%s is owned by uid %d, not root", dir, st.Uid)
		}
		if fi.Mode()&fs.ModeSymlink == 0 && fi.Mode().Perm()&0o022 != 0 && (dir == p || fi.Mode()&fs.ModeSticky == 0) {
			return fmt.Errorf("%s is writable by group or others (mode %04o)", dir, fi.Mode().Perm())
		}
		if dir == filepath.Dir(dir) {
			return nil
		}
	}
}

// rootTrustedPath checks p as written and as resolved (see rootOwnedChain).
func rootTrustedPath(p string) error {
	if err := rootOwnedChain(p); err != nil {
		return err
	}
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return err
	}
	if real != p {
		return rootOwnedChain(real)
	}
	return nil
}

// rootTrustedFile checks a file root is about to unpack: a regular file that only root can
// have written, in directories only root can change.
func rootTrustedFile(p string) error {
	if err := rootTrustedPath(p); err != nil {
		return err
	}
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", p)
	}
	return nil
}

// rootTrustedInstall checks a PostgreSQL installation root is about to run (as the server
// account): the directory's path and everything in it belong to root and are writable by
// root only, so no regular user can have planted a binary, library or initdb script.
func rootTrustedInstall(dir string) error {
	if err := rootTrustedPath(dir); err != nil {
		return err
	}
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return err
	}
	return filepath.WalkDir(real, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if st := fi.Sys().(*syscall.Stat_t); st.Uid != 0 {
			return fmt.Errorf("%s is owned by uid %d, not root", p, st.Uid)
		}
		if fi.Mode()&fs.ModeSymlink == 0 && fi.Mode().Perm()&0o022 != 0 {
			return fmt.Errorf("%s is writable by group or others (mode %04o)", p, fi.Mode().Perm())
		}
		return nil
	})
}

// makePrivateDir makes dir (not its parents) a directory of the server account, mode 0700,
// without ever following a symlink there. It creates dir when missing. An existing one is
// accepted only if it belongs to the account or to the current user (who hands it over);
// a symlink, a file or another user's directory is refused, so a name planted in a shared
// directory such as /tmp can never redirect DevArch. Only dir itself is re-owned: DevArch
// chowns nothing it did not create.
func (a account) makePrivateDir(dir string) error {
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return model.Wrap(model.KindUnavailable, err, "cannot create a private directory for the database", err.Error())
	}
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		if errors.Is(err, unix.ELOOP) || errors.Is(err, unix.ENOTDIR) {
			return unsafeDirError(dir, "it is a symlink or not a directory")
		}
		return model.Wrap(model.KindUnavailable, err, "cannot open the database's private directory", fmt.Sprintf("%s: %v", dir, err))
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return err
	}
	if int(st.Uid) != a.uid && int(st.Uid) != os.Geteuid() {
		return unsafeDirError(dir, fmt.Sprintf("it belongs to uid %d", st.Uid))
	}
	if int(st.Uid) != a.uid || int(st.Gid) != a.gid {
		if err := unix.Fchown(fd, a.uid, a.gid); err != nil {
			return model.Wrap(model.KindUnavailable, err, "cannot hand a directory to the server account", fmt.Sprintf("%s: %v", dir, err))
		}
	}
	if st.Mode&0o7777 != 0o700 {
		return unix.Fchmod(fd, 0o700)
	}
	return nil
}

// ensureDataOwned checks that the cluster directory is a real directory of the server
// account, mode 0700 (PostgreSQL refuses anything else). As root, a cluster of another
// owner (the account was re-created with a new uid, a restored backup) is re-owned with a
// walk that works on open directory descriptors and never follows a symlink, so swapping
// a directory for a link during the walk cannot make root chown anything outside it.
func (a account) ensureDataOwned(dir string) error {
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		if errors.Is(err, unix.ELOOP) || errors.Is(err, unix.ENOTDIR) {
			return unsafeDirError(dir, "it is a symlink or not a directory")
		}
		return model.Wrap(model.KindUnavailable, err, "cannot open the database directory", fmt.Sprintf("%s: %v", dir, err))
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return err
	}
	if int(st.Uid) != a.uid {
		if !a.drop {
			unix.Close(fd)
			return model.NewError(model.KindUnavailable,
				"the database directory belongs to another user",
				fmt.Sprintf("%s is owned by uid %d, but DevArch runs as uid %d. Run DevArch as that user, or set DEVARCH_HOME to a directory of your own.", dir, st.Uid, a.uid))
		}
		if err := chownTreeAt(fd, a.uid, a.gid); err != nil { // closes fd
			return model.Wrap(model.KindUnavailable, err, "cannot hand the database directory to the server account", fmt.Sprintf("%s: %v", dir, err))
		}
		fd, err = unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			return err
		}
	}
	defer unix.Close(fd)
	if st.Mode&0o777 != 0o700 {
		return unix.Fchmod(fd, 0o700)
	}
	return nil
}

// chownTreeAt chowns the directory open as fd and everything below it, relative to open
// descriptors with AT_SYMLINK_NOFOLLOW/O_NOFOLLOW throughout. It takes ownership of fd.
func chownTreeAt(fd, uid, gid int) error {
	dir := os.NewFile(uintptr(fd), "")
	defer dir.Close()
	if err := unix.Fchown(fd, uid, gid); err != nil {
		return err
	}
	names, err := dir.Readdirnames(-1)
	if err != nil {
		return err
	}
	for _, name := range names {
		var st unix.Stat_t
		if err := unix.Fstatat(fd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			if errors.Is(err, unix.ENOENT) {
				continue
			}
			return err
		}
		if st.Mode&unix.S_IFMT == unix.S_IFDIR {
			child, err := unix.Openat(fd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
			if err != nil {
				if errors.Is(err, unix.ELOOP) || errors.Is(err, unix.ENOTDIR) || errors.Is(err, unix.ENOENT) {
					continue // swapped for a link or removed meanwhile: not ours to chown
				}
				return err
			}
			if err := chownTreeAt(child, uid, gid); err != nil {
				return err
			}
			continue
		}
		if err := unix.Fchownat(fd, name, uid, gid, unix.AT_SYMLINK_NOFOLLOW); err != nil && !errors.Is(err, unix.ENOENT) {
			return err
		}
	}
	return nil
}
