//go:build linux

package dbtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/devarch/devarch/backend/database"
)

// teamRole is the role every external-mode database belongs to and every client logs in
// as: no superuser, no CREATEDB, no CREATEROLE, only the owner of its database (what a DBA
// gives a team). Two clients of one store share it.
const teamRole = "devarch_team"

// externalServer is the harness's separate PostgreSQL: a postmaster that is this process's
// child (in its own session, killed with the test process if that dies: Pdeathsig), on a
// free loopback port, with its cluster in a temporary directory removed by stop.
type externalServer struct {
	dir      string
	port     int
	cmd      *exec.Cmd
	exited   chan struct{}
	admin    *pgxpool.Pool
	teamPass string
}

var external *externalServer

// startExternal starts the external server from the same binaries the embedded server runs
// (their BINDIR, asked of the embedded test server), as the account the embedded server
// runs as: the caller's, or as root the unprivileged database.ServerAccount, which
// PostgreSQL needs (it refuses to run as root).
func startExternal(ctx context.Context) (_ *externalServer, err error) {
	emb, err := startServer()
	if err != nil {
		return nil, err
	}
	var binDir string
	if err := emb.Pool.QueryRow(ctx, `SELECT setting FROM pg_config WHERE name = 'BINDIR'`).Scan(&binDir); err != nil {
		return nil, fmt.Errorf("asking the embedded server for its binaries: %w", err)
	}
	var cred *syscall.Credential
	uid, gid := os.Geteuid(), os.Getegid()
	if uid == 0 {
		u, err := user.Lookup(database.ServerAccount)
		if err != nil {
			return nil, fmt.Errorf("the embedded server's account %s: %w", database.ServerAccount, err)
		}
		uid, _ = strconv.Atoi(u.Uid)
		gid, _ = strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}
	}
	removeStale()
	dir, err := os.MkdirTemp("", "devarch-extpg-")
	if err != nil {
		return nil, err
	}
	s := &externalServer{dir: dir, exited: make(chan struct{})}
	defer func() {
		if err != nil {
			s.stop()
		}
	}()
	_ = os.Chmod(dir, 0o755) // the server account enters it; the cluster inside is 0700
	data, sock := filepath.Join(dir, "data"), filepath.Join(dir, "sock")
	for _, d := range []string{data, sock} {
		if err := os.Mkdir(d, 0o700); err != nil {
			return nil, err
		}
		if err := os.Chown(d, uid, gid); err != nil {
			return nil, err
		}
	}
	adminPass, teamPass := randomHex(16), randomHex(16)
	pwFile := filepath.Join(dir, "pw")
	if err := os.WriteFile(pwFile, []byte(adminPass+"\n"), 0o600); err != nil {
		return nil, err
	}
	if err := os.Chown(pwFile, uid, gid); err != nil {
		return nil, err
	}
	initdb := exec.CommandContext(ctx, filepath.Join(binDir, "initdb"), "-D", data, "-U", "admin",
		"--pwfile="+pwFile, "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-sync")
	initdb.Dir = "/"
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL}
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	_ = os.Remove(pwFile)

	port, err := freeLoopbackPort()
	if err != nil {
		return nil, err
	}
	s.port = port
	logFile, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	s.cmd = exec.Command(filepath.Join(binDir, "postgres"), "-D", data, "-p", strconv.Itoa(port),
		"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="+sock,
		"-c", "password_encryption=scram-sha-256", "-c", "max_connections=200")
	s.cmd.Dir = "/"
	s.cmd.Stdout, s.cmd.Stderr = logFile, logFile
	// Its own session (a Ctrl+C of go test reaches it only through stop), and SIGQUIT
	// (immediate shutdown, children included) if this process dies without stopping it.
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Credential: cred, Pdeathsig: syscall.SIGQUIT}
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting postgres: %w", err)
	}
	go func() { _ = s.cmd.Wait(); close(s.exited) }()

	cfg, err := pgxpool.ParseConfig(fmt.Sprintf("postgres://admin:%s@127.0.0.1:%d/postgres?sslmode=disable", adminPass, port))
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		conn, err := pgx.ConnectConfig(ctx, cfg.ConnConfig)
		if err == nil {
			_ = conn.Close(ctx)
			break
		}
		select {
		case <-s.exited:
			log, _ := os.ReadFile(filepath.Join(dir, "server.log"))
			return nil, fmt.Errorf("postgres exited during its start:\n%s", log)
		default:
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("postgres did not accept connections within 60s: %w", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if s.admin, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		return nil, err
	}
	if _, err := s.admin.Exec(ctx, fmt.Sprintf(`CREATE ROLE %s LOGIN PASSWORD '%s' NOSUPERUSER NOCREATEDB NOCREATEROLE`, teamRole, teamPass)); err != nil {
		return nil, err
	}
	s.teamPass = teamPass
	return s, nil
}

// stop shuts the server down (fast shutdown: SIGINT; SIGKILL after 30 s) and removes its
// directory. Nothing of it outlives the test process.
func (s *externalServer) stop() {
	if s.admin != nil {
		s.admin.Close()
	}
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-s.exited:
		case <-time.After(30 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
	}
	_ = os.RemoveAll(s.dir)
}

// newDatabase creates a database owned by the team role and returns its name.
func (s *externalServer) newDatabase(ctx context.Context) (string, error) {
	name := "t_" + randomHex(6)
	_, err := s.admin.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s OWNER %s", name, teamRole))
	return name, err
}

// config is a pool config logging in to database name as the team role over TCP.
func (s *externalServer) config(name string) (*pgxpool.Config, error) {
	return pgxpool.ParseConfig(fmt.Sprintf("postgres://%s:%s@127.0.0.1:%d/%s?sslmode=disable", teamRole, s.teamPass, s.port, name))
}

func (s *externalServer) dropDatabase(name string) {
	_, _ = s.admin.Exec(context.Background(), fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name))
}

// removeStale removes what a killed test process left: the directories of external servers
// that no longer run (the server itself died with it, Pdeathsig). A directory with a live
// postmaster, or one without a postmaster.pid younger than ten minutes (another run's
// server being created), belongs to a run in progress and stays.
func removeStale() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "devarch-extpg-*"))
	for _, d := range dirs {
		fi, err := os.Lstat(d)
		if err != nil || !fi.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(d, "data", "postmaster.pid"))
		if err != nil {
			if time.Since(fi.ModTime()) > 10*time.Minute {
				_ = os.RemoveAll(d)
			}
			continue
		}
		first, _, _ := bytes.Cut(b, []byte("\n"))
		pid, err := strconv.Atoi(string(bytes.TrimSpace(first)))
		if err == nil && pid > 0 {
			if err := syscall.Kill(pid, 0); err == nil || errors.Is(err, syscall.EPERM) {
				continue // alive
			}
		}
		_ = os.RemoveAll(d)
	}
}

func freeLoopbackPort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func randomHex(n int) string {
	buf := make([]byte, n)
	_, _ = rand.Read(buf)
	return hex.EncodeToString(buf)
}
