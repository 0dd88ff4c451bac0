package bench

// Scripts with the window closed: 100 consecutive `devarch stack list` runs of the real
// binary on one data home, with the embedded server lingering between them (the default)
// and with DEVARCH_DB_LINGER=0 (every command starts and stops PostgreSQL), in the same run,
// next to `docker compose ls` as the reference a user compares with. Reports p50/p95 per
// command in ms.
//
//	go test ./bench -run '^$' -bench Linger -benchtime 1x

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/appdir"
	"github.com/devarch/devarch/backend/database"
)

const lingerRuns = 100

func buildDevarch(b *testing.B) string {
	b.Helper()
	dir := tempHome(b)
	bin := filepath.Join(dir, "devarch")
	wd, _ := os.Getwd()
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = filepath.Dir(wd)
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// timeRuns runs argv n times in a row and returns each run's wall time, sorted.
func timeRuns(b *testing.B, n int, env []string, argv ...string) []time.Duration {
	b.Helper()
	times := make([]time.Duration, 0, n)
	for range n {
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Env = env
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%v: %v\n%s", argv, err, out)
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	return times
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	i := int(float64(len(sorted))*p+0.5) - 1
	return sorted[max(0, min(len(sorted)-1, i))]
}

func report(b *testing.B, name string, times []time.Duration) {
	p50, p95 := percentile(times, 0.50), percentile(times, 0.95)
	b.ReportMetric(float64(p50.Microseconds())/1000, name+"-p50-ms")
	b.ReportMetric(float64(p95.Microseconds())/1000, name+"-p95-ms")
	fmt.Fprintf(os.Stderr, "%-22s p50 %6.1f ms  p95 %6.1f ms  (min %6.1f ms, max %6.1f ms, %d runs)\n", name,
		float64(p50.Microseconds())/1000, float64(p95.Microseconds())/1000,
		float64(times[0].Microseconds())/1000, float64(times[len(times)-1].Microseconds())/1000, len(times))
}

func BenchmarkLinger_StackList(b *testing.B) {
	bin := buildDevarch(b)
	home := tempHome(b)
	b.Cleanup(func() { _, _ = database.Stop(context.Background(), database.Options{Dirs: appdir.FromHome(home)}) })
	base := []string{}
	for _, kv := range os.Environ() {
		switch {
		case len(kv) > 13 && kv[:13] == "DEVARCH_HOME=",
			len(kv) > 21 && kv[:21] == "DEVARCH_DATABASE_URL=",
			len(kv) > 18 && kv[:18] == "DEVARCH_DB_LINGER=":
			continue
		}
		base = append(base, kv)
	}
	base = append(base, "DEVARCH_HOME="+home)
	withLinger := append(slices.Clone(base), "DEVARCH_DB_LINGER=10m")
	noLinger := append(slices.Clone(base), "DEVARCH_DB_LINGER=0")
	// Create the cluster first: initdb is a one-time cost of a new data home, not of a script.
	timeRuns(b, 1, noLinger, bin, "stack", "list")
	_, haveDocker := exec.LookPath("docker")

	b.ResetTimer()
	for range b.N {
		// The first run of the linger series pays the start (it is in the figures, as a
		// script's first command pays it).
		lingered := timeRuns(b, lingerRuns, withLinger, bin, "stack", "list")
		if _, err := database.Stop(context.Background(), database.Options{Dirs: appdir.FromHome(home)}); err != nil {
			b.Fatal(err)
		}
		stopped := timeRuns(b, lingerRuns, noLinger, bin, "stack", "list")
		report(b, "linger", lingered)
		report(b, "linger0", stopped)
		if haveDocker == nil {
			report(b, "docker-compose-ls", timeRuns(b, lingerRuns, base, "docker", "compose", "ls"))
		}
		b.ReportMetric(float64(percentile(stopped, 0.5))/float64(percentile(lingered, 0.5)), "p50-speedup")
	}
}
