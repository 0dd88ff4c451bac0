package compose

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// FileName is the compose file's name in a stack's directory.
const FileName = "compose.yaml"

// WriteFile puts content into dir/compose.yaml, creating dir (0700) if needed, and reports
// whether the file changed. Identical bytes are not rewritten, so the file's mtime moves only
// when its content does (tools watching it, and humans, see real changes only).
//
// A write is atomic: content goes to a temporary file in dir, is synced, then renamed over
// the old file, so a reader or a crash sees the old file or the new one, never a mix, and no
// temporary file is left behind. The mode is 0600: secret values are never in the file, but
// environment values may still be private.
func WriteFile(dir string, content []byte) (path string, changed bool, err error) {
	path = filepath.Join(dir, FileName)
	old, err := os.ReadFile(path)
	switch {
	case err == nil && bytes.Equal(old, content):
		return path, false, nil
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return path, false, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return path, false, err
	}
	tmp, err := os.CreateTemp(dir, "."+FileName+".*.tmp")
	if err != nil {
		return path, false, err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(0o600); err != nil {
		return path, false, err
	}
	if _, err = tmp.Write(content); err != nil {
		return path, false, err
	}
	if err = tmp.Sync(); err != nil {
		return path, false, err
	}
	if err = tmp.Close(); err != nil {
		return path, false, err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return path, false, err
	}
	syncDir(dir)
	return path, true, nil
}

// syncDir makes the rename durable where the platform allows it. Failure is ignored: the
// file itself is synced, and some platforms (Windows) cannot open a directory for syncing.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
