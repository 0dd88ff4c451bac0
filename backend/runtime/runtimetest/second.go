//go:build unix

package runtimetest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/runtime"
)

// SecondEngine gives a test a second Docker engine on this machine, reached through a docker
// context, as a stand-in for a remote engine (RECIPES.md, "A second Docker engine on the same
// machine"): a dockerd of its own with its own data-root, exec-root, pidfile, containerd
// namespace and bridge, listening on a unix socket and on 127.0.0.1:PORT (TCP, with TLS when
// tls is true). It runs with --iptables=false --ip-masq=false so it never touches the default
// engine's iptables chains; published ports still work on 127.0.0.1 through docker-proxy.
//
// Where things are:
//
//   - The docker context (Info.Context) lives in a private docker config directory, not in the
//     user's ~/.docker: Info.Env is "DOCKER_CONFIG=<dir>", which every process that should see
//     the context needs (runtime.Options.Env in this process; the environment of a devarch CLI
//     child process). The default engine stays reachable with that config (its default
//     context is DOCKER_HOST or the default socket) and compose is found as usual (the
//     system's cli-plugins directories).
//   - Info.Engine is runtime.Detect(Options{Context: Info.Context, Env: Info.Env}): it drives
//     the second engine through the CLI over TCP.
//   - The test image (BusyboxImage) is loaded into it.
//
// One engine per kind (plain, TLS) is shared by the tests of a process that hold it at the
// same time (parallel tests, subtests of one parent); it is torn down when the last of them
// ends (t.Cleanup): its containers removed, dockerd stopped and waited for, the bridge
// deleted, the directory (data, context, certificates) removed. A later test starts a new
// one (about 1-3 s). dockerd runs under a small supervisor shell in a session of its own that
// holds a pipe from this process and does that teardown when the pipe closes, which the
// kernel does however this process ends (kill -9 included): nothing outlives a dead test
// process for more than the teardown's few seconds.
//
// It needs root (dockerd) and the dockerd and ip commands: outside CI a test without them is
// skipped (testenv.Missing), in CI it fails.
func SecondEngine(t testing.TB, tls bool) SecondEngineInfo {
	t.Helper()
	eng := RequireEngine(t)
	if eng.Name != runtime.Docker {
		missing(t, "docker (a second engine is a second dockerd)")
	}
	if os.Geteuid() != 0 {
		missing(t, "root (a second dockerd needs it)")
	}
	for _, tool := range []string{"dockerd", "ip"} {
		if _, err := lookTool(tool); err != nil {
			missing(t, "the "+tool+" command: "+err.Error())
		}
	}
	image := BusyboxImage(t)

	seconds.mu.Lock()
	defer seconds.mu.Unlock()
	s := seconds.m[tls]
	if s == nil {
		var err error
		s, err = startSecond(eng, image, tls)
		if err != nil {
			t.Fatalf("starting a second docker engine: %v", err)
		}
		seconds.m[tls] = s
		t.Logf("second docker engine %s (%s) ready in %s (dockerd answering after %s)",
			s.info.Context, s.info.Host, s.info.Ready.Round(time.Millisecond), s.info.Started.Round(time.Millisecond))
	}
	s.users++
	t.Cleanup(func() {
		seconds.mu.Lock()
		defer seconds.mu.Unlock()
		s.users--
		if s.users > 0 {
			return
		}
		delete(seconds.m, tls)
		if err := s.stop(); err != nil {
			t.Errorf("stopping the second docker engine %s: %v", s.info.Context, err)
		}
	})
	return s.info
}

var seconds = struct {
	mu sync.Mutex
	m  map[bool]*secondEngine
}{m: map[bool]*secondEngine{}}

type secondEngine struct {
	info   SecondEngineInfo
	users  int
	dir    string
	bridge string
	rule   string // the comment of the FORWARD rules added for it ("" = none)
	super  *exec.Cmd
	stdin  io.WriteCloser
}

// pid is dockerd's process id as its supervisor recorded it (0 before it did).
func (s *secondEngine) pid() int {
	b, _ := os.ReadFile(filepath.Join(s.dir, "child.pid"))
	var n int
	fmt.Sscanf(string(b), "%d", &n)
	return n
}

// alive reports whether pid is a process that has not exited (a zombie has).
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	_, rest, ok := strings.Cut(string(b), ") ")
	return ok && !strings.HasPrefix(rest, "Z") && !strings.HasPrefix(rest, "X")
}

// supervisorScript runs dockerd (the arguments after the first four) and waits for its stdin
// to close (this process ending or stop), then removes the engine's containers, stops dockerd
// and waits for it, and deletes the forward rules, the bridge, the directory and, when all
// went well, its own log ($dir.supervisor.log, kept for the error otherwise).
const supervisorScript = `
dir=$1; bridge=$2; docker=$3; rule=$4; shift 4
"$@" >"$dir/dockerd.log" 2>&1 &
pid=$!
echo "$pid" >"$dir/child.pid"
cat >/dev/null
sock="unix://$dir/docker.sock"
if kill -0 "$pid" 2>/dev/null; then
  ids=$(timeout 20 "$docker" -H "$sock" ps -aq 2>/dev/null)
  [ -n "$ids" ] && timeout 60 "$docker" -H "$sock" rm -f -v $ids >/dev/null 2>&1
  kill -TERM "$pid"
  i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
  kill -KILL "$pid" 2>/dev/null
fi
wait "$pid" 2>/dev/null
if [ -n "$rule" ]; then
  iptables -D FORWARD -i "$bridge" -o "$bridge" -m comment --comment "$rule" -j ACCEPT 2>/dev/null
  iptables -D FORWARD -i br-+ -o br-+ -m comment --comment "$rule" -j ACCEPT 2>/dev/null
fi
ip link del "$bridge" 2>/dev/null
rm -rf --one-file-system "$dir" && rm -f "$dir.supervisor.log"
`

// startSecond sets up and starts one second engine. On failure everything it made is
// removed again.
func startSecond(def *runtime.Engine, image string, tls bool) (s *secondEngine, err error) {
	begin := time.Now()
	kind := "tcp"
	if tls {
		kind = "tls"
	}
	pid := os.Getpid()
	// Short names: unix socket paths are limited to ~100 bytes, interface names to 15.
	dir, err := os.MkdirTemp("", "dv2e")
	if err != nil {
		return nil, err
	}
	s = &secondEngine{dir: dir}
	ctxName := fmt.Sprintf("second-%d-%s", pid, kind)
	bridge := fmt.Sprintf("dv2e%d%c", pid, kind[1])
	info := SecondEngineInfo{Context: ctxName, Socket: filepath.Join(dir, "docker.sock"), TLS: tls, Bridge: bridge,
		Env: []string{"DOCKER_CONFIG=" + filepath.Join(dir, "config")}}
	defer func() {
		if err != nil {
			if s.super != nil {
				err = fmt.Errorf("%w%s", err, logTail(dir))
				if serr := s.stop(); serr != nil {
					err = fmt.Errorf("%w; cleaning up: %v", err, serr)
				}
			} else {
				if s.bridge != "" {
					deleteBridge(s.bridge, s.rule)
				}
				_ = os.RemoveAll(dir)
			}
			s = nil
		}
	}()

	subnet, pool, err := makeBridge(bridge)
	if err != nil {
		return s, err
	}
	s.bridge = bridge
	info.Subnet, info.Pool = subnet.String(), pool.String()

	port, err := freePort()
	if err != nil {
		return s, err
	}
	info.Host = fmt.Sprintf("tcp://127.0.0.1:%d", port)
	args := []string{
		"--data-root", filepath.Join(dir, "data"), "--exec-root", filepath.Join(dir, "exec"),
		"--pidfile", filepath.Join(dir, "dockerd.pid"),
		"-H", "unix://" + info.Socket, "-H", fmt.Sprintf("tcp://127.0.0.1:%d", port),
		"--bridge", bridge, "--iptables=false", "--ip-masq=false",
		"--default-address-pool", "base=" + pool.String() + ",size=28",
		"--containerd-namespace", "dv2e-" + filepath.Base(dir), "--containerd-plugins-namespace", "dv2e-" + filepath.Base(dir) + "-plugins",
		"--config-file", filepath.Join(dir, "daemon.json"),
	}
	if err := os.WriteFile(filepath.Join(dir, "daemon.json"), []byte("{}\n"), 0o600); err != nil {
		return s, err
	}
	ctxDocker := "host=" + info.Host
	if tls {
		info.CertDir = filepath.Join(dir, "certs")
		if err := writeCerts(info.CertDir); err != nil {
			return s, fmt.Errorf("generating TLS certificates: %w", err)
		}
		c := func(f string) string { return filepath.Join(info.CertDir, f) }
		args = append(args, "--tlsverify", "--tlscacert", c("ca.pem"), "--tlscert", c("server-cert.pem"), "--tlskey", c("server-key.pem"))
		ctxDocker += ",ca=" + c("ca.pem") + ",cert=" + c("cert.pem") + ",key=" + c("key.pem")
	}

	dockerd, _ := lookTool("dockerd")
	rule := forwardRules(bridge, "dv2e-"+filepath.Base(dir))
	s.rule = rule

	super := exec.Command("sh", append([]string{"-c", supervisorScript, "dv2e-supervisor", dir, bridge, def.Path, rule, dockerd}, args...)...)
	log, err := os.Create(filepath.Join(os.TempDir(), filepath.Base(dir)+".supervisor.log"))
	if err != nil {
		return s, err
	}
	defer log.Close()
	super.Stdout, super.Stderr = log, log // never the test's own pipes: go test would wait for them
	// Its own session: a signal to the test's process group does not cut the teardown short.
	super.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	// dockerd finds containerd, runc, docker-proxy and the script ip and iptables on PATH.
	super.Env = append(os.Environ(), "PATH="+os.Getenv("PATH")+":/usr/local/sbin:/usr/sbin:/sbin:/usr/bin:/bin")
	stdin, err := super.StdinPipe()
	if err != nil {
		return s, err
	}
	started := time.Now()
	if err := super.Start(); err != nil {
		return s, fmt.Errorf("starting dockerd's supervisor: %w", err)
	}
	s.super, s.stdin = super, stdin
	if err := waitPing(info.Socket, 60*time.Second, s.pid); err != nil {
		return s, err
	}
	info.Started = time.Since(started)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := def.Run(ctx, []string{"context", "create", ctxName, "--docker", ctxDocker}, runtime.RunOptions{Env: info.Env}); err != nil {
		return s, fmt.Errorf("creating the docker context %s: %w", ctxName, err)
	}
	info.Engine, err = runtime.Detect(ctx, runtime.Options{Context: ctxName, Env: info.Env})
	if err != nil {
		return s, fmt.Errorf("detecting the engine of context %s: %w", ctxName, err)
	}
	tar := filepath.Join(dir, "image.tar")
	if _, err := def.Run(ctx, []string{"save", "-o", tar, image}, runtime.RunOptions{}); err != nil {
		return s, fmt.Errorf("saving %s from the default engine: %w", image, err)
	}
	if _, err := info.Engine.Run(ctx, []string{"load", "-q", "-i", tar}, runtime.RunOptions{}); err != nil {
		return s, fmt.Errorf("loading %s into the second engine: %w", image, err)
	}
	_ = os.Remove(tar)
	info.Ready = time.Since(begin)
	s.info = info
	return s, nil
}

// stop tears the engine down through its supervisor and waits for it, then checks that
// dockerd, the bridge and the directory are gone.
func (s *secondEngine) stop() error {
	dpid := s.pid()
	_ = s.stdin.Close()
	done := make(chan error, 1)
	go func() { done <- s.super.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("the supervisor of %s failed: %v%s", s.dir, err, supervisorLog(s.dir))
		}
	case <-time.After(90 * time.Second):
		_ = s.super.Process.Kill()
		if dpid > 0 {
			_ = syscall.Kill(dpid, syscall.SIGKILL)
		}
		return fmt.Errorf("the supervisor of %s did not finish within 90s", s.dir)
	}
	var problems []string
	if dpid > 0 && alive(dpid) {
		problems = append(problems, fmt.Sprintf("dockerd (pid %d) still runs", dpid))
	}
	if _, err := os.Stat(s.dir); err == nil {
		problems = append(problems, s.dir+" still exists")
	}
	if b := s.bridge; b != "" {
		if _, err := net.InterfaceByName(b); err == nil {
			problems = append(problems, "bridge "+b+" still exists")
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("after teardown: %s%s", strings.Join(problems, "; "), supervisorLog(s.dir))
	}
	return nil
}

// forwardRules adds the host FORWARD rules the second engine's containers need to reach
// each other, marked with comment, and returns comment; "" when none were needed or added.
// With br_netfilter loaded (bridge-nf-call-iptables = 1), traffic between two containers on
// one bridge passes the host's FORWARD chain, whose policy the default dockerd sets to DROP
// and where it accepts only its own bridges; the second dockerd (--iptables=false) adds no
// rule, so its containers could not talk to each other. The rules are appended, after every
// rule of the default dockerd (which inserts its own at the top), so they decide only
// traffic nothing else decided: between the second engine's bridges (its default bridge, and
// the br-* bridges of its networks).
func forwardRules(bridge, comment string) string {
	b, err := os.ReadFile("/proc/sys/net/bridge/bridge-nf-call-iptables")
	if err != nil || strings.TrimSpace(string(b)) != "1" {
		return ""
	}
	if run("iptables", "-A", "FORWARD", "-i", bridge, "-o", bridge, "-m", "comment", "--comment", comment, "-j", "ACCEPT") != nil {
		return ""
	}
	_ = run("iptables", "-A", "FORWARD", "-i", "br-+", "-o", "br-+", "-m", "comment", "--comment", comment, "-j", "ACCEPT")
	return comment
}

// subnetLock serialises the choice of subnets and the bridge's creation between test
// processes.
const subnetLock = "/tmp/devarch-second-engine.lock"

// makeBridge creates the bridge with the gateway address of 172.31.N.0/24 and returns that
// subnet and 172.31.N+1.0/24 (the address pool), N even, both overlapping no host route. It
// holds subnetLock from the choice until the bridge (and so its route) exists, so a racing
// process sees the route and picks another pair. A stale bridge of the same name (a recycled
// pid) is deleted first.
func makeBridge(bridge string) (netip.Prefix, netip.Prefix, error) {
	f, err := os.OpenFile(subnetLock, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return netip.Prefix{}, netip.Prefix{}, err
	}
	defer f.Close() // releases the lock
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		return netip.Prefix{}, netip.Prefix{}, err
	}
	if _, err := net.InterfaceByName(bridge); err == nil {
		_ = run("ip", "link", "del", bridge)
	}
	routes, err := runtime.HostRoutes()
	if err != nil {
		return netip.Prefix{}, netip.Prefix{}, err
	}
	free := func(p netip.Prefix) bool {
		for _, r := range routes {
			if r.Bits() > 0 && r.Overlaps(p) {
				return false
			}
		}
		return true
	}
	for n := 250; n >= 100; n -= 2 {
		a := netip.MustParsePrefix(fmt.Sprintf("172.31.%d.0/24", n))
		b := netip.MustParsePrefix(fmt.Sprintf("172.31.%d.0/24", n+1))
		if !free(a) || !free(b) {
			continue
		}
		if err := run("ip", "link", "add", "name", bridge, "type", "bridge"); err != nil {
			return a, b, err
		}
		gw := netip.PrefixFrom(a.Addr().Next(), a.Bits())
		if err := run("ip", "addr", "add", gw.String(), "dev", bridge); err != nil {
			deleteBridge(bridge, "")
			return a, b, err
		}
		if err := run("ip", "link", "set", bridge, "up"); err != nil {
			deleteBridge(bridge, "")
			return a, b, err
		}
		return a, b, nil
	}
	return netip.Prefix{}, netip.Prefix{}, fmt.Errorf("no free pair of 172.31.N.0/24 subnets among the host routes %v", routes)
}

// deleteBridge removes the bridge, and the forward rules when they were added (rule is
// their comment).
func deleteBridge(bridge, rule string) {
	if rule != "" {
		_ = run("iptables", "-D", "FORWARD", "-i", bridge, "-o", bridge, "-m", "comment", "--comment", rule, "-j", "ACCEPT")
		_ = run("iptables", "-D", "FORWARD", "-i", "br-+", "-o", "br-+", "-m", "comment", "--comment", rule, "-j", "ACCEPT")
	}
	_ = run("ip", "link", "del", bridge)
}

// waitPing polls dockerd's /_ping on its unix socket until it answers 200, dockerd exits, or
// limit passes.
func waitPing(sock string, limit time.Duration, pid func() int) error {
	client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", sock)
		}}}
	defer client.CloseIdleConnections()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if resp, err := client.Get("http://docker/_ping"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if p := pid(); p > 0 && !alive(p) {
			return fmt.Errorf("dockerd exited before it answered")
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("dockerd did not answer on %s within %s", sock, limit)
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// writeCerts writes a CA (ca.pem), a server certificate for 127.0.0.1 and localhost
// (server-cert.pem, server-key.pem) and a client certificate (cert.pem, key.pem) into dir,
// valid for a day, ECDSA P-256.
func writeCerts(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	now := time.Now()
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "second-engine-ca"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return err
	}
	if err := writePEM(filepath.Join(dir, "ca.pem"), "CERTIFICATE", caDER); err != nil {
		return err
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return err
	}
	leaf := func(serial int64, name string, usage x509.ExtKeyUsage, certFile, keyFile string) error {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return err
		}
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage}}
		if usage == x509.ExtKeyUsageServerAuth {
			tmpl.IPAddresses = []net.IP{net.ParseIP("127.0.0.1")}
			tmpl.DNSNames = []string{"localhost"}
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
		if err != nil {
			return err
		}
		kb, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return err
		}
		if err := writePEM(filepath.Join(dir, certFile), "CERTIFICATE", der); err != nil {
			return err
		}
		return writePEM(filepath.Join(dir, keyFile), "PRIVATE KEY", kb)
	}
	if err := leaf(2, "127.0.0.1", x509.ExtKeyUsageServerAuth, "server-cert.pem", "server-key.pem"); err != nil {
		return err
	}
	return leaf(3, "second-engine-client", x509.ExtKeyUsageClientAuth, "cert.pem", "key.pem")
}

func writePEM(path, typ string, der []byte) error {
	return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600)
}

// lookTool finds a system tool on PATH or in the sbin directories a non-login PATH may lack.
func lookTool(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, d := range []string{"/usr/sbin", "/sbin", "/usr/local/sbin"} {
		if p := filepath.Join(d, name); isExec(p) {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found on PATH or in /usr/sbin, /sbin", name)
}

func isExec(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// run runs a host tool (ip, iptables) and returns its output in the error when it fails.
func run(name string, args ...string) error {
	path, err := lookTool(name)
	if err != nil {
		return err
	}
	out, err := exec.Command(path, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// logTail is the end of dockerd's log, for an error.
func logTail(dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, "dockerd.log"))
	if err != nil || len(b) == 0 {
		return ""
	}
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return "\ndockerd's log ends with:\n" + string(b)
}

func supervisorLog(dir string) string {
	b, err := os.ReadFile(filepath.Join(os.TempDir(), filepath.Base(dir)+".supervisor.log"))
	if err != nil || len(b) == 0 {
		return ""
	}
	return "\nsupervisor log:\n" + string(b)
}
