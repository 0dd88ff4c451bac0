package bench

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/engine"
)

// BenchmarkPlan_PortsWithOtherStacks: plan of a running 20-instance stack (every fourth
// instance publishing a host port, so the plan probes them) alone in its database, and the
// same stack in a database with 50 other stacks of 20 instances defining ports (their ports
// are read for the plan's warnings), alternating in one loop so both see the same machine.
// The ratio is what other stacks cost a plan.
func BenchmarkPlan_PortsWithOtherStacks(b *testing.B) {
	alone := portStack(b, "dgbpa", 0)
	crowded := portStack(b, "dgbpc", 50)
	var ta, tc []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, c := range []struct {
			svc   *engine.Service
			stack string
			into  *[]time.Duration
		}{{alone, "dgbpa", &ta}, {crowded, "dgbpc", &tc}} {
			t0 := time.Now()
			p, err := c.svc.Plan(context.Background(), c.stack, "bench", engine.PlanOptions{})
			*c.into = append(*c.into, time.Since(t0))
			if err != nil || !p.Plan.Empty() || p.Plan.Failed() {
				b.Fatalf("%v %v", err, p.Plan.String())
			}
		}
	}
	b.StopTimer()
	a, c := p50(ta), p50(tc)
	b.ReportMetric(float64(a.Microseconds())/1000, "alone-p50-ms")
	b.ReportMetric(float64(c.Microseconds())/1000, "with50-p50-ms")
	b.ReportMetric(float64(c)/float64(a), "ratio")
}

// portStack is a running stack of 20 idle instances, every fourth publishing a free host
// port, in a database holding other stacks of 20 instances that define ports too.
func portStack(b *testing.B, stack string, others int) *engine.Service {
	b.Helper()
	svc, _ := applyService(b, stack, 0)
	ctx := context.Background()
	for i := 0; i < 20; i++ {
		var sets []string
		if i%4 == 0 {
			sets = []string{fmt.Sprintf(`ports=["%d:80"]`, freeHostPort(b))}
		}
		if _, err := svc.AddInstance(ctx, stack, fmt.Sprintf("svc%02d", i), "bench-idle", sets); err != nil {
			b.Fatal(err)
		}
	}
	for o := 0; o < others; o++ {
		name := fmt.Sprintf("dgbo%d", o)
		if _, err := svc.CreateStack(ctx, name, engine.StackOptions{}); err != nil {
			b.Fatal(err)
		}
		for i := 0; i < 20; i++ {
			var sets []string
			if i%4 == 0 {
				sets = []string{fmt.Sprintf(`ports=["%d:80"]`, freeHostPort(b))}
			}
			if _, err := svc.AddInstance(ctx, name, fmt.Sprintf("svc%02d", i), "bench-idle", sets); err != nil {
				b.Fatal(err)
			}
		}
	}
	applyOnce(b, svc, stack)
	return svc
}

// freeHostPort is a port free on 127.0.0.1 now (other stacks' ports only need to differ
// from the planned stack's).
func freeHostPort(b *testing.B) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func p50(times []time.Duration) time.Duration {
	s := append([]time.Duration(nil), times...)
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s[len(s)/2]
}
