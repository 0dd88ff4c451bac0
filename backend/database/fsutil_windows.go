//go:build windows

package database

import (
	"fmt"
	"os"
)

// noFollow is 0: Windows has no O_NOFOLLOW, and os.OpenFile follows a symbolic link in the
// last component there. Files DevArch creates with O_EXCL are never links (creation fails on
// any existing name); files it reads go through openNoFollow, which checks first.
const noFollow = 0

// openNoFollow opens a regular file for reading, refusing a symbolic link, junction or other
// reparse point in its last component: it looks with Lstat, opens, and checks that what it
// opened is the file it looked at (os.SameFile), so a swap in between is refused too.
func openNoFollow(p string) (*os.File, error) {
	before, err := os.Lstat(p)
	if err != nil {
		return nil, err
	}
	if !before.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", p)
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	if after, err := f.Stat(); err != nil || !after.Mode().IsRegular() || !os.SameFile(before, after) {
		f.Close()
		return nil, fmt.Errorf("%s is not a regular file (it changed while it was opened)", p)
	}
	return f, nil
}

// rootTrustedFile and rootTrustedInstall guard what root unpacks and runs for the server
// account on unix. Windows has no such account (acc.drop is never set there), so they are
// never called; should that change, they refuse rather than approve unchecked files.
func rootTrustedFile(p string) error {
	return fmt.Errorf("checking that only an administrator can have changed %s is not supported on Windows yet", p)
}

func rootTrustedInstall(dir string) error {
	return fmt.Errorf("checking that only an administrator can have changed %s is not supported on Windows yet", dir)
}

// makePrivateDir and ensureDataOwned need an ACL check on Windows (owner and mode bits say
// nothing there about who else may write): not implemented yet.
func (a account) makePrivateDir(dir string) error {
	return embeddedUnsupported("making a private directory for the embedded PostgreSQL server")
}

func (a account) ensureDataOwned(dir string) error {
	return embeddedUnsupported("checking who owns the embedded PostgreSQL server's data")
}
