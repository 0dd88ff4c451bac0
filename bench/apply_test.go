package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/database/dbtest"
	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/plan"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
	"github.com/devarch/devarch/backend/store"
)

const idle = `name: bench-idle
category: runtime
description: idle busybox
service:
  image: devarch-test/busybox:1
  command: [sleep, "3600"]
`

// applyService makes a stack of n idle busybox instances.
func applyService(b *testing.B, stack string, n int) (*engine.Service, *runtime.Engine) {
	b.Helper()
	eng := runtimetest.RequireCompose(b)
	runtimetest.BusyboxImage(b)
	svc := engine.New(store.New(dbtest.MigratedDatabase(b)), runtime.Options{}, b.TempDir())
	ctx := context.Background()
	if _, _, err := svc.ImportTemplate(ctx, []byte(idle), false); err != nil {
		b.Fatal(err)
	}
	if _, err := svc.CreateStack(ctx, stack, engine.StackOptions{}); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if _, err := svc.AddInstance(ctx, stack, fmt.Sprintf("svc%02d", i), "bench-idle", nil); err != nil {
			b.Fatal(err)
		}
	}
	b.Cleanup(func() { down(eng, stack) })
	return svc, eng
}

func down(eng *runtime.Engine, stack string) {
	_, _ = eng.RunCompose(context.Background(), []string{"-p", model.ProjectName(stack), "down", "--remove-orphans", "-t", "0"}, runtime.RunOptions{})
}

func applyOnce(b *testing.B, svc *engine.Service, stack string) {
	ctx := context.Background()
	p, err := svc.Plan(ctx, stack, "bench", engine.PlanOptions{})
	if err != nil {
		b.Fatal(err)
	}
	if p.Plan.Empty() {
		return
	}
	if _, err := svc.Apply(ctx, p.ID, "bench", nil); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkApply_10Instances: plan + apply of a 10-instance stack from nothing, and the
// reference, `docker compose up -d --wait` of the same generated file from the same state,
// alternating in one loop so both see the same machine.
func BenchmarkApply_10Instances(b *testing.B) {
	svc, eng := applyService(b, "benchapply", 10)
	ctx := context.Background()
	res, err := svc.Compose(ctx, "benchapply", true)
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(svc.StackDir("benchapply"), "compose.yaml")
	_ = res
	var devarch, reference time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		down(eng, "benchapply")
		t0 := time.Now()
		applyOnce(b, svc, "benchapply")
		devarch += time.Since(t0)

		down(eng, "benchapply")
		t0 = time.Now()
		if _, err := eng.RunCompose(ctx, []string{"-p", model.ProjectName("benchapply"), "-f", path, "up", "-d", "--wait"}, runtime.RunOptions{}); err != nil {
			b.Fatal(err)
		}
		reference += time.Since(t0)
	}
	b.ReportMetric(float64(devarch.Milliseconds())/float64(b.N), "devarch-ms/op")
	b.ReportMetric(float64(reference.Milliseconds())/float64(b.N), "compose-ms/op")
	b.ReportMetric(float64(devarch)/float64(reference), "ratio")
}

// BenchmarkPlan_20InstancesRunning: load + resolve + generate + observe (one engine call
// for containers, one for the network) + diff + store, on a running 20-instance stack.
func BenchmarkPlan_20InstancesRunning(b *testing.B) {
	svc, _ := applyService(b, "benchplan", 20)
	applyOnce(b, svc, "benchplan")
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		p, err := svc.Plan(context.Background(), "benchplan", "bench", engine.PlanOptions{})
		times = append(times, time.Since(t0))
		if err != nil || !p.Plan.Empty() {
			b.Fatalf("%v %v", err, p.Plan.String())
		}
	}
	reportP50(b, times)
}

func reportP50(b *testing.B, times []time.Duration) {
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
}

// BenchmarkPlan_PureDiff20: plan.Compute alone on the same 20-instance state.
func BenchmarkPlan_PureDiff20(b *testing.B) {
	svc, eng := applyService(b, "benchdiff", 20)
	applyOnce(b, svc, "benchdiff")
	ctx := context.Background()
	rs, err := svc.Resolve(ctx, "benchdiff")
	if err != nil {
		b.Fatal(err)
	}
	d, err := plan.DesiredFrom(rs.Effective, rs.Stack.Revision)
	if err != nil {
		b.Fatal(err)
	}
	cs, _ := eng.ListContainers(ctx, []string{model.LabelStack + "=benchdiff"})
	nets, _ := eng.ListNetworks(ctx, []string{model.LabelStack + "=benchdiff"})
	o := plan.Observed{Containers: cs, Networks: nets, Applied: map[string]plan.Applied{}}
	for _, s := range d.Services {
		o.Applied[s.Instance] = plan.Applied{ConfigHash: s.ConfigHash, Spec: s.Spec, Running: true}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if p := plan.Compute(d, o); !p.Empty() {
			b.Fatal(p.String())
		}
	}
}

// BenchmarkApply_NoOp: `devarch apply` on an up-to-date stack (plan, nothing to do).
func BenchmarkApply_NoOp(b *testing.B) {
	svc, _ := applyService(b, "benchnoop", 10)
	applyOnce(b, svc, "benchnoop")
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		applyOnce(b, svc, "benchnoop")
		times = append(times, time.Since(t0))
	}
	reportP50(b, times)
}
