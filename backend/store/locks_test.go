package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/database/dbtest"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/store"
)

// Lock holders have connections of their own: more concurrent holders than the pool has
// connections (the pool here has 4, DevArch's has 8) each still run queries through the
// pool while holding, and the one over MaxLockHolders is refused at once with a clear
// error. Before, the 9th apply waited forever for a pool connection the 8 holders kept.
func TestLockStack_MoreHoldersThanPoolConnections(t *testing.T) {
	pool := dbtest.MigratedDatabase(t)
	s := store.New(pool)
	ctx := t.Context()
	n := store.MaxLockHolders
	for i := 0; i <= n; i++ {
		if _, err := s.CreateStack(ctx, fmt.Sprintf("s%d", i), "", "", ""); err != nil {
			t.Fatal(err)
		}
	}
	locks := make([]*store.StackLock, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			l, err := s.LockStack(ctx, fmt.Sprintf("s%d", i), "apply", "test", nil)
			if err != nil {
				errs <- err
				return
			}
			locks[i] = l
			// What an apply does while it holds the lock: queries through the pool.
			_, err = s.ListStacks(ctx)
			errs <- err
		}(i)
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("lock holders starved each other")
	}
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	_, err := s.LockStack(ctx, fmt.Sprintf("s%d", n), "apply", "test", nil)
	if model.KindOf(err) != model.KindLocked || !strings.Contains(err.Error(), "too many operations at once") || time.Since(start) > 2*time.Second {
		t.Fatalf("holder %d: %v after %s", n+1, err, time.Since(start))
	}
	for _, l := range locks {
		if err := l.Finish(ctx, store.Outcome{Status: store.RunSucceeded}); err != nil {
			t.Fatal(err)
		}
	}
	l, err := s.LockStack(ctx, fmt.Sprintf("s%d", n), "apply", "test", nil)
	if err != nil {
		t.Fatalf("after the others finished: %v", err)
	}
	l.Release(ctx)
}

// CheckUnlocked only looks: it names the holder while a lock is held, never takes the lock
// itself (so a canceled check cannot leave it held), and a free stack passes.
func TestCheckUnlocked_LooksWithoutTaking(t *testing.T) {
	pool := dbtest.MigratedDatabase(t)
	s := store.New(pool)
	ctx := t.Context()
	if _, err := s.CreateStack(ctx, "shop", "", "", ""); err != nil {
		t.Fatal(err)
	}
	if err := s.CheckUnlocked(ctx, "shop"); err != nil {
		t.Fatal(err)
	}
	l, err := s.LockStack(ctx, "shop", "apply", "alice@host (cli, pid 1)", nil)
	if err != nil {
		t.Fatal(err)
	}
	err = s.CheckUnlocked(ctx, "shop")
	if model.KindOf(err) != model.KindLocked || !strings.Contains(err.Error(), "alice@host (cli, pid 1)") {
		t.Fatalf("held lock: %v", err)
	}
	l.Release(ctx)
	// Many checks, some canceled at random points, leave no advisory lock behind.
	for i := 0; i < 50; i++ {
		c, cancel := context.WithTimeout(ctx, time.Duration(i%5)*100*time.Microsecond)
		_ = s.CheckUnlocked(c, "shop")
		cancel()
	}
	var held int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&held); err != nil || held != 0 {
		t.Fatalf("%d advisory locks left behind (%v)", held, err)
	}
	l, err = s.LockStack(ctx, "shop", "apply", "bob", nil)
	if err != nil {
		t.Fatalf("the stack must be free: %v", err)
	}
	l.Release(ctx)
}

// Processes starting at the same moment (the window and a CLI command) sync the built-in
// templates concurrently: all succeed, and each template is stored once.
func TestSyncBuiltins_Concurrent(t *testing.T) {
	pool := dbtest.MigratedDatabase(t)
	var builtins []model.Template
	for i := 0; i < 60; i++ {
		builtins = append(builtins, model.Template{Name: fmt.Sprintf("t%02d", i), Version: 1, Category: "x", Service: model.Spec{"image": "a:1"}})
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	start := make(chan struct{})
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := store.New(pool).SyncBuiltins(t.Context(), builtins, "")
			errs <- err
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent sync: %v", err)
		}
	}
	var n int
	_ = pool.QueryRow(t.Context(), `SELECT count(*) FROM templates WHERE builtin`).Scan(&n)
	if n != len(builtins) {
		t.Fatalf("%d built-in templates stored", n)
	}
}
