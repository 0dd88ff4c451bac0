package engine

import (
	"context"
	"sync"
	"time"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/runtime"
)

// StatusChange is a container of a stack changing state, as the engine reported it.
type StatusChange struct {
	Stack    string    `json:"stack"`
	Instance string    `json:"instance"`
	Action   string    `json:"action"` // start, stop, die, destroy, health_status: healthy, ...
	Time     time.Time `json:"time"`
}

// statusEvents are the container events that change what the UI shows; exec_* events
// (healthcheck probes) are left out.
var statusEvents = []string{"create", "start", "restart", "stop", "die", "kill", "pause", "unpause", "destroy", "health_status", "oom"}

// WatchStatus feeds fn every state change of any DevArch container, from one engine event
// stream (runtime.Engine.Events: the local Engine API socket, or `docker events`) filtered to
// DevArch's label, until ctx ends; it returns once the stream is closed, so when it returns
// no connection or process of it is left. When the stream ends (the engine restarted, or is
// not running yet) it reconnects with backoff, replaying from the last event seen so nothing
// in between is lost; online reports each connect/disconnect.
//
// Stacks on other engines (docker contexts) have a stream each: the default engine's starts
// at once, and the engines stacks use are read from the store every engineRecheck, so a
// stack moved to a new engine (from this process or another) gets its stream within that
// time. fn is called from several goroutines then; online reports the default engine's
// stream only (the others' health is shown per stack).
func (s *Service) WatchStatus(ctx context.Context, fn func(StatusChange), online func(bool)) {
	var mu sync.Mutex
	serial := func(c StatusChange) {
		mu.Lock()
		defer mu.Unlock()
		fn(c)
	}
	var wg sync.WaitGroup
	started := map[string]bool{"": true}
	wg.Go(func() { s.watchEngine(ctx, "", serial, online) })
	for {
		if engines, err := s.Store.EnginesInUse(ctx); err == nil {
			for _, e := range engines {
				if !started[e] {
					started[e] = true
					wg.Go(func() { s.watchEngine(ctx, e, serial, nil) })
				}
			}
		}
		select {
		case <-ctx.Done():
			wg.Wait()
			return
		case <-time.After(engineRecheck):
		}
	}
}

// engineRecheck is how often WatchStatus looks for engines that stacks started using.
const engineRecheck = 15 * time.Second

// watchEngine is WatchStatus for the engine of one docker context ("" the default).
func (s *Service) watchEngine(ctx context.Context, dockerContext string, fn func(StatusChange), online func(bool)) {
	filters := []string{"type=container", "label=" + model.LabelStack}
	for _, e := range statusEvents {
		filters = append(filters, "event="+e)
	}
	var since time.Time
	backoff := 500 * time.Millisecond
	for ctx.Err() == nil {
		eng, err := s.engineOn(ctx, dockerContext)
		if err == nil {
			events, errs := eng.Events(ctx, runtime.EventOptions{Filters: filters, Since: since})
			if online != nil {
				online(true)
			}
			connected := time.Now()
			for ev := range events {
				since = ev.Time.Add(time.Nanosecond)
				fn(StatusChange{Stack: ev.Attributes[model.LabelStack], Instance: ev.Attributes[model.LabelInstance], Action: ev.Action, Time: ev.Time})
			}
			<-errs
			if online != nil && ctx.Err() == nil {
				online(false)
			}
			if time.Since(connected) > 10*time.Second {
				backoff = 500 * time.Millisecond
			}
			s.forgetEngine(dockerContext)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		if backoff < 10*time.Second {
			backoff *= 2
		}
	}
}

// forgetEngine drops the cached engine of a docker context ("" the default) so the next
// use detects it again (the daemon may have restarted elsewhere, or with another version).
func (s *Service) forgetEngine(dockerContext string) {
	sl := s.slot(dockerContext)
	sl.mu.Lock()
	sl.eng, sl.err = nil, nil
	sl.mu.Unlock()
}
