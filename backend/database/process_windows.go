//go:build windows

package database

import (
	"syscall"
)

// makeSocketDir and checkSocketDir: on unix the server's private socket directory (owner
// and mode checked) is what proves that nobody else can stand in for the server. Windows
// would need the same guarantee from ACLs; until then the embedded server does not run.
func (a account) makeSocketDir(pgDir string) (string, error) {
	return "", embeddedUnsupported("the embedded PostgreSQL server's private socket directory")
}

func (a account) checkSocketDir(dir, pgDir string) error {
	return embeddedUnsupported("checking the embedded PostgreSQL server's socket directory")
}

// removeTempSocketDir has nothing to remove: makeSocketDir never makes a directory here.
func (a account) removeTempSocketDir(dir string) {}

// stopServer and stopPostmaster: PostgreSQL on Windows is stopped through its own named
// signal event (what pg_ctl kill does), not a unix signal; not implemented yet.
func (db *DB) stopServer() error {
	return embeddedUnsupported("stopping the embedded PostgreSQL server")
}

func stopPostmaster(pid int, dataDir string, sig syscall.Signal) error {
	return embeddedUnsupported("stopping the embedded PostgreSQL server")
}
