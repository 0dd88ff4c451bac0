package database

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/devarch/devarch/backend/model"
)

// syncDir makes a rename or create in dir durable. Best effort: some file systems refuse
// fsync on directories.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// writeFileAtomic replaces p with the contents of r: a new temporary file next to it
// (O_EXCL, random name, so nothing is written through a planted link), owned by uid:gid
// when uid >= 0, mode perm, fsynced, renamed over p, and the directory fsynced. After a
// crash p holds either the old or the new contents, never a torn or empty file.
func writeFileAtomic(p string, r io.Reader, perm os.FileMode, uid, gid int) error {
	dir := filepath.Dir(p)
	f, err := os.CreateTemp(dir, "."+filepath.Base(p)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if uid >= 0 {
		if err := f.Chown(uid, gid); err != nil {
			return err
		}
	}
	if err := f.Chmod(perm); err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, p); err != nil {
		return err
	}
	ok = true
	syncDir(dir)
	return nil
}

func unsafeDirError(dir, why string) error {
	return model.NewError(model.KindUnavailable, "refusing an unsafe database directory",
		fmt.Sprintf("%s already exists and %s, so another user may control it. DevArch does not use it: remove it (as its owner or root) and start DevArch again.", dir, why))
}
