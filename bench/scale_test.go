package bench

// DevArch at scale: 500 stacks of 20 instances each (10,000 instances) written through the
// engine into one data home, then every everyday CLI command on one stack, timed p50/p95
// over repeated runs of the real binary with a warm server (the benchmark holds a lease, as
// the open window does), next to `docker compose ls` and `docker ps` by label as the
// reference in the same run. A one-stack command must not grow with the number of stacks:
// the same commands are timed on a data home with that one stack only, in the same run. Each
// home also has 10 running stacks (one busybox container each), as in the issue; some
// commands are timed on one of those too.
//
//	go test ./bench -run '^$' -bench Scale -benchtime 1x -timeout 30m
//
// DEVARCH_BENCH_STACKS overrides 500 (e.g. 100 for a quicker look).

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/appdir"
	"github.com/devarch/devarch/backend/database"
	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/store"
)

const scaleInstances = 20

// seedScale fills home with n stacks of scaleInstances instances (busybox-free: built-in
// templates, never applied), through the engine as the CLI would, and returns a DB handle
// that keeps the server warm, with the engine service on it.
func seedScale(b *testing.B, home string, n int) (*database.DB, *engine.Service) {
	b.Helper()
	ctx := context.Background()
	db, err := database.Open(ctx, database.Options{Dirs: appdir.FromHome(home), AppName: "bench-scale"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close(context.Background()) })
	svc, _, err := engine.Start(ctx, store.New(db.Pool), appdir.FromHome(home).Stacks)
	if err != nil {
		b.Fatal(err)
	}
	// A web stack that wires without ambiguity (nginx -> php-fpm -> mysql, redis) plus
	// services nothing consumes.
	templateOf := func(i int) string {
		if i < 5 {
			return []string{"nginx", "php-fpm", "mysql", "redis", "mailpit"}[i]
		}
		return []string{"minio", "postgres"}[i%2]
	}
	for s := range n {
		name := fmt.Sprintf("s%d", s)
		if _, err := svc.CreateStack(ctx, name, engine.StackOptions{}); err != nil {
			b.Fatal(err)
		}
		for i := range scaleInstances {
			port := 20000 + (s*scaleInstances+i)%40000
			// Each stack's host ports are its own (built-ins publish fixed defaults, which
			// would make every stack clash with every other: a plan of hundreds of warnings
			// measures the warnings, not DevArch).
			sets := []string{`ports=[]`}
			if i%5 == 4 {
				sets = []string{`ports=["` + strconv.Itoa(port) + `:80"]`}
			}
			if _, err := svc.AddInstance(ctx, name, fmt.Sprintf("i%d", i), templateOf(i), sets); err != nil {
				b.Fatalf("%s i%d: %v", name, i, err)
			}
		}
	}
	return db, svc
}

func BenchmarkScale_OneStackCommands(b *testing.B) {
	n := 500
	if v, err := strconv.Atoi(os.Getenv("DEVARCH_BENCH_STACKS")); err == nil && v > 0 {
		n = v
	}
	bin := buildDevarch(b)
	big, small := tempHome(b), tempHome(b)
	_, bigSvc := seedScale(b, big, n)
	_, smallSvc := seedScale(b, small, 1)
	// The "10 of them running", in each home (their own names: one engine).
	runningStacks(b, bigSvc, "cpb", 10)
	runningStacks(b, smallSvc, "cps", 10)
	envFor := func(home string) []string {
		var env []string
		for _, kv := range os.Environ() {
			if len(kv) > 8 && kv[:8] == "DEVARCH_" {
				continue
			}
			env = append(env, kv)
		}
		return append(env, "DEVARCH_HOME="+home, "DEVARCH_DB_LINGER=0")
	}
	// RUNNING stands for the home's first running stack (cpb0 / cps0).
	commands := [][]string{
		{"stack", "list"},
		{"stack", "show", "s0"},
		{"stack", "show", "RUNNING"},
		{"instance", "show", "s0", "i3"},
		{"compose", "s0"},
		{"plan", "s0"},
		{"plan", "RUNNING"},
		{"status", "s0"},
		{"status", "RUNNING"},
		{"graph", "s0", "--format", "json"},
	}
	argvFor := func(c []string, running string) []string {
		argv := []string{bin}
		for _, a := range c {
			if a == "RUNNING" {
				a = running
			}
			argv = append(argv, a)
		}
		return argv
	}
	const runs = 20
	b.ResetTimer()
	for range b.N {
		for _, c := range commands {
			label := c[0] + "-" + c[1] // "stack-show", "plan-s0", "plan-RUNNING"
			if slices.Contains(c[2:], "RUNNING") {
				label += "-running"
			}
			label = strings.ReplaceAll(label, "RUNNING", "running")
			// Alternated, so that the machine's load drifts the same way for both.
			var bigT, smallT []time.Duration
			for range runs {
				bigT = append(bigT, timeRuns(b, 1, envFor(big), argvFor(c, "cpb0")...)...)
				smallT = append(smallT, timeRuns(b, 1, envFor(small), argvFor(c, "cps0")...)...)
			}
			slices.Sort(bigT)
			slices.Sort(smallT)
			report(b, fmt.Sprintf("%s@%d", label, n), bigT)
			report(b, label+"@1", smallT)
			fmt.Fprintf(os.Stderr, "  -> %.2fx the one-stack time\n", float64(percentile(bigT, 0.5))/float64(percentile(smallT, 0.5)))
		}
		report(b, "docker-compose-ls", timeRuns(b, runs, os.Environ(), "docker", "compose", "ls"))
		report(b, "docker-ps-by-label", timeRuns(b, runs, os.Environ(), "docker", "ps", "-a", "--filter", "label=dev.devarch.stack=s0"))
	}
}
