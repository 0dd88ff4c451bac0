package database

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/devarch/devarch/backend/appdir"
	"github.com/devarch/devarch/backend/model"
)

// ServerStatus is what `devarch db status` reports. Reading it never starts the server.
type ServerStatus struct {
	External bool // DEVARCH_DATABASE_URL: DevArch neither starts nor stops that server
	Running  bool
	PID      int
	Port     int
	DataDir  string
	// Linger is this process's setting (what the next DevArch process to leave applies).
	Linger time.Duration
	// Clients are the DevArch processes holding a lease now.
	Clients []Client
	// Keeper is the linger keeper watching the server, nil when none does.
	Keeper *KeeperStatus
}

// Client is one DevArch process using the server.
type Client struct {
	App   string    // its application_name: devarch-cli, devarch-desktop, ...
	Since time.Time // when it connected
}

// KeeperStatus is the linger keeper's own account of its state.
type KeeperStatus struct {
	PID    int
	Linger time.Duration // the linger it applies (the last process to leave chose it)
	// IdleSince is when the last DevArch process left; zero while one uses the server.
	IdleSince time.Time
}

// StopsAt is when the keeper stops an idle server; zero while a process uses it.
func (k *KeeperStatus) StopsAt() time.Time {
	if k == nil || k.IdleSince.IsZero() {
		return time.Time{}
	}
	return k.IdleSince.Add(k.Linger)
}

// Status reports on the embedded server of opts.Dirs without starting it.
func Status(ctx context.Context, opts Options) (ServerStatus, error) {
	if opts.lingerErr != nil {
		return ServerStatus{}, opts.lingerErr
	}
	st := ServerStatus{Linger: opts.Linger, Clients: []Client{}}
	if opts.DatabaseURL != "" {
		st.External = true
		return st, nil
	}
	pgDir := opts.Dirs.Postgres
	st.DataDir = filepath.Join(pgDir, "data")
	if err := checkExistingHome(opts.Dirs.Home); err != nil {
		return st, err
	}
	pm, ok := runningServer(opts)
	if !ok {
		return st, nil
	}
	acc, err := currentAccount()
	if err != nil {
		return st, err
	}
	conn, err := dialServer(ctx, pgDir, pm, acc, "devarch-status")
	if err != nil {
		if stoppedMeanwhile(pm.pid, st.DataDir) {
			return st, nil
		}
		return st, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	st.Running, st.PID, st.Port = true, pm.pid, pm.port
	st.Clients, err = leaseHolders(ctx, conn)
	if err != nil {
		return st, model.Wrap(model.KindUnavailable, err, "cannot read the database's clients", err.Error())
	}
	st.Keeper, err = keeperState(ctx, conn)
	if err != nil {
		return st, model.Wrap(model.KindUnavailable, err, "cannot read the linger keeper's state", err.Error())
	}
	return st, nil
}

// StopResult is what `devarch db stop` did.
type StopResult struct {
	WasRunning bool
	PID        int // the server stopped
}

// Stop stops the embedded server now, unless a DevArch process holds a lease on it (the
// window, a running command): then it refuses with an error naming them, and changes
// nothing. It waits until the server and its keeper have exited.
func Stop(ctx context.Context, opts Options) (StopResult, error) {
	if opts.DatabaseURL != "" {
		return StopResult{}, model.NewError(model.KindInvalid, "DEVARCH_DATABASE_URL names an external server",
			"DevArch neither starts nor stops it; stop it the way it was started, or unset DEVARCH_DATABASE_URL to manage the embedded one.")
	}
	pgDir := opts.Dirs.Postgres
	dataDir := filepath.Join(pgDir, "data")
	if err := checkExistingHome(opts.Dirs.Home); err != nil {
		return StopResult{}, err
	}
	if _, ok := runningServer(opts); !ok {
		return StopResult{}, nil
	}
	lock, err := acquireLock(ctx, filepath.Join(pgDir, "lock"))
	if err != nil {
		return StopResult{}, err
	}
	defer lock.release()
	pm, ok := runningServer(opts) // again, under the lock
	if !ok {
		return StopResult{}, nil
	}
	acc, err := currentAccount()
	if err != nil {
		return StopResult{}, err
	}
	conn, err := dialServer(ctx, pgDir, pm, acc, "devarch-stop")
	if err != nil {
		if stoppedMeanwhile(pm.pid, dataDir) {
			return StopResult{}, nil
		}
		return StopResult{}, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var free bool
	if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1, $2)", lockClass, leaseObject).Scan(&free); err != nil {
		return StopResult{}, model.Wrap(model.KindUnavailable, err, "cannot check who uses the database", err.Error())
	}
	if !free {
		clients, _ := leaseHolders(ctx, conn)
		var who []string
		for _, c := range clients {
			who = append(who, fmt.Sprintf("%s (since %s)", c.App, c.Since.Local().Format("15:04:05")))
		}
		return StopResult{}, model.NewError(model.KindConflict, fmt.Sprintf("the database is in use by %d DevArch process(es): %s", len(clients), strings.Join(who, ", ")),
			"Close the DevArch window or let the running commands finish, then run devarch db stop again. Nothing was stopped.")
	}
	keeper, _ := keeperState(ctx, conn)
	if err := stopPostmaster(pm.pid, dataDir, syscall.SIGINT); err != nil {
		return StopResult{WasRunning: true, PID: pm.pid}, err
	}
	acc.removeTempSocketDir(pm.socketDir)
	if keeper != nil {
		// Its connection ended with the server: it exits at once.
		waitExit(keeper.PID, 10*time.Second)
	}
	return StopResult{WasRunning: true, PID: pm.pid}, nil
}

// checkExistingHome refuses a data home others control (appdir.CheckHome) before its
// password is read; a home that does not exist holds no server and is fine.
func checkExistingHome(home string) error {
	if _, err := os.Stat(home); err != nil {
		return nil
	}
	return appdir.CheckHome(home)
}

// runningServer reads postmaster.pid of a data home that passes CheckHome and returns the
// server when it is alive. It creates nothing.
func runningServer(opts Options) (postmaster, bool) {
	if _, err := os.Stat(opts.Dirs.Home); err != nil || appdir.CheckHome(opts.Dirs.Home) != nil {
		return postmaster{}, false
	}
	dataDir := filepath.Join(opts.Dirs.Postgres, "data")
	pm, ok := readPostmasterPID(dataDir)
	if !ok || !postmasterAlive(pm.pid, dataDir) {
		return postmaster{}, false
	}
	return pm, true
}

func leaseHolders(ctx context.Context, conn *pgx.Conn) ([]Client, error) {
	rows, err := conn.Query(ctx, `SELECT a.application_name, a.backend_start FROM pg_locks l
		JOIN pg_stat_activity a ON a.pid = l.pid
		WHERE l.locktype = 'advisory' AND l.classid = $1::bigint::oid AND l.objid = $2::bigint::oid
		AND l.objsubid = 2 AND l.granted AND l.mode = 'ShareLock'
		ORDER BY a.backend_start`, lockClass, leaseObject)
	if err != nil {
		return nil, err
	}
	clients := []Client{}
	for rows.Next() {
		var c Client
		if err := rows.Scan(&c.App, &c.Since); err != nil {
			return nil, err
		}
		clients = append(clients, c)
	}
	return clients, rows.Err()
}

// keeperState reads the keeper's application_name ("devarch-linger p=PID i=MS l=MS").
func keeperState(ctx context.Context, conn *pgx.Conn) (*KeeperStatus, error) {
	var names []string
	rows, err := conn.Query(ctx, "SELECT application_name FROM pg_stat_activity WHERE application_name LIKE $1", keeperApp+" %")
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, n := range names {
		if k, ok := parseKeeperApp(n); ok {
			return k, nil
		}
	}
	return nil, nil
}

func parseKeeperApp(s string) (*KeeperStatus, bool) {
	f := strings.Fields(s)
	if len(f) != 4 || f[0] != keeperApp {
		return nil, false
	}
	var k KeeperStatus
	for _, kv := range f[1:] {
		key, v, _ := strings.Cut(kv, "=")
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return nil, false
		}
		switch key {
		case "p":
			k.PID = int(n)
		case "i":
			if n > 0 {
				k.IdleSince = time.UnixMilli(n)
			}
		case "l":
			k.Linger = time.Duration(n) * time.Millisecond
		default:
			return nil, false
		}
	}
	return &k, k.PID > 0
}

// stoppedMeanwhile reports whether a server that refused a connection is stopping (its
// linger ended, or another process stopped it): it waits up to 10 s for it to exit.
func stoppedMeanwhile(pid int, dataDir string) bool {
	deadline := time.Now().Add(10 * time.Second)
	for postmasterAlive(pid, dataDir) {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
	return true
}

// dialServer connects to the running server pm over its private socket (checked first, as
// attach does), without taking a lease: status, stop and the keeper watch the server, they
// do not use it.
func dialServer(ctx context.Context, pgDir string, pm postmaster, acc account, appName string) (*pgx.Conn, error) {
	if err := acc.checkSocketDir(pm.socketDir, pgDir); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(filepath.Join(pgDir, "password"))
	if err != nil {
		return nil, model.Wrap(model.KindUnavailable, err, "cannot read the database password file", err.Error())
	}
	password := strings.TrimSpace(string(data))
	cfg, err := pgx.ParseConfig(fmt.Sprintf("host=%s port=%d user=%s dbname=%s sslmode=disable connect_timeout=5", dsnQuote(pm.socketDir), pm.port, dbUser, dbName))
	if err != nil {
		return nil, model.Wrap(model.KindInternal, err, "bad connection settings", err.Error())
	}
	cfg.Password = password
	cfg.RuntimeParams["application_name"] = appName
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, model.Wrap(model.KindUnavailable, err, "cannot connect to the embedded PostgreSQL", redact(err.Error(), password))
	}
	return conn, nil
}
