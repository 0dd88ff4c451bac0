package database

// ServerAccount is the unprivileged system account that runs PostgreSQL when DevArch itself
// runs as root (PostgreSQL refuses to run as root). DevArch creates it on first need, the way
// the official postgres images drop privileges to their own account.
const ServerAccount = "devarch-db"

// account is who the server processes run as: the current user, or ServerAccount when the
// current user is root.
type account struct {
	drop bool // true when running as root and the server must run as uid/gid
	uid  int
	gid  int
	name string
}
