// Package bench measures DevArch against references run on the same machine in the same
// run. Start-up: time from nothing to "database ready" (server running, schema migrated,
// a query answered), cold (initdb) and warm (existing cluster), next to plain initdb +
// pg_ctl start of the same PostgreSQL, so the ratio shows DevArch's own overhead.
//
//	go test ./bench -run '^$' -bench Start -benchtime 10x
package bench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/appdir"
	"github.com/devarch/devarch/backend/database"
)

func tempHome(b *testing.B) string {
	b.Helper()
	dir, err := os.MkdirTemp("", "devarch-bench-")
	if err != nil {
		b.Fatal(err)
	}
	_ = os.Chmod(dir, 0o755)
	b.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func open(b *testing.B, home string) *database.DB {
	b.Helper()
	db, err := database.Open(context.Background(), database.Options{Dirs: appdir.FromHome(home), AppName: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	var one int
	if err := db.Pool.QueryRow(context.Background(), "SELECT 1").Scan(&one); err != nil {
		b.Fatal(err)
	}
	return db
}

// BenchmarkStart_DevArchCold: empty data home -> initdb, start, migrate, first query.
func BenchmarkStart_DevArchCold(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		home := tempHome(b)
		b.StartTimer()
		db := open(b, home)
		b.StopTimer()
		_ = db.Close(context.Background())
		b.StartTimer()
	}
}

// BenchmarkStart_DevArchWarm: existing cluster -> start, check migrations, first query.
func BenchmarkStart_DevArchWarm(b *testing.B) {
	home := tempHome(b)
	_ = open(b, home).Close(context.Background())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		db := open(b, home)
		b.StopTimer()
		_ = db.Close(context.Background())
		b.StartTimer()
	}
}

// reference runs the same PostgreSQL tools directly (as the server account when root).
type reference struct {
	bin      string
	uid, gid int
	root     bool
}

func newReference(b *testing.B) reference {
	b.Helper()
	r := reference{bin: "/usr/lib/postgresql/15/bin"}
	if env := os.Getenv("DEVARCH_PG_BINARIES"); env != "" {
		r.bin = filepath.Join(env, "bin")
	}
	if os.Geteuid() == 0 {
		u, err := user.Lookup(database.ServerAccount)
		if err != nil {
			// DevArch creates it on first start as root.
			_ = open(b, tempHome(b)).Close(context.Background())
			if u, err = user.Lookup(database.ServerAccount); err != nil {
				b.Fatal(err)
			}
		}
		r.uid, _ = strconv.Atoi(u.Uid)
		r.gid, _ = strconv.Atoi(u.Gid)
		r.root = true
	}
	return r
}

func (r reference) run(b *testing.B, tool string, args ...string) {
	b.Helper()
	argv := append([]string{filepath.Join(r.bin, tool)}, args...)
	if r.root {
		argv = append([]string{"setpriv", "--reuid=" + strconv.Itoa(r.uid), "--regid=" + strconv.Itoa(r.gid), "--clear-groups"}, argv...)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = "/"
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%v: %v\n%s", argv, err, out)
	}
}

func (r reference) dataDir(b *testing.B) string {
	home := tempHome(b)
	d := filepath.Join(home, "data")
	if err := os.MkdirAll(d, 0o700); err != nil {
		b.Fatal(err)
	}
	if r.root {
		_ = os.Chown(d, r.uid, r.gid)
	}
	return d
}

func (r reference) start(b *testing.B, data string) {
	port := 20000 + int(time.Now().UnixNano()%20000)
	r.run(b, "pg_ctl", "start", "-w", "-s", "-D", data, "-l", data+"/log.txt",
		"-o", fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -c unix_socket_directories=%s", port, data))
}

// BenchmarkStart_ReferenceCold: initdb + pg_ctl start -w, nothing else.
func BenchmarkStart_ReferenceCold(b *testing.B) {
	r := newReference(b)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		data := r.dataDir(b)
		b.StartTimer()
		r.run(b, "initdb", "-A", "trust", "-U", "postgres", "-D", data)
		r.start(b, data)
		b.StopTimer()
		r.run(b, "pg_ctl", "stop", "-w", "-s", "-m", "fast", "-D", data)
		b.StartTimer()
	}
}

// BenchmarkStart_ReferenceWarm: pg_ctl start -w on an existing cluster.
func BenchmarkStart_ReferenceWarm(b *testing.B) {
	r := newReference(b)
	data := r.dataDir(b)
	r.run(b, "initdb", "-A", "trust", "-U", "postgres", "-D", data)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r.start(b, data)
		b.StopTimer()
		r.run(b, "pg_ctl", "stop", "-w", "-s", "-m", "fast", "-D", data)
		b.StartTimer()
	}
}
