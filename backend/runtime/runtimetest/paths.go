package runtimetest

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/runtime"
)

// DevArch reaches the local Docker daemon two ways: reads (listing, the event stream) go to
// the Engine API over its unix socket when the CLI would use that socket too, everything else
// runs the CLI. The helpers below let one test run against each way on the same real daemon:
// CLIEnv forces the CLI for everything, SocketProxy keeps the API path but puts a socket the
// test controls between DevArch and the daemon, so the test can cut the connections the way a
// daemon restart does without restarting the daemon other tests share.

// daemonHost is where the docker CLI of this machine reaches the daemon: DOCKER_HOST when it
// is a unix socket, else the default socket.
func daemonHost() string {
	if h := os.Getenv("DOCKER_HOST"); strings.HasPrefix(h, "unix://") {
		return h
	}
	return "unix:///var/run/docker.sock"
}

// CLIContext is the docker context CLIEnv creates.
const CLIContext = "devarch-test"

// CLIEnv returns environment entries ("KEY=VALUE", for runtime.Options.Env or a child
// process) that make DevArch drive the docker CLI for everything, events included, while
// still reaching this machine's daemon: a private DOCKER_CONFIG holding a docker context
// CLIContext that points at the daemon's socket, selected with DOCKER_CONTEXT, and
// DEVARCH_DOCKER_API=off (runtime.APIEnv). The last one is what forces the CLI: DevArch
// follows a context to its endpoint and would read this one's unix socket through the API.
// The context is there so the CLI path is also the one that resolves a context. Docker only.
func CLIEnv(t testing.TB) []string {
	t.Helper()
	eng := RequireEngine(t)
	if eng.Name != runtime.Docker {
		missing(t, "docker (the CLI fallback under test is docker's)")
	}
	dir, err := os.MkdirTemp("", "devarch-dockercfg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err = eng.Run(ctx, []string{"context", "create", CLIContext, "--docker", "host=" + daemonHost()},
		runtime.RunOptions{Env: []string{"DOCKER_CONFIG=" + dir}})
	if err != nil {
		t.Fatalf("creating the docker context %s: %v", CLIContext, err)
	}
	return []string{"DOCKER_CONFIG=" + dir, "DOCKER_CONTEXT=" + CLIContext, runtime.APIEnv + "=off"}
}

// SocketProxy is a unix socket that forwards every connection to the Docker daemon's socket,
// byte for byte. DevArch pointed at it (Env) still takes the Engine API path, and Cut ends
// its connections as a daemon restart would.
type SocketProxy struct {
	path     string
	upstream string
	ln       net.Listener

	mu     sync.Mutex
	conns  map[net.Conn]net.Conn // client side -> daemon side
	closed bool
}

// NewSocketProxy starts a proxy in a fresh temporary directory; it is closed when the test
// ends. Docker only.
func NewSocketProxy(t testing.TB) *SocketProxy {
	t.Helper()
	eng := RequireEngine(t)
	if eng.Name != runtime.Docker {
		missing(t, "docker (the Engine API path under test is docker's)")
	}
	// A short directory: a unix socket path may not exceed about 100 bytes.
	dir, err := os.MkdirTemp("", "dvp")
	if err != nil {
		t.Fatal(err)
	}
	p := &SocketProxy{
		path:     filepath.Join(dir, "docker.sock"),
		upstream: strings.TrimPrefix(daemonHost(), "unix://"),
		conns:    map[net.Conn]net.Conn{},
	}
	if p.ln, err = net.Listen("unix", p.path); err != nil {
		t.Fatal(err)
	}
	go p.serve()
	t.Cleanup(func() { p.Close(); _ = os.RemoveAll(dir) })
	return p
}

// Env returns the DOCKER_HOST entry that sends DevArch through the proxy.
func (p *SocketProxy) Env() []string { return []string{"DOCKER_HOST=unix://" + p.path} }

// Open is the number of client connections currently forwarded.
func (p *SocketProxy) Open() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.conns)
}

// Cut closes every forwarded connection (both ends) and returns how many there were. New
// connections are accepted as before, as by a daemon that restarted.
func (p *SocketProxy) Cut() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.conns)
	for c, up := range p.conns {
		_ = c.Close()
		_ = up.Close()
	}
	return n
}

// Close stops accepting and cuts every connection: from then on the "daemon" is down.
func (p *SocketProxy) Close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	_ = p.ln.Close()
	p.Cut()
}

func (p *SocketProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.forward(c)
	}
}

// forward copies between the client c and a new connection to the daemon until either side
// ends or Cut closes them.
func (p *SocketProxy) forward(c net.Conn) {
	up, err := net.Dial("unix", p.upstream)
	if err != nil {
		_ = c.Close()
		return
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		_ = c.Close()
		_ = up.Close()
		return
	}
	p.conns[c] = up
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		delete(p.conns, c)
		p.mu.Unlock()
	}()
	// Either direction ending (a side closed, or Cut) ends both: HTTP does not half-close.
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		_ = dst.Close()
		_ = src.Close()
		done <- struct{}{}
	}
	go pipe(up, c)
	go pipe(c, up)
	<-done
	<-done
}
