//go:build unix

package secrets

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"

	"github.com/devarch/devarch/backend/model"
)

// checkFileOwner refuses a key file that belongs to another user: whoever owns it can replace
// the key (and with it every secret) or read it.
func checkFileOwner(path string, fi fs.FileInfo) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || int(st.Uid) == os.Geteuid() {
		return nil
	}
	return model.NewError(model.KindInvalid,
		fmt.Sprintf("refusing to use the key file %s: it belongs to uid %d, not to you (uid %d)", path, st.Uid, os.Geteuid()),
		fmt.Sprintf("Use a key file of your own: set %s to a path in a directory only you can write to.", EnvMasterKeyFile))
}

// checkDir refuses a key file in a directory that other users may write to without the
// sticky bit: they could delete or swap the file (and its lock) between two reads.
func checkDir(path, dir string, fi fs.FileInfo) error {
	perm := fi.Mode()
	if perm.Perm()&0o022 == 0 || perm&fs.ModeSticky != 0 {
		return nil
	}
	return model.NewError(model.KindInvalid,
		fmt.Sprintf("refusing to use the key file %s: its directory %s is writable by other users (mode %04o)", path, dir, perm.Perm()),
		fmt.Sprintf("Keep the key file in a directory only you can write to (chmod go-w %s), or set %s to another path.", dir, EnvMasterKeyFile))
}

// lockDir takes an exclusive flock on the key file's directory, waiting for other holders,
// and returns its release. The directory, not the file, is locked because the file is
// replaced by rename on every write; no lock file is left behind.
func lockDir(dir string) (func(), error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		_ = f.Close()
	}, nil
}
