package bench

// The desktop's pages at scale (issue 15 item 1: "every desktop page answers in <= 50 ms
// p50 with a warm server"): the binding call behind each page, as the window makes it
// (bindings over the engine, the server warm because this process holds it), on a data home
// of N stacks x 20 instances with 10 stacks running, next to the same calls on a home with
// one stack and the same 10 running, alternated in one loop. The browser's render is not in
// these figures: the React pages only draw what the call returns (the stacks list is the one
// page whose size grows with N).
//
//	go test ./bench -run '^$' -bench Scale_DesktopPages -benchtime 1x -timeout 30m

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/bindings"
	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
)

// runningStacks applies count one-instance busybox stacks named prefix0.. in svc's home,
// the "10 of them running" of the issue, and takes them down at the end.
func runningStacks(b *testing.B, svc *engine.Service, prefix string, count int) {
	b.Helper()
	eng := runtimetest.RequireCompose(b)
	runtimetest.BusyboxImage(b)
	ctx := context.Background()
	if _, _, err := svc.ImportTemplate(ctx, []byte(idle), false); err != nil {
		b.Fatal(err)
	}
	for i := range count {
		name := fmt.Sprintf("%s%d", prefix, i)
		down(eng, name)
		if _, err := svc.CreateStack(ctx, name, engine.StackOptions{}); err != nil {
			b.Fatal(err)
		}
		if _, err := svc.AddInstance(ctx, name, "app", "bench-idle", nil); err != nil {
			b.Fatal(err)
		}
		applyOnce(b, svc, name)
		b.Cleanup(func() { down(eng, name) })
	}
}

func BenchmarkScale_DesktopPages(b *testing.B) {
	n := 500
	if v, err := strconv.Atoi(os.Getenv("DEVARCH_BENCH_STACKS")); err == nil && v > 0 {
		n = v
	}
	open := func(home string, stacks int, prefix string) face {
		db, svc := seedScale(b, home, stacks)
		runningStacks(b, svc, prefix, 10)
		host := bindings.NewHost()
		host.SetReady(db, svc)
		return face{bindings.NewStacks(host), bindings.NewInstances(host), bindings.NewPlans(host), bindings.NewWires(host), prefix + "0"}
	}
	big, small := open(tempHome(b), n, "dpb"), open(tempHome(b), 1, "dps")
	must := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	pages := []struct {
		name string
		call func(f face)
	}{
		{"stacks-list-live", func(f face) {
			l, err := f.stacks.List()
			must(err)
			if len(l) == 0 {
				b.Fatal("no stacks")
			}
		}},
		{"stack-page-s0", func(f face) { _, err := f.stacks.Get("s0"); must(err) }},
		{"stack-status-s0", func(f face) { _, err := f.plans.Status("s0"); must(err) }},
		{"running-stack-page", func(f face) { _, err := f.stacks.Get(f.running); must(err) }},
		{"instance-page-s0-i3", func(f face) { _, err := f.instances.Get("s0", "i3"); must(err) }},
		{"compose-preview-s0", func(f face) { _, err := f.stacks.Compose("s0"); must(err) }},
		{"plan-s0", func(f face) { _, err := f.plans.Plan("s0"); must(err) }},
		{"graph-s0", func(f face) { _, err := f.wires.Graph("s0"); must(err) }},
		{"history-s0", func(f face) { _, err := f.plans.History("s0"); must(err) }},
	}
	const runs = 20
	b.ResetTimer()
	for range b.N {
		for _, p := range pages {
			var bigT, smallT []time.Duration
			for range runs {
				t0 := time.Now()
				p.call(big)
				bigT = append(bigT, time.Since(t0))
				t0 = time.Now()
				p.call(small)
				smallT = append(smallT, time.Since(t0))
			}
			slices.Sort(bigT)
			slices.Sort(smallT)
			report(b, fmt.Sprintf("%s@%d", p.name, n), bigT)
			report(b, p.name+"@1", smallT)
			fmt.Fprintf(os.Stderr, "  -> %.2fx the one-stack time\n", float64(percentile(bigT, 0.5))/float64(percentile(smallT, 0.5)))
		}
	}
}

// face is the window's side of one data home: the bindings its pages call.
type face struct {
	stacks    *bindings.Stacks
	instances *bindings.Instances
	plans     *bindings.Plans
	wires     *bindings.Wires
	running   string // a running stack of the home
}
