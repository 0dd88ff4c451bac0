package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/netpool"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
)

const npTemplate = `name: np-idle
category: runtime
description: idles
service:
  image: devarch-test/busybox:1
  command: [sleep, "3600"]
  init: true
  stop_grace_period: 1s
`

// networkSubnets returns the subnets of a network as the engine reports them.
func networkSubnets(t *testing.T, eng *runtime.Engine, network string) []string {
	t.Helper()
	res, err := eng.Run(t.Context(), []string{"network", "inspect", network, "--format", "{{json .IPAM.Config}}"}, runtime.RunOptions{})
	if err != nil {
		t.Fatalf("inspect %s: %v", network, err)
	}
	var cfg []struct{ Subnet string }
	if err := json.Unmarshal(res.Stdout, &cfg); err != nil {
		t.Fatalf("inspect %s: %v (%s)", network, err, res.Stdout)
	}
	var out []string
	for _, c := range cfg {
		out = append(out, c.Subnet)
	}
	return out
}

// Issue 15: Docker's default address pools give 31 networks, docker0 included (on this
// engine, with two other bridge networks present, the 29th `docker network create` failed:
// "could not find an available, non-overlapping IPv4 address pool among the defaults"), so
// a 31st stack could not start. With DevArch's pool 40 stacks run at once, each network on
// its own slice of the pool. Without the subnets (compose's ipam left out) this test fails
// at the 29th stack with that error.
func TestManyStacksRunAtOnce(t *testing.T) {
	const stacks = 40
	eng := runtimetest.RequireCompose(t)
	runtimetest.BusyboxImage(t)
	// A pool of this test's own (no other test's stacks use it), in /26 slices.
	t.Setenv(netpool.EnvPool, "10.213.0.0/16")
	t.Setenv(netpool.EnvSlice, "26")
	svc, _, _ := newService(t)
	ctx := t.Context()
	if _, _, err := svc.ImportTemplate(ctx, []byte(npTemplate), false); err != nil {
		t.Fatal(err)
	}
	names := make([]string, stacks)
	for i := range names {
		names[i] = fmt.Sprintf("np%02d", i)
		runtimetest.FreshProject(t, eng, model.ProjectName(names[i]))
		if _, err := svc.CreateStack(ctx, names[i], engine.StackOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AddInstance(ctx, names[i], "idle", "np-idle", nil); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	var wg sync.WaitGroup
	errs := make([]error, stacks)
	sem := make(chan struct{}, 8) // compose is CPU-heavy: 8 at a time keeps a 2-core machine busy, not thrashing
	for i, name := range names {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			p, err := svc.Plan(ctx, name, "test", engine.PlanOptions{})
			if err == nil {
				_, err = svc.Apply(ctx, p.ID, "test", nil)
			}
			errs[i] = err
		})
	}
	wg.Wait()
	t.Logf("%d stacks planned and applied in %v", stacks, time.Since(start).Round(time.Millisecond))
	for i, err := range errs {
		if err != nil {
			t.Fatalf("stack %s: %v", names[i], err)
		}
	}
	pool, _ := netpool.Parse("10.213.0.0/16", "26")
	seen := map[string]string{}
	for _, name := range names {
		if st := states(t, svc, name); st["idle"] != "running" {
			t.Errorf("stack %s: idle is %q, want running", name, st["idle"])
		}
		got := networkSubnets(t, eng, model.NetworkName(name))
		stored, err := svc.Store.GetStack(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0] != stored.Subnet {
			t.Fatalf("stack %s: network subnets %v, stored subnet %q", name, got, stored.Subnet)
		}
		p := netip.MustParsePrefix(got[0])
		if p.Bits() != 26 || !pool.Prefix.Contains(p.Addr()) {
			t.Errorf("stack %s: subnet %s is not a /26 of %s", name, p, pool.Prefix)
		}
		if other, dup := seen[got[0]]; dup {
			t.Errorf("stacks %s and %s share %s", name, other, got[0])
		}
		seen[got[0]] = name
	}
	start = time.Now()
	for _, name := range names {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			_, _ = eng.RunCompose(context.Background(), []string{"-p", model.ProjectName(name), "down", "-t", "0"}, runtime.RunOptions{})
		})
	}
	wg.Wait()
	t.Logf("%d stacks torn down in %v", stacks, time.Since(start).Round(time.Millisecond))
}

// A subnet that something else took after it was chosen (another DevArch installation on
// the same engine, a VPN) moves at the next plan while the stack's network does not exist,
// and the plan says so; the apply then runs on the new subnet.
func TestPlanMovesAClashingSubnet(t *testing.T) {
	const stack = "npclash"
	eng := runtimetest.RequireCompose(t)
	runtimetest.BusyboxImage(t)
	t.Setenv(netpool.EnvPool, "10.214.0.0/16")
	t.Setenv(netpool.EnvSlice, "24")
	svc, _, _ := newService(t)
	ctx := t.Context()
	if _, _, err := svc.ImportTemplate(ctx, []byte(npTemplate), false); err != nil {
		t.Fatal(err)
	}
	runtimetest.FreshProject(t, eng, model.ProjectName(stack))
	if _, err := svc.CreateStack(ctx, stack, engine.StackOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddInstance(ctx, stack, "idle", "np-idle", nil); err != nil {
		t.Fatal(err)
	}
	st, err := svc.Store.GetStack(ctx, stack)
	if err != nil || st.Subnet == "" {
		t.Fatalf("stack subnet %q, %v", st.Subnet, err)
	}
	const other = "np-clash-other"
	_, _ = eng.Run(ctx, []string{"network", "rm", other}, runtime.RunOptions{})
	if _, err := eng.Run(ctx, []string{"network", "create", "--subnet", st.Subnet, other}, runtime.RunOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = eng.Run(context.Background(), []string{"network", "rm", other}, runtime.RunOptions{}) })

	p, err := svc.Plan(ctx, stack, "test", engine.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	moved, err := svc.Store.GetStack(ctx, stack)
	if err != nil || moved.Subnet == st.Subnet || moved.Subnet == "" {
		t.Fatalf("subnet %q -> %q (%v): not moved off the clash", st.Subnet, moved.Subnet, err)
	}
	warned := false
	for _, d := range p.Plan.Diagnostics {
		warned = warned || d.Summary == fmt.Sprintf("the stack's network moves from %s to %s", st.Subnet, moved.Subnet)
	}
	if !warned {
		t.Errorf("no warning about the move in %+v", p.Plan.Diagnostics)
	}
	if _, err := svc.Apply(ctx, p.ID, "test", nil); err != nil {
		t.Fatal(err)
	}
	if got := networkSubnets(t, eng, model.NetworkName(stack)); len(got) != 1 || got[0] != moved.Subnet {
		t.Fatalf("network subnets %v, want [%s]", got, moved.Subnet)
	}
}

// A subnet another network takes between the plan and the apply (another DevArch
// installation on the same engine planning at the same moment: CI saw it as a refused
// apply when test packages ran in parallel) does not make the plan stale: the stack's
// network is not created yet, so the apply moves it to a free slice, says so, and runs.
func TestApplyMovesASubnetTakenSinceThePlan(t *testing.T) {
	const stack = "nptaken"
	eng := runtimetest.RequireCompose(t)
	runtimetest.BusyboxImage(t)
	t.Setenv(netpool.EnvPool, "10.217.0.0/16")
	t.Setenv(netpool.EnvSlice, "24")
	svc, _, _ := newService(t)
	ctx := t.Context()
	if _, _, err := svc.ImportTemplate(ctx, []byte(npTemplate), false); err != nil {
		t.Fatal(err)
	}
	runtimetest.FreshProject(t, eng, model.ProjectName(stack))
	if _, err := svc.CreateStack(ctx, stack, engine.StackOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddInstance(ctx, stack, "idle", "np-idle", nil); err != nil {
		t.Fatal(err)
	}
	p, err := svc.Plan(ctx, stack, "test", engine.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := svc.Store.GetStack(ctx, stack)
	if err != nil {
		t.Fatal(err)
	}
	const other = "np-taken-other"
	_, _ = eng.Run(ctx, []string{"network", "rm", other}, runtime.RunOptions{})
	if _, err := eng.Run(ctx, []string{"network", "create", "--subnet", st.Subnet, other}, runtime.RunOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = eng.Run(context.Background(), []string{"network", "rm", other}, runtime.RunOptions{}) })

	var mu sync.Mutex
	var said []string
	sink := engine.SinkFunc(func(p engine.Progress) { mu.Lock(); said = append(said, p.Message); mu.Unlock() })
	if _, err := svc.Apply(ctx, p.ID, "test", sink); err != nil {
		t.Fatalf("apply after the subnet was taken: %v", err)
	}
	moved, err := svc.Store.GetStack(ctx, stack)
	if err != nil || moved.Subnet == st.Subnet {
		t.Fatalf("subnet %q -> %q (%v): not moved", st.Subnet, moved.Subnet, err)
	}
	if got := networkSubnets(t, eng, model.NetworkName(stack)); len(got) != 1 || got[0] != moved.Subnet {
		t.Fatalf("network subnets %v, want [%s]", got, moved.Subnet)
	}
	want := fmt.Sprintf("the stack's network moves from %s to %s (another network took its subnet since the plan)", st.Subnet, moved.Subnet)
	mu.Lock()
	defer mu.Unlock()
	if !slices.Contains(said, want) {
		t.Errorf("the apply did not say %q; it said %q", want, said)
	}
	if st := states(t, svc, stack); st["idle"] != "running" {
		t.Errorf("idle is %q, want running", st["idle"])
	}
}

// A stack made before subnets were assigned (its row has none after migration 0010) and
// running on a network from Docker's default pools: the next plan gives it a subnet and says
// the network is recreated and every container removed and created again ("network subnet
// assigned"); the apply does it. An instance stopped on its own is recreated too, without
// starting (its old container would point at the removed network), so starting it
// afterwards works.
func TestLegacyStackGetsItsSubnet(t *testing.T) {
	const stack = "nplegacy"
	eng := runtimetest.RequireCompose(t)
	runtimetest.BusyboxImage(t)
	t.Setenv(netpool.EnvPool, "10.215.0.0/16")
	svc, pool, _ := newService(t)
	ctx := t.Context()
	if _, _, err := svc.ImportTemplate(ctx, []byte(npTemplate), false); err != nil {
		t.Fatal(err)
	}
	runtimetest.FreshProject(t, eng, model.ProjectName(stack))
	if _, err := svc.CreateStack(ctx, stack, engine.StackOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a", "b"} {
		if _, err := svc.AddInstance(ctx, stack, n, "np-idle", nil); err != nil {
			t.Fatal(err)
		}
	}
	// What an older DevArch made: no subnet, so compose takes one from the default pools.
	if _, err := pool.Exec(ctx, `UPDATE stacks SET subnet = NULL WHERE name = $1`, stack); err != nil {
		t.Fatal(err)
	}
	composeFile, err := svc.Compose(ctx, stack, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eng.RunCompose(ctx, []string{"-p", model.ProjectName(stack), "-f", "-", "up", "-d"}, runtime.RunOptions{Stdin: bytes.NewReader(composeFile.YAML)}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.OperateInstances(ctx, stack, "stop", []string{"b"}, "test", nil); err != nil {
		t.Fatal(err)
	}
	if got := networkSubnets(t, eng, model.NetworkName(stack)); len(got) != 1 || strings.HasPrefix(got[0], "10.215.") {
		t.Fatalf("the legacy network has %v, want one subnet from Docker's defaults", got)
	}

	p, err := svc.Plan(ctx, stack, "test", engine.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := svc.Store.GetStack(ctx, stack)
	if err != nil || !strings.HasPrefix(st.Subnet, "10.215.") {
		t.Fatalf("subnet after the plan: %q, %v", st.Subnet, err)
	}
	text := p.Plan.String()
	for _, want := range []string{"create network devarch-nplegacy-net\n      cause: network subnet assigned: " + st.Subnet,
		"- remove a (devarch-nplegacy-a)\n      cause: network subnet assigned",
		"+ create a (devarch-nplegacy-a)\n      cause: network subnet assigned"} {
		if !strings.Contains(text, want) {
			t.Errorf("plan lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(text, "+ create b (devarch-nplegacy-b)\n      cause: network subnet assigned") {
		t.Errorf("the instance stopped on its own is not recreated:\n%s", text)
	}
	if _, err := svc.Apply(ctx, p.ID, "test", nil); err != nil {
		t.Fatal(err)
	}
	if got := networkSubnets(t, eng, model.NetworkName(stack)); len(got) != 1 || got[0] != st.Subnet {
		t.Fatalf("network subnets %v after the apply, want [%s]", got, st.Subnet)
	}
	if got := states(t, svc, stack); got["a"] != "running" || got["b"] == "running" {
		t.Fatalf("states after the apply %v: want a running, b stopped", got)
	}
	if _, err := svc.OperateInstances(ctx, stack, "start", []string{"b"}, "test", nil); err != nil {
		t.Fatalf("starting the instance stopped before the network moved: %v", err)
	}
	if got := states(t, svc, stack); got["a"] != "running" || got["b"] != "running" {
		t.Fatalf("states %v", got)
	}
	if again := planStack(t, svc, stack); again.Plan.Summary.Add+again.Plan.Summary.Change+again.Plan.Summary.Destroy != 0 {
		t.Errorf("not up to date after the move:\n%s", again.Plan.String())
	}
}

// The last instant: another network takes the subnet after the apply's own check, just as
// compose is about to create the stack's network (made to happen here by creating it from
// the command seam right before compose's first `up`). Nothing was done yet, so the apply
// moves the stack to a free slice, says so, and runs the same plan again.
func TestApplyRetriesWhenTheSubnetIsTakenAsTheNetworkIsCreated(t *testing.T) {
	r := applyWithInstantClash(t, "npinstant", "np-instant-other", false)
	if got := networkSubnets(t, r.eng, r.other); len(got) != 1 || got[0] != r.before {
		t.Fatalf("the other network has %v, want [%s]", got, r.before)
	}
	if r.applyErr != nil {
		t.Fatalf("apply: %v", r.applyErr)
	}
	if r.after == r.before {
		t.Fatalf("subnet %q -> %q: not moved", r.before, r.after)
	}
	if got := networkSubnets(t, r.eng, model.NetworkName(r.stack)); len(got) != 1 || got[0] != r.after {
		t.Fatalf("network subnets %v, want [%s]", got, r.after)
	}
	want := fmt.Sprintf("the stack's network moves from %s to %s (another network took its subnet as the apply created it)", r.before, r.after)
	if !slices.Contains(r.said, want) {
		t.Errorf("the apply did not say %q; it said %q", want, r.said)
	}
	if got := states(t, r.svc, r.stack); got["idle"] != "running" {
		t.Errorf("idle is %q, want running", got["idle"])
	}
}

// The same instant, but the network that took the subnet is gone again before the apply
// looks (it lived for a moment: another suite's stack brought up and down, a creation that
// failed); CI met it as "Pool overlaps with other one on this address space" with nothing
// left to move away from. The engine's refusal was real, the subnet is free again: the
// apply keeps the subnet, says what happened, and creates the network on its second try.
func TestApplyRetriesWhenTheSubnetWasTakenForAMoment(t *testing.T) {
	r := applyWithInstantClash(t, "npmoment", "np-moment-other", true)
	if r.applyErr != nil {
		t.Fatalf("apply: %v (it said %q)", r.applyErr, r.said)
	}
	if _, err := r.eng.Run(t.Context(), []string{"network", "inspect", r.other}, runtime.RunOptions{}); err == nil ||
		!strings.Contains(err.Error(), "not found") && !strings.Contains(err.Error(), "No such network") {
		t.Fatalf("the other network is not gone: %v", err)
	}
	if r.after != r.before {
		t.Fatalf("subnet %q -> %q: moved although the slice was free again", r.before, r.after)
	}
	if got := networkSubnets(t, r.eng, model.NetworkName(r.stack)); len(got) != 1 || got[0] != r.before {
		t.Fatalf("network subnets %v, want [%s]", got, r.before)
	}
	want := "another network held the subnet of the stack's network for a moment as the apply created it; creating it again"
	if !slices.Contains(r.said, want) {
		t.Errorf("the apply did not say %q; it said %q", want, r.said)
	}
	if got := states(t, r.svc, r.stack); got["idle"] != "running" {
		t.Errorf("idle is %q, want running", got["idle"])
	}
}

// instantClash is what applyWithInstantClash saw: the stack's subnet before and after the
// apply, what the apply said and returned.
type instantClash struct {
	eng           *runtime.Engine
	svc           *engine.Service
	stack, other  string
	before, after string
	said          []string
	applyErr      error
}

// applyWithInstantClash plans a one-instance stack and applies it while network other takes
// the stack's subnet right before compose's first `up` (the command seam creates it; the
// engine then refuses compose's network for real). With gone, other is removed again as soon
// as that `up` has failed, before the apply looks at the engine's networks.
func applyWithInstantClash(t *testing.T, stack, other string, gone bool) instantClash {
	t.Helper()
	eng := runtimetest.RequireCompose(t)
	runtimetest.BusyboxImage(t)
	t.Setenv(netpool.EnvPool, "10.218.0.0/16")
	t.Setenv(netpool.EnvSlice, "24")
	base, _, _ := newService(t)
	ctx := t.Context()
	var once sync.Once
	var clashErr error
	wrap := func(argv []string) []string {
		if !slices.Contains(argv, "compose") || !slices.Contains(argv, "up") {
			return argv
		}
		first := false
		once.Do(func() {
			first = true
			st, err := base.Store.GetStack(context.Background(), stack)
			if err != nil {
				clashErr = err
				return
			}
			_, clashErr = eng.Run(context.Background(), []string{"network", "create", "--subnet", st.Subnet, other}, runtime.RunOptions{})
		})
		if !first || !gone {
			return argv
		}
		// compose runs as before (its output and exit status are the apply's), then the
		// network that made it fail goes.
		return append([]string{"sh", "-c", `e=$1 n=$2; shift 2; "$@"; rc=$?; "$e" network rm "$n" >/dev/null; exit $rc`,
			"sh", eng.Path, other}, argv...)
	}
	svc := engine.New(base.Store, runtime.Options{Wrap: wrap}, t.TempDir())
	if _, _, err := svc.ImportTemplate(ctx, []byte(npTemplate), false); err != nil {
		t.Fatal(err)
	}
	runtimetest.FreshProject(t, eng, model.ProjectName(stack))
	_, _ = eng.Run(ctx, []string{"network", "rm", other}, runtime.RunOptions{})
	t.Cleanup(func() { _, _ = eng.Run(context.Background(), []string{"network", "rm", other}, runtime.RunOptions{}) })
	if _, err := svc.CreateStack(ctx, stack, engine.StackOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddInstance(ctx, stack, "idle", "np-idle", nil); err != nil {
		t.Fatal(err)
	}
	st, err := svc.Store.GetStack(ctx, stack)
	if err != nil {
		t.Fatal(err)
	}
	p, err := svc.Plan(ctx, stack, "test", engine.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	r := instantClash{eng: eng, svc: svc, stack: stack, other: other, before: st.Subnet}
	sink := engine.SinkFunc(func(p engine.Progress) { mu.Lock(); r.said = append(r.said, p.Message); mu.Unlock() })
	_, r.applyErr = svc.Apply(ctx, p.ID, "test", sink)
	if clashErr != nil {
		t.Fatalf("the test could not take the subnet: %v", clashErr)
	}
	moved, err := svc.Store.GetStack(ctx, stack)
	if err != nil {
		t.Fatal(err)
	}
	r.after = moved.Subnet
	mu.Lock()
	defer mu.Unlock()
	r.said = slices.Clone(r.said)
	return r
}
