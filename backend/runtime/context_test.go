package runtime_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
	"github.com/devarch/devarch/backend/testenv"
)

// hctxName is a unique name for something a test creates ("hctx-" + what + random).
func hctxName(what string) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return "hctx-" + what + "-" + hex.EncodeToString(b[:])
}

// A container run through an Engine with a Context runs on that context's engine and not on
// the default one: the context engine lists it, sees its start event and its network's
// subnet, serves its published port on 127.0.0.1 (docker-proxy, without iptables); the
// default engine knows nothing of it. Plain TCP and TLS (client certificates) endpoints, both
// through the CLI; the engine's unix socket through a context, through the Engine API.
func TestContextEngine(t *testing.T) {
	def := runtimetest.RequireEngine(t)
	for _, tls := range []bool{false, true} {
		t.Run(map[bool]string{false: "tcp", true: "tls"}[tls], func(t *testing.T) {
			info := runtimetest.SecondEngine(t, tls)
			eng := info.Engine
			if eng.Context != info.Context || eng.Endpoint() != info.Host || runtime.UsesEngineAPI(eng) {
				t.Fatalf("Engine: Context %q Endpoint %q API %v; want %q %q false", eng.Context, eng.Endpoint(), runtime.UsesEngineAPI(eng), info.Context, info.Host)
			}
			if got, err := runtime.LookupContext(info.Env, info.Context); err != nil || got.Host != info.Host || got.TLS != tls {
				t.Errorf("LookupContext = %+v, %v; want host %s TLS %v", got, err, info.Host, tls)
			}
			label := newRunLabel(t, eng)
			name := hctxName("run")

			since := time.Now().Add(-time.Second)
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			events, errs := eng.Events(ctx, runtime.EventOptions{Since: since, Filters: []string{"type=container", "event=start", "label=" + label}})

			args := append([]string{"run", "-d", "--name", name, "-p", "127.0.0.1::8080"}, labelArgs(label)...)
			args = append(args, runtimetest.Image, "sh", "-c", "echo "+name+" > /var/www/index.html && exec httpd -f -p 8080 -h /var/www")
			mustRun(t, eng, args...)

			select {
			case ev := <-events:
				if ev.Attributes["name"] != name || ev.Action != "start" {
					t.Errorf("event = %+v, want the start of %s", ev, name)
				}
			case err := <-errs:
				t.Fatalf("event stream ended: %v", err)
			case <-ctx.Done():
				t.Fatal("no start event from the context engine")
			}
			cancel()

			cs, err := eng.ListContainers(t.Context(), []string{label})
			if err != nil || len(cs) != 1 || cs[0].Name != name || cs[0].State != "running" || len(cs[0].HostPorts) != 1 {
				t.Fatalf("context engine lists %+v, %v; want %s running with one published port", cs, err, name)
			}
			if on, err := def.ListContainers(t.Context(), []string{label}); err != nil || len(on) != 0 {
				t.Errorf("default engine lists %+v, %v; want nothing", on, err)
			}
			port := cs[0].HostPorts[0]
			var body string
			waitFor(t, 20*time.Second, "the published port to answer", func() bool {
				resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/", port))
				if err != nil {
					return false
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				body = strings.TrimSpace(string(b))
				return resp.StatusCode == http.StatusOK
			})
			if body != name {
				t.Errorf("127.0.0.1:%d served %q, want %q", port, body, name)
			}

			// The engine's networks: a network made there is listed there only; its default
			// bridge has the subnet SecondEngine chose, which the default engine does not have.
			netName := hctxName("net")
			mustRun(t, eng, append(append([]string{"network", "create"}, labelArgs(label)...), netName)...)
			if nets, err := eng.ListNetworks(t.Context(), []string{label}); err != nil || len(nets) != 1 || nets[0].Name != netName {
				t.Errorf("networks of the context engine: %+v, %v; want %s", nets, err, netName)
			}
			if nets, err := def.ListNetworks(t.Context(), []string{label}); err != nil || len(nets) != 0 {
				t.Errorf("networks of the default engine: %+v, %v; want none", nets, err)
			}
			subnet := netip.MustParsePrefix(info.Subnet)
			if sub, err := eng.NetworkSubnets(t.Context(), ""); err != nil || !slices.Contains(sub, subnet) {
				t.Errorf("NetworkSubnets (context engine) = %v, %v; want %s among them", sub, err, subnet)
			}
			if sub, err := def.NetworkSubnets(t.Context(), ""); err != nil || slices.Contains(sub, subnet) {
				t.Errorf("NetworkSubnets (default engine) = %v, %v; want no %s", sub, err, subnet)
			}

			// A context whose endpoint is the engine's unix socket reads through the Engine API,
			// and sees the same container; DEVARCH_DOCKER_API=off sends it through the CLI.
			sockCtx := hctxName("sock")
			mustRunEnv(t, def, info.Env, "context", "create", sockCtx, "--docker", "host=unix://"+info.Socket)
			for _, off := range []bool{false, true} {
				env := info.Env
				if off {
					env = append(slices.Clone(env), runtime.APIEnv+"=off")
				}
				sock, err := runtime.Detect(t.Context(), runtime.Options{Context: sockCtx, Env: env})
				if err != nil {
					t.Fatal(err)
				}
				if runtime.UsesEngineAPI(sock) == off || sock.Endpoint() != "unix://"+info.Socket {
					t.Errorf("socket context (API off %v): UsesEngineAPI %v Endpoint %q", off, runtime.UsesEngineAPI(sock), sock.Endpoint())
				}
				if cs, err := sock.ListContainers(t.Context(), []string{label}); err != nil || len(cs) != 1 || cs[0].Name != name {
					t.Errorf("socket context (API off %v) lists %+v, %v", off, cs, err)
				}
			}
		})
	}
}

func mustRunEnv(t *testing.T, eng *runtime.Engine, env []string, args ...string) {
	t.Helper()
	if _, err := eng.Run(t.Context(), args, runtime.RunOptions{Env: env}); err != nil {
		t.Fatalf("%s: %v", strings.Join(args, " "), err)
	}
}

// An inherited DOCKER_HOST does not take an Engine with a Context elsewhere: detection,
// listing and runs go to the context, though DOCKER_HOST points at a socket that does not
// exist.
func TestContextEngine_DockerHostIgnored(t *testing.T) {
	info := runtimetest.SecondEngine(t, false)
	env := append(slices.Clone(info.Env), "DOCKER_HOST=unix:///nonexistent/hctx.sock")
	eng, err := runtime.Detect(t.Context(), runtime.Options{Context: info.Context, Env: env})
	if err != nil {
		t.Fatalf("Detect with a stray DOCKER_HOST: %v", err)
	}
	if eng.Endpoint() != info.Host {
		t.Errorf("Endpoint = %q, want %q", eng.Endpoint(), info.Host)
	}
	label := newRunLabel(t, eng)
	mustRun(t, eng, append(append([]string{"create", "--name", hctxName("host")}, labelArgs(label)...), runtimetest.Image)...)
	if cs, err := info.Engine.ListContainers(t.Context(), []string{label}); err != nil || len(cs) != 1 {
		t.Errorf("the second engine lists %+v, %v; want the container", cs, err)
	}
}

// compose through a context: a project of two services comes up on the context's engine
// (where one service reaches the other by name), not on the default one, and down removes
// it there.
func TestContextEngine_Compose(t *testing.T) {
	def := runtimetest.RequireCompose(t)
	info := runtimetest.SecondEngine(t, false)
	eng := info.Engine
	if len(eng.Compose.Argv) == 0 {
		t.Fatal("the context engine has no compose")
	}
	project := hctxName("compose")
	runtimetest.FreshProject(t, eng, project)
	dir := t.TempDir()
	file := filepath.Join(dir, "compose.yml")
	yml := fmt.Sprintf(`services:
  web:
    image: %[1]s
    command: ["sh", "-c", "echo %[2]s > /var/www/index.html && exec httpd -f -p 8080 -h /var/www"]
    labels: [%[3]q]
  client:
    image: %[1]s
    command: ["sleep", "300"]
    labels: [%[3]q]
`, runtimetest.Image, project, runtimetest.TestLabel)
	if err := os.WriteFile(file, []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.RunCompose(t.Context(), []string{"-p", project, "-f", file, "up", "-d"}, runtime.RunOptions{Dir: dir}); err != nil {
		t.Fatalf("compose up through the context: %v", err)
	}
	proj := []string{"com.docker.compose.project=" + project}
	cs, err := eng.ListContainers(t.Context(), proj)
	if err != nil || len(cs) != 2 {
		t.Fatalf("context engine lists %+v, %v; want 2 containers", cs, err)
	}
	if on, err := def.ListContainers(t.Context(), proj); err != nil || len(on) != 0 {
		t.Errorf("default engine lists %+v, %v; want nothing", on, err)
	}
	var said string
	waitFor(t, 20*time.Second, "client to reach web by name", func() bool {
		res, err := eng.RunCompose(t.Context(), []string{"-p", project, "-f", file, "exec", "-T", "client", "timeout", "5", "wget", "-q", "-O", "-", "http://web:8080/"}, runtime.RunOptions{Dir: dir})
		said = strings.TrimSpace(string(res.Stdout))
		return err == nil
	})
	if said != project {
		t.Errorf("client got %q from web, want %q", said, project)
	}
	if _, err := eng.RunCompose(t.Context(), []string{"-p", project, "-f", file, "down", "-t", "0"}, runtime.RunOptions{Dir: dir}); err != nil {
		t.Fatalf("compose down through the context: %v", err)
	}
	if cs, err := eng.ListContainers(t.Context(), proj); err != nil || len(cs) != 0 {
		t.Errorf("after down the context engine lists %+v, %v", cs, err)
	}
}

// A context whose engine does not answer: detection fails naming the context and how to
// check it, not with advice to start the local daemon.
func TestContextEngine_Unreachable(t *testing.T) {
	def := runtimetest.RequireEngine(t)
	if def.Name != runtime.Docker {
		testenv.Missing(t, "docker (contexts are docker's)", "")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	host := "tcp://" + ln.Addr().String()
	ln.Close() // nothing listens there now
	env := []string{"DOCKER_CONFIG=" + t.TempDir()}
	name := hctxName("down")
	mustRunEnv(t, def, env, "context", "create", name, "--docker", "host="+host)
	_, err = runtime.Detect(t.Context(), runtime.Options{Context: name, Env: env, Timeout: 10 * time.Second})
	me := asModelError(t, err, model.KindEngineUnavailable)
	if !strings.Contains(me.Summary, name) || !strings.Contains(me.Summary, host) || !strings.Contains(me.Detail, "docker context inspect "+name) ||
		strings.Contains(me.Detail, "systemctl start docker") {
		t.Errorf("error = %q / %q", me.Summary, me.Detail)
	}
}
