package store_test

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/devarch/devarch/backend/database/dbtest"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/netpool"
	"github.com/devarch/devarch/backend/store"
)

func subnetOf(t *testing.T, s *store.Store, name string) string {
	t.Helper()
	st, err := s.GetStack(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	return st.Subnet
}

// Stacks created at once get distinct slices, skipping what the source says to avoid; a full
// pool refuses the next stack with the fix and leaves no row behind.
func TestCreateStack_AssignsDistinctSubnets(t *testing.T) {
	pool := dbtest.MigratedDatabase(t)
	s := store.New(pool)
	ctx := t.Context()
	p, err := netpool.Parse("10.77.0.0/24", "28") // 16 slices
	if err != nil {
		t.Fatal(err)
	}
	avoid := []netip.Prefix{netip.MustParsePrefix("10.77.0.16/28")} // a host route: slice 1
	s.SetSubnetSource(func(context.Context) (netpool.Pool, []netip.Prefix, error) { return p, avoid, nil })

	var wg sync.WaitGroup
	errs := make([]error, 15)
	for i := range 15 {
		wg.Go(func() { _, errs[i] = s.CreateStack(ctx, fmt.Sprintf("s%d", i), "", "", "") })
	}
	wg.Wait()
	seen := map[string]string{}
	for i := range 15 {
		if errs[i] != nil {
			t.Fatalf("stack s%d: %v", i, errs[i])
		}
		sub := subnetOf(t, s, fmt.Sprintf("s%d", i))
		pfx, err := netip.ParsePrefix(sub)
		if err != nil || pfx.Bits() != 28 || !p.Prefix.Contains(pfx.Addr()) || pfx == avoid[0] {
			t.Fatalf("s%d subnet %q (%v): not a free /28 of the pool", i, sub, err)
		}
		if other, dup := seen[sub]; dup {
			t.Fatalf("s%d and %s share %s", i, other, sub)
		}
		seen[sub] = fmt.Sprintf("s%d", i)
	}
	_, err = s.CreateStack(ctx, "full", "", "", "")
	var me *model.Error
	if !errors.As(err, &me) || me.Kind != model.KindConflict ||
		!strings.Contains(me.Detail, "10.77.0.0/24 in /28 slices is exhausted: it holds 16 networks and 15 stacks use them") ||
		!strings.Contains(me.Detail, "DEVARCH_NETWORK_POOL") {
		t.Fatalf("full pool: %v (%+v)", err, me)
	}
	if ok, err := s.StackExists(ctx, "full"); err != nil || ok {
		t.Fatalf("a refused stack was created: %v %v", ok, err)
	}
	// Deleting a stack frees its slice for the next one.
	if _, err := pool.Exec(ctx, `DELETE FROM stacks WHERE name = 's3'`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateStack(ctx, "again", "", "", ""); err != nil {
		t.Fatalf("after a delete: %v", err)
	}
	if seen[subnetOf(t, s, "again")] != "s3" {
		t.Fatalf("the new stack got %s, not the freed slice of s3", subnetOf(t, s, "again"))
	}
}

// A stack made before migration 0010 has no subnet until EnsureSubnet (the next plan) gives
// it one; the database refuses two overlapping subnets whatever the pool settings.
func TestEnsureSubnet_LegacyStackAndOverlapRefused(t *testing.T) {
	pool := dbtest.MigratedDatabase(t)
	s := store.New(pool)
	ctx := t.Context()
	if _, err := pool.Exec(ctx, `INSERT INTO stacks (name) VALUES ('old')`); err != nil {
		t.Fatal(err)
	}
	if got := subnetOf(t, s, "old"); got != "" {
		t.Fatalf("legacy stack has subnet %q", got)
	}
	if _, err := s.CreateStack(ctx, "new", "", "", ""); err != nil {
		t.Fatal(err)
	}
	got, err := s.EnsureSubnet(ctx, "old")
	if sub, perr := netip.ParsePrefix(got); err != nil || perr != nil || sub.Bits() != netpool.DefaultSlice ||
		!netpool.Default().Prefix.Contains(sub.Addr()) || got == subnetOf(t, s, "new") || subnetOf(t, s, "old") != got {
		t.Fatalf("EnsureSubnet = %q, %v; want a free default slice other than new's %s", got, err, subnetOf(t, s, "new"))
	}
	if again, err := s.EnsureSubnet(ctx, "old"); err != nil || again != got {
		t.Fatalf("EnsureSubnet again = %q, %v", again, err)
	}
	if _, err := s.EnsureSubnet(ctx, "nope"); model.KindOf(err) != model.KindNotFound {
		t.Fatalf("unknown stack: %v", err)
	}
	if _, err := pool.Exec(ctx, `UPDATE stacks SET subnet = '10.200.0.0/16' WHERE name = 'old'`); err == nil {
		t.Fatal("an overlapping subnet was stored")
	}
	// A bad setting fails the creation and creates nothing.
	s.SetSubnetSource(func(context.Context) (netpool.Pool, []netip.Prefix, error) {
		_, err := netpool.Parse("10.1.0.0/24", "16")
		return netpool.Pool{}, nil, err
	})
	if _, err := s.CreateStack(ctx, "bad", "", "", ""); err == nil || !strings.Contains(err.Error(), "DEVARCH_NETWORK_SLICE") {
		t.Fatalf("bad setting: %v", err)
	}
	if ok, _ := s.StackExists(ctx, "bad"); ok {
		t.Fatal("stack created despite a bad pool setting")
	}
}

// Two installations on one engine (root's and a user's data home, a CI runner's parallel
// suites) each check the engine's networks when they pick a slice, but picks made in the
// same moment see the same free slices: they must not all aim at the pool's first one. Each
// database searches from a place of its own (its installation id and the stack), so the
// same stack name in two databases gets two different slices.
func TestCreateStack_InstallationsAimAtDifferentSlices(t *testing.T) {
	ctx := t.Context()
	var got []string
	for _, id := range []string{"6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f", "0d9e8f7a-6b5c-4d3e-9f1a-2b3c4d5e6f70"} {
		pool := dbtest.MigratedDatabase(t)
		if _, err := pool.Exec(ctx, `UPDATE installation SET id = $1`, id); err != nil {
			t.Fatal(err)
		}
		s := store.New(pool)
		if _, err := s.CreateStack(ctx, "shop", "", "", ""); err != nil {
			t.Fatal(err)
		}
		got = append(got, subnetOf(t, s, "shop"))
	}
	if got[0] == got[1] {
		t.Fatalf("both installations gave stack shop %s", got[0])
	}
}
