package engine

import (
	"cmp"
	"context"
	"fmt"
	"net/netip"
	"net/url"
	"regexp"
	"sync"
	"time"

	"github.com/devarch/devarch/backend/compose"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/plan"
	"github.com/devarch/devarch/backend/runtime"
)

// A stack runs on the engine of its docker context (model.Stack.Context, "" for the engine
// the docker CLI uses by default). Each engine is detected once and cached by context; a
// failure is kept only briefly (engineSlot), so an engine that comes up later is found. Plan
// and apply go to the stack's context; the operations on what exists (start, stop, down,
// logs, status) go to the engine its containers were placed on by the last apply (runsOn),
// which differs from the context between a change of context and the apply that moves the
// stack.

// DefaultEngine is how the default engine is named to users and in the engines table.
const DefaultEngine = "default"

// EngineLabel names an engine for users: its context, or "default".
func EngineLabel(dockerContext string) string {
	if dockerContext == "" {
		return DefaultEngine
	}
	return dockerContext
}

// engineSlot is the detected engine of one docker context. Each has its own lock, so a
// slow detection (a remote host that drops packets, up to the probe timeout) holds up only
// the users of that engine, never the default one's.
type engineSlot struct {
	mu  sync.Mutex
	eng *runtime.Engine
	// err is the last detection's failure and failedAt its time: for failureHold after it
	// the failure is returned at once instead of waiting for another probe (a stacks list
	// with a stack on a dead remote would otherwise wait for it at every refresh). Only for
	// contexts: the default engine is detected again at every use after a failure (its
	// socket refuses at once, and the user may just have started the daemon).
	err      error
	failedAt time.Time
}

// failureHold is how long a failed detection is remembered.
const failureHold = 5 * time.Second

// slot returns the slot of a docker context, made on first use.
func (s *Service) slot(dockerContext string) *engineSlot {
	s.mu.Lock()
	defer s.mu.Unlock()
	sl := s.engines[dockerContext]
	if sl == nil {
		sl = &engineSlot{}
		s.engines[dockerContext] = sl
	}
	return sl
}

// engineOn returns the engine of a docker context ("" the default).
func (s *Service) engineOn(ctx context.Context, dockerContext string) (*runtime.Engine, error) {
	sl := s.slot(dockerContext)
	sl.mu.Lock()
	defer sl.mu.Unlock()
	if sl.eng != nil {
		return sl.eng, nil
	}
	if sl.err != nil && time.Since(sl.failedAt) < failureHold {
		return nil, sl.err
	}
	opts := s.engOpts
	opts.Context = dockerContext
	eng, err := runtime.Detect(ctx, opts)
	if err != nil {
		if dockerContext != "" {
			e := model.AsError(err)
			c := *e
			c.Summary = fmt.Sprintf("engine %s: %s", dockerContext, e.Summary)
			err = &c
		}
		if dockerContext != "" && model.KindOf(err) != model.KindCanceled {
			sl.err, sl.failedAt = err, time.Now()
		}
		return nil, err
	}
	sl.eng, sl.err = eng, nil
	return eng, nil
}

// runsOn is the engine a stack's containers are on: where the last apply placed them, or
// its context when no apply placed them anywhere since its creation or last down.
func runsOn(st model.Stack) string {
	if st.Placed {
		return st.PlacedOn
	}
	return st.Context
}

// EngineFor returns the engine a stack's containers run on (runsOn), for the operations on
// what exists.
func (s *Service) EngineFor(ctx context.Context, stack string) (*runtime.Engine, error) {
	st, err := s.Store.GetStackRow(ctx, stack)
	if err != nil {
		return nil, err
	}
	return s.engineOn(ctx, runsOn(st))
}

// contextName is the rule docker applies to context names (and the schema's check).
var contextName = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.+-]*$`)

// checkContext checks that a docker context can be a stack's: a valid name, "default" or ""
// meaning the default engine (returned as ""), and one the docker CLI knows.
func (s *Service) checkContext(ctx context.Context, name string) (string, error) {
	if name == "" || name == DefaultEngine {
		return "", nil
	}
	if !contextName.MatchString(name) || len(name) > 200 {
		return "", model.Invalid("context", fmt.Sprintf("%q is not a docker context name", name),
			"Context names start with a letter or digit and hold letters, digits and _ . + - (see docker context ls).")
	}
	if _, err := runtime.LookupContext(s.engOpts.Env, name); err != nil {
		return "", err
	}
	return name, nil
}

// EngineView is an engine stacks use, as `devarch engine list`, doctor and the window show
// it.
type EngineView struct {
	// Name is "default" or a docker context.
	Name string
	// Endpoint is where it is reached ("unix:///var/run/docker.sock", "ssh://me@box"), ""
	// when unknown.
	Endpoint string
	Version  string
	// PublishAddress is where it publishes host ports (127.0.0.1 unless set).
	PublishAddress string
	// Stacks counts the stacks that run on it or belong on it.
	Stacks int
	// Err is why it cannot be used now; nil when it answers.
	Err *model.Error
}

// Engines checks every engine a stack uses, and the default one, concurrently, each with a
// fresh probe.
func (s *Service) Engines(ctx context.Context) ([]EngineView, error) {
	used, err := s.Store.EnginesInUse(ctx)
	if err != nil {
		return nil, err
	}
	addrs, err := s.Store.EngineAddresses(ctx)
	if err != nil {
		return nil, err
	}
	stacks, err := s.Store.ListStacks(ctx)
	if err != nil {
		return nil, err
	}
	names := []string{""}
	for _, u := range used {
		if u != "" {
			names = append(names, u)
		}
	}
	out := make([]EngineView, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Go(func() {
			v := EngineView{Name: EngineLabel(name), PublishAddress: cmp.Or(addrs[EngineLabel(name)], compose.DefaultHostIP)}
			for _, st := range stacks {
				if st.Context == name || st.RunsOn == name {
					v.Stacks++
				}
			}
			rep := s.ProbeOn(ctx, name)
			v.Version, v.Err = rep.Engine.Version, rep.Engine.Err
			if v.Err == nil {
				v.Err = rep.Compose.Err
			}
			if eng, err := s.engineOn(ctx, name); err == nil {
				v.Endpoint = eng.Endpoint()
			} else if info, err := runtime.LookupContext(s.engOpts.Env, EngineLabel(name)); err == nil {
				v.Endpoint = info.Host
			}
			out[i] = v
		})
	}
	wg.Wait()
	return out, nil
}

// remoteEndpoint tells whether an engine endpoint is on another machine: ssh:// or tcp://
// (https://) to a host that is not a loopback address. A unix socket, and tcp:// to
// 127.0.0.1, ::1 or localhost, are this machine.
func remoteEndpoint(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil || endpoint == "" {
		return false
	}
	switch u.Scheme {
	case "unix", "npipe", "fd":
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return false
	}
	if ip, err := netip.ParseAddr(host); err == nil && ip.IsLoopback() {
		return false
	}
	return true
}

// remoteDiagnostics are the plan's findings for a stack on a remote engine: its relative
// bind mounts and build contexts are errors (they would resolve on the engine's host, where
// the project's files are not), and fixed host ports without a publish address a warning
// (they would bind to the remote host's own loopback, out of this machine's reach).
func remoteDiagnostics(rs ResolvedStack, endpoint string) []plan.Diagnostic {
	if !remoteEndpoint(endpoint) {
		return nil
	}
	name := EngineLabel(rs.Stack.Context)
	var out []plan.Diagnostic
	for _, lp := range compose.LocalPaths(rs.Effective) {
		out = append(out, plan.Errorf(plan.Subject{Instance: lp.Instance, Path: lp.Field},
			fmt.Sprintf("%s is a directory of this machine, but stack %s runs on the remote engine %s", lp.Source, rs.Stack.Name, name),
			fmt.Sprintf("The engine would look for it on its own host (%s), where the project's files are not. Use a named volume, an absolute path on that host, or an image with the files in it; or run the stack here: devarch stack set-context %s default",
				endpoint, rs.Stack.Name)))
	}
	if rs.Stack.PublishAddress == "" && len(compose.Bindings(rs.Effective)) > 0 {
		out = append(out, plan.Warningf(plan.Subject{},
			fmt.Sprintf("stack %s publishes host ports on the remote engine %s's own 127.0.0.1", rs.Stack.Name, name),
			fmt.Sprintf("This machine cannot reach them there. Give the address of that host which this machine reaches: devarch engine set-address %s ADDRESS", name)))
	}
	return out
}

// EngineEndpoint is where the engine of a docker context ("" the default) is reached, and
// whether it answers (its cached detection, detected now when none is cached).
func (s *Service) EngineEndpoint(ctx context.Context, dockerContext string) (string, bool) {
	if eng, err := s.engineOn(ctx, dockerContext); err == nil {
		return eng.Endpoint(), true
	}
	if info, err := runtime.LookupContext(s.engOpts.Env, EngineLabel(dockerContext)); err == nil {
		return info.Host, false
	}
	return "", false
}

// DockerContexts are the docker contexts a stack can name: "default" first, then the CLI's
// context store, read without running anything.
func (s *Service) DockerContexts() []runtime.ContextInfo {
	return runtime.ListContexts(s.engOpts.Env)
}
