//go:build unix

package database

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// The embedded server's lifetime after its last client.
//
// Starting PostgreSQL costs about 300 ms, far more than a CLI command's own work, so the
// server outlives the last DevArch process that used it by the linger period (default 10
// minutes, DEVARCH_DB_LINGER). Something must still stop it: the last process to leave
// (Close, under the start/stop file lock) makes sure a *keeper* runs. The keeper is this same
// binary re-executed with KeeperArg as its first argument, detached (its own session, cwd /,
// stdin and stdout /dev/null, stderr appended to postgres/linger.log, no descriptor of the
// caller's), so `out=$(devarch stack list)` returns as soon as the command is done and no
// terminal is held. It connects to the server without a lease, takes the keeper advisory
// lock (so there is one keeper per server) and LISTENs for the linger of each last process
// to leave. Every tick (1 s, shorter for short lingers) it:
//
//   - checks that the data home still holds this server (PG_VERSION is there and
//     postmaster.pid names the same postmaster); when the home was deleted or replaced it
//     stops the server (immediately: its files are gone) and exits;
//   - counts the leases (shared advisory locks) held by DevArch processes; while there are
//     some the server is in use, and the idle clock starts again when the last one leaves;
//   - once idle for the linger, takes the file lock and the exclusive lease (so nobody is
//     attaching or using it), stops the server (fast shutdown) and exits.
//
// It exits as soon as the server stops for any other reason (devarch db stop, a process with
// DEVARCH_DB_LINGER=0 leaving last, a crash): its connection ends. It publishes its state in
// its application_name ("devarch-linger p=PID i=IDLE_SINCE_MS l=LINGER_MS"), which is how
// `devarch db status` knows the time left without a state file that could go stale.

// ensureKeeper starts a keeper, when this process lingers and none watches the server yet,
// as soon as it has its lease (under the start lock): so a server whose last process is
// killed (no Close) is still stopped after the linger. A failure here is not fatal: Close
// tries again and stops the server if it cannot hand it over.
func (db *DB) ensureKeeper() {
	if db.opts.Linger <= 0 || db.keeperSeen || !keeperCapable.Load() {
		return
	}
	if err := startKeeper(db.opts.Dirs.Postgres, db.opts.Linger); err != nil {
		db.opts.progress("%v", err)
		return
	}
	db.keeperSeen = true
}

// handToKeeper leaves the server to a keeper: it tells a running one (NOTIFY) that the last
// process just left and this process's linger, or starts one and waits until it watches the
// server. The caller holds the start/stop file lock and no lease.
func (db *DB) handToKeeper(ctx context.Context) error {
	var keeper bool
	err := db.lease.QueryRow(ctx, "SELECT "+keeperExists+" FROM (SELECT pg_notify($2, $4)) n",
		lockClass, lingerChannel, keeperObject, strconv.FormatInt(db.opts.Linger.Milliseconds(), 10)).Scan(&keeper)
	if err != nil {
		return err
	}
	if keeper {
		return nil
	}
	if !keeperCapable.Load() {
		return errors.New("this program cannot run the linger keeper (no database.KeeperEntry in its main)")
	}
	return startKeeper(db.opts.Dirs.Postgres, db.opts.Linger)
}

// startKeeper runs the keeper for the server on pgDir, detached, and waits (at most 10 s)
// until it reports that it watches the server ("ready") or that another keeper does
// ("exists").
func startKeeper(pgDir string, linger time.Duration) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("cannot find this program to start the linger keeper: %w", err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	defer r.Close()
	logFile, err := os.OpenFile(filepath.Join(pgDir, "linger.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND|noFollow, 0o600)
	if err != nil {
		w.Close()
		return fmt.Errorf("cannot open the linger keeper's log: %w", err)
	}
	defer logFile.Close()
	if fi, err := logFile.Stat(); err == nil && fi.Size() > 1<<20 {
		_ = logFile.Truncate(0) // two lines per server lifetime: only a very old log gets here
	}
	cmd := exec.Command(exe, KeeperArg, "--pgdir", pgDir, "--linger", linger.String())
	cmd.Dir = "/"
	cmd.Env = serverEnv()
	cmd.Stderr = logFile // stdin and stdout are /dev/null
	cmd.ExtraFiles = []*os.File{w}
	// Its own session: no controlling terminal, and a Ctrl+C or hang-up of the terminal that
	// ran the command never reaches it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	err = cmd.Start()
	w.Close()
	if err != nil {
		return fmt.Errorf("cannot start the linger keeper: %w", err)
	}
	// Reap it if this process outlives it (the window); a CLI command exits first and the
	// keeper is re-parented.
	go func() { _ = cmd.Wait() }()
	_ = r.SetReadDeadline(time.Now().Add(10 * time.Second))
	line, _ := bufio.NewReader(r).ReadString('\n')
	switch strings.TrimSpace(line) {
	case "ready", "exists":
		return nil
	}
	_ = cmd.Process.Kill()
	return fmt.Errorf("the linger keeper did not start (see %s)", filepath.Join(pgDir, "linger.log"))
}

// KeeperMain runs the linger keeper (args are what follows KeeperArg) and returns its exit
// code. It expects the descriptor 3 startKeeper hands it to report readiness.
func KeeperMain(args []string) int {
	k := keeper{logf: func(format string, a ...any) {
		fmt.Fprintf(os.Stderr, "%s keeper %d: %s\n", time.Now().UTC().Format(time.RFC3339), os.Getpid(), fmt.Sprintf(format, a...))
	}}
	for i := 0; i+1 < len(args); i += 2 {
		switch args[i] {
		case "--pgdir":
			k.pgDir = args[i+1]
		case "--linger":
			d, err := time.ParseDuration(args[i+1])
			if err != nil {
				k.logf("bad --linger: %v", err)
				return 2
			}
			k.linger = d
		}
	}
	if !filepath.IsAbs(k.pgDir) || k.linger <= 0 {
		k.logf("usage: %s --pgdir ABSOLUTE_DIR --linger DURATION", KeeperArg)
		return 2
	}
	ready := os.NewFile(3, "ready")
	err := k.run(ready)
	if ready != nil {
		ready.Close()
	}
	if err != nil {
		k.logf("%v", err)
		return 1
	}
	return 0
}

type keeper struct {
	pgDir  string
	linger time.Duration
	logf   func(format string, a ...any)

	dataDir string
	pm      postmaster // the server watched, as postmaster.pid named it at the start
	dataIno uint64     // the data directory's inode: a new cluster in its place is not ours
	acc     account
	conn    *pgx.Conn
}

func (k *keeper) run(ready *os.File) error {
	k.dataDir = filepath.Join(k.pgDir, "data")
	ctx := context.Background()
	pm, ok := readPostmasterPID(k.dataDir)
	if !ok || !postmasterAlive(pm.pid, k.dataDir) {
		return errors.New("no server to watch")
	}
	k.pm = pm
	fi, err := os.Stat(k.dataDir)
	if err != nil {
		return err
	}
	k.dataIno = fi.Sys().(*syscall.Stat_t).Ino
	if k.acc, err = currentAccount(); err != nil {
		return err
	}
	conn, err := dialServer(ctx, k.pgDir, pm, k.acc, keeperApp)
	if err != nil {
		return err
	}
	k.conn = conn
	defer conn.Close(context.Background())
	var mine bool
	if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1, $2)", lockClass, keeperObject).Scan(&mine); err != nil {
		return err
	}
	if !mine {
		fmt.Fprintln(ready, "exists")
		return nil
	}
	if _, err := conn.Exec(ctx, "LISTEN "+lingerChannel); err != nil {
		return err
	}
	idleSince := time.Now() // started by the last process to leave
	k.publish(ctx, idleSince)
	fmt.Fprintln(ready, "ready")
	ready.Close()
	k.logf("watching server pid %d, linger %s", pm.pid, k.linger)

	for {
		if why := k.orphaned(); why != "" {
			k.logf("%s: stopping server pid %d", why, pm.pid)
			sig := syscall.SIGINT
			if strings.HasPrefix(why, "the data") {
				sig = syscall.SIGQUIT // its files are gone: nothing to write back
			}
			k.acc.removeTempSocketDir(pm.socketDir)
			return stopPostmaster(pm.pid, k.dataDir, sig)
		}
		var holders []int32 // the server processes (backends) of the connections holding leases
		if err := conn.QueryRow(ctx, `SELECT coalesce(array_agg(pid), '{}') FROM pg_locks WHERE locktype = 'advisory'
			AND classid = $1::bigint::oid AND objid = $2::bigint::oid AND objsubid = 2 AND granted`,
			lockClass, leaseObject).Scan(&holders); err != nil {
			return k.connectionLost(err)
		}
		leases := len(holders)
		switch {
		case leases > 0 && !idleSince.IsZero():
			idleSince = time.Time{}
			k.publish(ctx, idleSince)
		case leases == 0 && idleSince.IsZero():
			idleSince = time.Now()
			k.publish(ctx, idleSince)
		}
		wait := k.tick()
		if leases > 0 {
			// Clients are connected (the window is open): the last one to leave wakes the
			// keeper with NOTIFY, and a killed one ends its backend process, which wakes it
			// through a pidfd (see below): no timer at all while DevArch is idle (issue: lean
			// at idle). Without pidfds, looking every busyTick finds a killed client.
			wait = k.busyTick()
		}
		if !idleSince.IsZero() {
			left := time.Until(idleSince.Add(k.linger))
			if left <= 0 {
				stopped, err := k.stopIfIdle(ctx)
				if err != nil || stopped {
					return err
				}
				left = wait
			}
			wait = min(wait, left)
		}
		wctx, cancel := context.WithCancel(ctx)
		timer := true
		if leases > 0 {
			pids := make([]int, len(holders))
			for i, p := range holders {
				pids[i] = int(p)
			}
			if exited, ok := watchExits(wctx, pids); ok {
				timer = false
				go func() {
					select {
					case <-exited:
						cancel()
					case <-wctx.Done():
					}
				}()
			}
		}
		var t *time.Timer
		if timer {
			t = time.AfterFunc(wait, cancel)
		}
		n, err := conn.WaitForNotification(wctx)
		if t != nil {
			t.Stop()
		}
		cancel()
		switch {
		case err == nil && n != nil:
			// The last process just left: its linger applies from now.
			if ms, perr := strconv.ParseInt(n.Payload, 10, 64); perr == nil && ms > 0 {
				k.linger = time.Duration(ms) * time.Millisecond
			}
			idleSince = time.Now()
			k.publish(ctx, idleSince)
		case err != nil && wctx.Err() == nil:
			return k.connectionLost(err)
		}
	}
}

// connectionLost ends the keeper when its connection ended: normally because the server is
// shutting down (db stop, a process with no linger leaving last, a crash), so it waits for the
// postmaster to exit. A server that stays up without the keeper's connection is left to the
// next DevArch process to leave, which starts a new keeper.
func (k *keeper) connectionLost(err error) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if !postmasterAlive(k.pm.pid, k.dataDir) {
			k.logf("server pid %d stopped", k.pm.pid)
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("lost the connection to server pid %d, which still runs: %v", k.pm.pid, err)
}

// tick is how often the keeper looks: every second, more often for a linger of seconds.
func (k *keeper) tick() time.Duration {
	return max(50*time.Millisecond, min(time.Second, k.linger/4))
}

// busyTick is how often the keeper looks while clients hold leases: half the linger, at
// most 30 s (a killed client's server then stops at most 30 s after its linger), never more
// often than tick.
func (k *keeper) busyTick() time.Duration {
	return max(k.tick(), min(30*time.Second, k.linger/2))
}

// publish shows the keeper's state in its application_name for `devarch db status`.
func (k *keeper) publish(ctx context.Context, idleSince time.Time) {
	var idle int64
	if !idleSince.IsZero() {
		idle = idleSince.UnixMilli()
	}
	name := fmt.Sprintf("%s p=%d i=%d l=%d", keeperApp, os.Getpid(), idle, k.linger.Milliseconds())
	_, _ = k.conn.Exec(ctx, "SELECT set_config('application_name', $1, false)", name)
}

// orphaned says why the server no longer belongs to the data home ("" when it does): the
// data home was deleted or moved, or postmaster.pid names another process (the server
// stopped and a new one started, or the directory was replaced).
func (k *keeper) orphaned() string {
	fi, err := os.Stat(k.dataDir)
	if err != nil || fi.Sys().(*syscall.Stat_t).Ino != k.dataIno {
		return "the data home was deleted or replaced"
	}
	if _, err := os.Stat(filepath.Join(k.dataDir, "PG_VERSION")); err != nil {
		return "the data directory lost its PG_VERSION"
	}
	if pm, ok := readPostmasterPID(k.dataDir); (!ok || pm.pid != k.pm.pid) && postmasterAlive(k.pm.pid, k.dataDir) {
		return "postmaster.pid no longer names the server"
	}
	return ""
}

// stopIfIdle stops the server when, under the file lock, no DevArch process holds a lease.
// It reports false when one does (or the lock is busy): the caller keeps watching.
func (k *keeper) stopIfIdle(ctx context.Context) (bool, error) {
	lock, ok, err := tryLockFile(filepath.Join(k.pgDir, "lock"))
	if err != nil || !ok {
		return false, nil
	}
	defer lock.release()
	var free bool
	if err := k.conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1, $2)", lockClass, leaseObject).Scan(&free); err != nil || !free {
		return false, nil
	}
	k.logf("idle for %s: stopping server pid %d", k.linger, k.pm.pid)
	err = stopPostmaster(k.pm.pid, k.dataDir, syscall.SIGINT)
	k.acc.removeTempSocketDir(k.pm.socketDir)
	return true, err
}
