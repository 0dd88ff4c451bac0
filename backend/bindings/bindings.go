// Package bindings is what the desktop frontend calls: thin structs bound through Wails,
// DTOs with json tags, and the one place where Go errors become the typed problems the
// frontend shows. No use-case logic lives here.
package bindings

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"github.com/devarch/devarch/backend/database"
	"github.com/devarch/devarch/backend/doctor"
	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/version"
)

// Host holds the backend the bindings serve. The window opens before the database is
// ready, so calls made while it starts get a clear "starting" answer instead of blocking.
type Host struct {
	mu       sync.RWMutex
	emitter  func(name string, data any)
	ctx      context.Context
	db       *database.DB
	svc      *engine.Service
	startErr error
	streams  streams     // the window's log streams (nodeops.go)
	dialogs  FileDialogs // native file choosers (transfer.go); nil in a browser
}

// NewHost returns a Host in the "starting" state.
func NewHost() *Host { return &Host{ctx: context.Background()} }

// SetContext sets the context calls derive from (the app's lifetime).
func (h *Host) SetContext(ctx context.Context) {
	h.mu.Lock()
	h.ctx = ctx
	h.mu.Unlock()
}

// SetEmitter sets how events reach the frontend (app.go wires the Wails runtime here, so
// this package stays free of it).
func (h *Host) SetEmitter(fn func(name string, data any)) {
	h.mu.Lock()
	h.emitter = fn
	h.mu.Unlock()
}

func (h *Host) emit(name string, data any) {
	h.mu.RLock()
	fn := h.emitter
	h.mu.RUnlock()
	if fn != nil {
		fn(name, data)
	}
}

// SetReady makes the backend available.
func (h *Host) SetReady(db *database.DB, svc *engine.Service) {
	h.mu.Lock()
	h.db, h.svc, h.startErr = db, svc, nil
	h.mu.Unlock()
}

// SetFailed records why the backend could not start; every call reports it.
func (h *Host) SetFailed(err error) {
	h.mu.Lock()
	h.startErr = err
	h.mu.Unlock()
}

func (h *Host) service() (context.Context, *engine.Service, error) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if h.startErr != nil {
		return nil, nil, h.startErr
	}
	if h.svc == nil {
		return nil, nil, model.NewError(model.KindUnavailable, "DevArch is still starting", "The database is being started; try again in a moment.")
	}
	return h.ctx, h.svc, nil
}

// problem turns any error into the JSON document the frontend's wrapper parses. It is the
// only place Go errors cross to the UI.
func problem(err error) error {
	if err == nil {
		return nil
	}
	e := model.AsError(err)
	p := Problem{Kind: e.Kind.String(), Summary: e.Summary, Detail: e.Detail, Field: e.Field}
	for _, sub := range e.Problems {
		p.Problems = append(p.Problems, Problem{Kind: sub.Kind.String(), Summary: sub.Summary, Detail: sub.Detail, Field: sub.Field})
	}
	if errors.Is(err, context.DeadlineExceeded) {
		p.Kind = model.KindCanceled.String()
	}
	b, _ := json.Marshal(p)
	return errors.New(string(b))
}

// System answers questions about the app itself: version and health.
type System struct{ host *Host }

// NewSystem binds System to host.
func NewSystem(host *Host) *System { return &System{host: host} }

// Version identifies the running build.
func (s *System) Version() VersionInfo {
	v := version.Get()
	return VersionInfo{Version: v.Version, Commit: v.Commit, GoVersion: v.GoVersion, Platform: v.Platform}
}

func toCheck(c doctor.Check) Check {
	return Check{Name: c.Name, Status: c.Status, Summary: c.Summary, Detail: c.Detail, Fix: c.Fix}
}

// Health reports the database and the container engine for the status bar.
func (s *System) Health() Health {
	s.host.mu.RLock()
	db, svc, startErr, base := s.host.db, s.host.svc, s.host.startErr, s.host.ctx
	s.host.mu.RUnlock()
	ctx, cancel := context.WithTimeout(base, 10*time.Second)
	defer cancel()

	var h Health
	switch {
	case startErr != nil:
		h.Database = toCheck(doctor.Database(nil, startErr))
	case db == nil:
		h.Database = Check{Name: "database", Status: doctor.Warning, Summary: "starting the database..."}
	default:
		if err := svc.Store.Ping(ctx); err != nil {
			h.Database = toCheck(doctor.Database(nil, err))
		} else {
			h.Database = toCheck(doctor.Database(db, nil))
			h.Ready = true
		}
	}
	if svc == nil {
		h.Engine = Check{Name: "engine", Status: doctor.Warning, Summary: "waiting for the database"}
		return h
	}
	eng, compose := doctor.Engine(svc.Probe(ctx))
	h.Engine = toCheck(eng)
	if eng.Status == doctor.OK && compose.Status != doctor.OK {
		h.Engine = Check{Name: "engine", Status: doctor.Warning, Summary: eng.Summary + ", but " + compose.Summary, Fix: compose.Fix}
	} else if eng.Status == doctor.OK {
		h.Engine.Detail = compose.Summary
	}
	return h
}

// Stacks serves the stacks pages.
type Stacks struct{ host *Host }

// NewStacks binds Stacks to host.
func NewStacks(host *Host) *Stacks { return &Stacks{host: host} }

// List returns every stack with its live status.
func (s *Stacks) List() ([]StackSummary, error) {
	base, svc, err := s.host.service()
	if err != nil {
		return nil, problem(err)
	}
	ctx, cancel := context.WithTimeout(base, 15*time.Second)
	defer cancel()
	list, err := svc.ListStacks(ctx)
	if err != nil {
		return nil, problem(err)
	}
	out := make([]StackSummary, 0, len(list.Stacks))
	for _, st := range list.Stacks {
		out = append(out, StackSummary{
			Name: st.Name, Description: st.Description, Instances: st.Instances, Revision: st.Revision,
			Status: windowStatus(st.Status, st.Containers, st.Instances), UpdatedAt: st.UpdatedAt.UTC().Format(time.RFC3339),
			Engine: engine.EngineLabel(st.Context),
		})
	}
	return out, nil
}
