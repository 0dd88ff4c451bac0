// Package database starts, discovers and stops DevArch's PostgreSQL server and brings its
// schema up to date.
//
// The server is embedded: DevArch starts it from PostgreSQL binaries on this machine (or the
// library's download) with its cluster under the data home, listening on loopback only, on a
// port chosen at start, with a private socket directory and a random password kept in a 0600
// file. It is shared: every DevArch process on the same data home (the window, CLI commands)
// uses one server. Each process holds a shared advisory lock (its lease) for as long as it
// uses the server; the last one to leave stops it. Start, attach and stop are serialized
// between processes by a lock file, so two processes starting at once get one server.
//
// Besides the library, this package runs pg_ctl and the account tools itself: managing the
// server processes is its job (the runtime package owns container-engine commands).
package database

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	embeddedpostgres "github.com/fergusstrange/embedded-postgres"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/devarch/devarch/backend/appdir"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/migrations"
)

// Advisory lock keys (two-int form: class, object). The class spells "DEVA" so DevArch's
// locks are recognisable in pg_locks; stack apply locks use other objects of it.
const (
	lockClass     = 0x44455641
	leaseObject   = 1 // shared by every process using the server; exclusive = last one out
	migrateObject = 2 // held while migrations run
)

const (
	// The cluster is DevArch's alone, so its default database serves: creating another one
	// would add a CREATE DATABASE (two checkpoints) to every first start.
	dbName = "postgres"
	dbUser = "devarch"
)

// Options configure Open. The zero value of every field but Dirs is usable.
type Options struct {
	Dirs appdir.Dirs
	// DatabaseURL, when set, is an external PostgreSQL server used instead of the embedded
	// one (DEVARCH_DATABASE_URL). DevArch neither starts nor stops it.
	DatabaseURL string
	// PGBinaries forces the PostgreSQL installation to run (DEVARCH_PG_BINARIES).
	PGBinaries string
	// AppName becomes the connections' application_name (visible in pg_stat_activity).
	AppName string
	// Progress receives one line per step ("starting PostgreSQL 15 ..."). It never receives
	// the password or a connection string.
	Progress io.Writer
	// StartTimeout bounds initdb + start; default 60 s.
	StartTimeout time.Duration
}

// OptionsFromEnv fills Options from the process environment.
func OptionsFromEnv(dirs appdir.Dirs, appName string) Options {
	return Options{
		Dirs:        dirs,
		DatabaseURL: os.Getenv("DEVARCH_DATABASE_URL"),
		PGBinaries:  os.Getenv("DEVARCH_PG_BINARIES"),
		AppName:     appName,
	}
}

// Info describes how this process reached its database, for doctor and the status bar.
type Info struct {
	External       bool   `json:"external"`
	Started        bool   `json:"started"`   // this process started the server (vs. attached)
	Recovered      bool   `json:"recovered"` // a stale server lock from an unclean stop was cleared
	Initialized    bool   `json:"initialized"`
	Port           int    `json:"port,omitempty"`
	DataDir        string `json:"dataDir,omitempty"`
	Major          int    `json:"major,omitempty"`
	BinariesSource string `json:"binariesSource,omitempty"`
	ServerAccount  string `json:"serverAccount,omitempty"`
	SchemaVersion  int    `json:"schemaVersion"`
	Migrated       []int  `json:"migrated,omitempty"` // migrations applied by this process
}

// DB is an open, migrated database. Close it exactly once.
type DB struct {
	Pool *pgxpool.Pool
	Info Info

	opts  Options
	lease *pgx.Conn
	acc   account
	ctl   string // wrapper pg_ctl used to stop the server
}

// Open returns a ready database: the embedded server started or attached (or the external
// one connected), and migrations applied.
func Open(ctx context.Context, opts Options) (*DB, error) {
	if opts.StartTimeout == 0 {
		opts.StartTimeout = 60 * time.Second
	}
	if opts.AppName == "" {
		opts.AppName = "devarch"
	}
	var db *DB
	var err error
	if opts.DatabaseURL != "" {
		db, err = openExternal(ctx, opts)
	} else {
		db, err = openEmbedded(ctx, opts)
	}
	if err != nil {
		return nil, err
	}
	applied, version, err := Migrate(ctx, db.Pool, migrations.Files)
	if err != nil {
		_ = db.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	db.Info.Migrated = applied
	db.Info.SchemaVersion = version
	return db, nil
}

func openExternal(ctx context.Context, opts Options) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(opts.DatabaseURL)
	if err != nil {
		// pgx's parse error can echo the URL, password included: never show it.
		return nil, model.NewError(model.KindInvalid, "DEVARCH_DATABASE_URL is not a valid PostgreSQL URL",
			"Use the form postgres://USER:PASSWORD@HOST:PORT/DATABASE.")
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = opts.AppName
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err == nil {
		err = pool.Ping(ctx)
	}
	if err != nil {
		if pool != nil {
			pool.Close()
		}
		return nil, model.Wrap(model.KindUnavailable, err, "cannot reach the database at DEVARCH_DATABASE_URL",
			fmt.Sprintf("%s. Check that the server runs and accepts the credentials, or unset DEVARCH_DATABASE_URL to use the embedded database.", redact(err.Error(), cfg.ConnConfig.Password)))
	}
	return &DB{Pool: pool, Info: Info{External: true}, opts: opts}, nil
}

func (o Options) progress(format string, args ...any) {
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, format+"\n", args...)
	}
}

func openEmbedded(ctx context.Context, opts Options) (*DB, error) {
	pgDir := opts.Dirs.Postgres
	if err := os.MkdirAll(pgDir, 0o700); err != nil {
		return nil, model.Wrap(model.KindUnavailable, err, "cannot create the database directory", err.Error())
	}
	acc, err := currentAccount()
	if err != nil {
		return nil, err
	}
	if acc.drop {
		// DevArch's own home must be passable (x, not r) for the server account too.
		if fi, err := os.Stat(opts.Dirs.Home); err == nil && fi.Mode().Perm()&0o001 == 0 {
			_ = os.Chmod(opts.Dirs.Home, fi.Mode().Perm()|0o001)
		}
		// The server account must pass through (not list) this directory to reach its data,
		// socket and the one-time password file; everything else in it stays 0600/0700.
		if err := os.Chmod(pgDir, 0o711); err != nil {
			return nil, model.Wrap(model.KindUnavailable, err, "cannot set permissions on the database directory", err.Error())
		}
	}
	lock, err := acquireLock(ctx, filepath.Join(pgDir, "lock"))
	if err != nil {
		return nil, err
	}
	defer lock.release()

	dataDir := filepath.Join(pgDir, "data")
	db := &DB{opts: opts, acc: acc, ctl: filepath.Join(pgDir, "wrappers", "bin", "pg_ctl")}
	db.Info.DataDir = dataDir
	if acc.drop {
		db.Info.ServerAccount = acc.name
	}

	password, err := readOrCreatePassword(filepath.Join(pgDir, "password"), dataDir)
	if err != nil {
		return nil, err
	}

	// Attach to a server another DevArch process (or a killed one) left running.
	if pid, port, ok := readPostmasterPID(dataDir); ok {
		if postmasterAlive(pid, dataDir) {
			err := db.connect(ctx, port, password)
			if err == nil {
				db.Info.Port = port
				db.Info.Major, _ = clusterMajor(dataDir)
				return db, nil
			}
			if !errors.Is(err, errServerGone) {
				return nil, err
			}
			// It died while we attached: start a new one below.
		}
		// Unclean shutdown: the postmaster is gone but its lock file stayed. The file stays
		// for now: PostgreSQL uses it to refuse to start while children of the dead server
		// still hold its shared memory (start retries until they exit). Only a PID reused
		// by an unrelated process makes PostgreSQL refuse for good; start handles that.
		opts.progress("recovering from an unclean shutdown (stale server pid %d)", pid)
		db.Info.Recovered = true
	}

	err = db.start(ctx, password)
	if errors.Is(err, errServerGone) {
		// The new server died right after starting (e.g. the children of a killed one were
		// still exiting): one more start.
		err = db.start(ctx, password)
	}
	if err != nil {
		if errors.Is(err, errServerGone) {
			return nil, model.NewError(model.KindUnavailable, "PostgreSQL stopped right after starting",
				"See "+filepath.Join(opts.Dirs.Postgres, "data", "log")+" for the server's own messages, then start DevArch again.")
		}
		return nil, err
	}
	return db, nil
}

// errServerGone means the server this process was connecting to is not running.
var errServerGone = errors.New("the PostgreSQL server is not running")

func (db *DB) start(ctx context.Context, password string) error {
	opts, acc := db.opts, db.acc
	pgDir := opts.Dirs.Postgres
	dataDir := db.Info.DataDir

	major, err := clusterMajor(dataDir)
	if err != nil {
		return model.Wrap(model.KindUnavailable, err, "cannot read the database's PG_VERSION", err.Error())
	}
	bins, err := findBinaries(opts.PGBinaries, major, filepath.Join(pgDir, "binaries"))
	if err != nil {
		return err
	}
	if bins.Source == "download" {
		if acc.drop {
			return model.NewError(model.KindUnavailable, "no PostgreSQL binaries found",
				fmt.Sprintf("DevArch runs as root and found no PostgreSQL %d installation. Install one (Debian/Ubuntu: apt-get install postgresql-%d) or set DEVARCH_PG_BINARIES.", bins.Major, bins.Major))
		}
		opts.progress("no local PostgreSQL found: downloading PostgreSQL %s", bins.Library)
	}
	db.Info.Major = bins.Major
	db.Info.BinariesSource = bins.Source

	if err := acc.ensureReachable(pgDir); err != nil {
		return err
	}
	if major != 0 {
		if err := acc.ensureOwned(dataDir); err != nil {
			return err
		}
	}
	sockDir := socketDir(pgDir)
	if err := acc.ensureOwned(sockDir); err != nil {
		return err
	}

	binPath := bins.Dir
	if bins.Source != "download" {
		binPath = filepath.Join(pgDir, "wrappers")
		if err := acc.writeWrappers(binPath, bins); err != nil {
			return err
		}
	}

	port, err := freePort()
	if err != nil {
		return model.Wrap(model.KindUnavailable, err, "no free loopback port for PostgreSQL", err.Error())
	}
	logFile, err := os.OpenFile(filepath.Join(pgDir, "server.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return model.Wrap(model.KindUnavailable, err, "cannot open the server log", err.Error())
	}
	defer logFile.Close()

	if major == 0 {
		opts.progress("creating the database cluster (PostgreSQL %d, %s binaries)", bins.Major, bins.Source)
		db.Info.Initialized = true
	}
	cfg := embeddedpostgres.DefaultConfig().
		Version(bins.Library).
		Port(uint32(port)).
		Database(dbName).
		Username(dbUser).
		Password(password).
		RuntimePath(filepath.Join(pgDir, "runtime")).
		DataPath(dataDir).
		BinariesPath(binPath).
		CachePath(filepath.Join(pgDir, "cache")).
		Locale("C.UTF-8").
		Encoding("UTF8").
		StartTimeout(opts.StartTimeout).
		Logger(logFile).
		StartParameters(map[string]string{
			"listen_addresses":         "127.0.0.1",
			"unix_socket_directories":  sockDir,
			"unix_socket_permissions":  "0700",
			"logging_collector":        "on",
			"log_directory":            "log",
			"log_filename":             "postgresql-%a.log",
			"log_truncate_on_rotation": "on",
			"max_connections":          "50",
			"shared_buffers":           "32MB",
			"fsync":                    "on",
		})
	if acc.drop {
		db.Info.ServerAccount = acc.name
	}
	// After a kill -9 the dead server's children hold its shared memory for a moment, and
	// PostgreSQL refuses to start until they exit: retry for a while. A lock file naming a
	// PID that is alive but not our postmaster (checked by the caller) was reused by an
	// unrelated process: remove it and retry.
	var startErr error
	deadline := time.Now().Add(15 * time.Second)
	for {
		ep := embeddedpostgres.NewDatabase(cfg)
		if startErr = ep.Start(); startErr == nil {
			break
		}
		msg := startErr.Error()
		if strings.Contains(msg, "lock file") && strings.Contains(msg, "already exists") {
			if pid, _, ok := readPostmasterPID(dataDir); ok && !postmasterAlive(pid, dataDir) {
				_ = os.Remove(filepath.Join(dataDir, "postmaster.pid"))
			}
		}
		if ctx.Err() != nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(300 * time.Millisecond)
	}
	if startErr != nil {
		return startError(startErr, bins, pgDir)
	}
	db.Info.Started = true
	db.Info.Port = port
	if err := db.connect(ctx, port, password); err != nil {
		if !errors.Is(err, errServerGone) {
			db.stopServer()
		}
		return err
	}
	return nil
}

func startError(err error, bins Binaries, pgDir string) error {
	msg := err.Error()
	switch {
	case bins.Source == "download":
		return model.Wrap(model.KindUnavailable, err, "no PostgreSQL binaries found",
			fmt.Sprintf("Downloading PostgreSQL %s failed (%s). Install PostgreSQL (Debian/Ubuntu: apt-get install postgresql-%d) or set DEVARCH_PG_BINARIES to an installation.", bins.Library, firstLine(msg), bins.Major))
	case strings.Contains(msg, "cannot be run as root"):
		return rootError("the server still ran as root")
	default:
		return model.Wrap(model.KindUnavailable, err, "PostgreSQL did not start",
			fmt.Sprintf("%s\nSee %s and %s for the server's own messages.", tail(msg, 1500), filepath.Join(pgDir, "server.log"), filepath.Join(pgDir, "data", "log")))
	}
}

// connect opens the pool and takes this process's lease on the server.
func (db *DB) connect(ctx context.Context, port int, password string) error {
	dsn := fmt.Sprintf("host=127.0.0.1 port=%d user=%s dbname=%s sslmode=disable connect_timeout=5", port, dbUser, dbName)
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return model.Wrap(model.KindInternal, err, "bad connection settings", err.Error())
	}
	cfg.ConnConfig.Password = password
	cfg.ConnConfig.RuntimeParams["application_name"] = db.opts.AppName
	cfg.MaxConns = 8

	var lease *pgx.Conn
	deadline := time.Now().Add(db.opts.StartTimeout)
	for {
		lease, err = pgx.ConnectConfig(ctx, cfg.ConnConfig.Copy())
		if err == nil || time.Now().After(deadline) || ctx.Err() != nil {
			break
		}
		// Waiting only makes sense while the server lives: one that died (or is being
		// replaced) is started again by the caller.
		if pid, _, ok := readPostmasterPID(db.Info.DataDir); !ok || !postmasterAlive(pid, db.Info.DataDir) {
			return errServerGone
		}
		time.Sleep(100 * time.Millisecond) // the server may be finishing its start-up
	}
	if err != nil {
		return model.Wrap(model.KindUnavailable, err, "cannot connect to the embedded PostgreSQL",
			fmt.Sprintf("%s (port %d). If another program took the port, stop DevArch everywhere and start it again.", redact(err.Error(), password), port))
	}
	var ok bool
	if err := lease.QueryRow(ctx, "SELECT pg_try_advisory_lock_shared($1, $2)", lockClass, leaseObject).Scan(&ok); err != nil || !ok {
		lease.Close(ctx)
		return model.NewError(model.KindUnavailable, "the embedded PostgreSQL is shutting down", "Try again in a moment.")
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		lease.Close(ctx)
		return model.Wrap(model.KindUnavailable, err, "cannot open the connection pool", redact(err.Error(), password))
	}
	db.Pool, db.lease = pool, lease
	return nil
}

// Close releases this process's lease and stops the embedded server when no other DevArch
// process uses it. It leaves no postgres process behind when it is the last one.
func (db *DB) Close(ctx context.Context) error {
	if db.Pool != nil {
		db.Pool.Close()
	}
	if db.Info.External || db.lease == nil {
		return nil
	}
	lock, lockErr := acquireLock(ctx, filepath.Join(db.opts.Dirs.Postgres, "lock"))
	defer lock.release()

	last := false
	if _, err := db.lease.Exec(ctx, "SELECT pg_advisory_unlock_shared($1, $2)", lockClass, leaseObject); err == nil {
		_ = db.lease.QueryRow(ctx, "SELECT pg_try_advisory_lock($1, $2)", lockClass, leaseObject).Scan(&last)
	}
	_ = db.lease.Close(ctx)
	db.lease = nil
	if !last {
		return nil
	}
	if lockErr != nil {
		// Could not serialize with other processes: stopping now could pull the server from
		// under one that is attaching. Leave it; the next start attaches to it.
		return nil
	}
	return db.stopServer()
}

func (db *DB) stopServer() error {
	cmd := exec.Command(db.ctl, "stop", "-w", "-m", "fast", "-t", "30", "-D", db.Info.DataDir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return model.Wrap(model.KindUnavailable, err, "PostgreSQL did not stop cleanly", strings.TrimSpace(string(out)))
	}
	return nil
}

// acquireLock waits for the start/stop lock, polling so ctx can end the wait.
func acquireLock(ctx context.Context, path string) (*fileLock, error) {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		l, ok, err := tryLockFile(path)
		if err != nil {
			return nil, model.Wrap(model.KindUnavailable, err, "cannot lock the database directory", err.Error())
		}
		if ok {
			return l, nil
		}
		if ctx.Err() != nil || time.Now().After(deadline) {
			return nil, model.NewError(model.KindUnavailable, "another DevArch process is starting or stopping the database",
				"It did not finish in time. If no DevArch is running, delete "+path+" and retry.")
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// readOrCreatePassword returns the server password, creating it (32 random bytes, hex) for
// a new cluster. The file is 0600 and never logged.
func readOrCreatePassword(path, dataDir string) (string, error) {
	data, err := os.ReadFile(path)
	if err == nil {
		pw := strings.TrimSpace(string(data))
		if pw != "" {
			return pw, nil
		}
	}
	if err != nil && !os.IsNotExist(err) {
		return "", model.Wrap(model.KindUnavailable, err, "cannot read the database password file", err.Error())
	}
	if m, _ := clusterMajor(dataDir); m != 0 {
		return "", model.NewError(model.KindUnavailable, "the database password file is missing",
			fmt.Sprintf("%s holds a database but %s is gone, so DevArch cannot log in. Restore the file, or move %s away to start with an empty database.", dataDir, path, dataDir))
	}
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return "", err
	}
	pw := hex.EncodeToString(buf)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(pw), 0o600); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", err
	}
	return pw, nil
}

// readPostmasterPID reads the server's own lock file: line 1 is the PID, line 4 the port.
// It doubles as DevArch's discovery record, so no second state file can disagree with it.
func readPostmasterPID(dataDir string) (pid, port int, ok bool) {
	data, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
	if err != nil {
		return 0, 0, false
	}
	lines := strings.Split(string(data), "\n")
	if len(lines) < 4 {
		return 0, 0, len(lines) > 0 && lines[0] != ""
	}
	pid, _ = strconv.Atoi(strings.TrimSpace(lines[0]))
	port, _ = strconv.Atoi(strings.TrimSpace(lines[3]))
	return pid, port, true
}

// socketDir is a private directory for the server's unix socket. Socket paths are limited to
// ~107 bytes, so a deep data home falls back to a short per-home directory under /tmp.
func socketDir(pgDir string) string {
	d := filepath.Join(pgDir, "socket")
	if len(d)+len("/.s.PGSQL.65535") < 100 {
		return d
	}
	sum := 0
	for _, c := range pgDir {
		sum = sum*31 + int(c)
	}
	return filepath.Join(os.TempDir(), fmt.Sprintf("devarch-%d-%08x", os.Getuid(), uint32(sum)))
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func redact(s, secret string) string {
	if secret == "" {
		return s
	}
	return strings.ReplaceAll(s, secret, "(sensitive)")
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func tail(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}
