// Package atomicfile writes a file so that a reader, or a crash, sees the old content or the
// new one, never a part: the bytes go to a temporary file in the same folder, which is given
// its mode, synced and renamed over the target. No temporary file is left behind.
package atomicfile

import (
	"os"
	"path/filepath"
)

// Write replaces path with data, with mode perm (set explicitly: the umask does not apply).
func Write(path string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	name := tmp.Name()
	defer os.Remove(name) // after a successful rename there is nothing left to remove
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(name, path); err != nil {
		return err
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil { // make the rename durable where possible
		_ = d.Sync()
		d.Close()
	}
	return nil
}
