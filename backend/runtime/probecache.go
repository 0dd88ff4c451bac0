package runtime

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// A CLI command pays engine detection on every run: `docker version` and `docker compose
// version` are two Go binaries to start, about 80 ms together on a 2-core machine, more than
// the command's own work (measured: `stack list` 125 ms with one stack, `instance show`,
// which needs no engine, 40 ms). Two shortcuts keep detection's answers and drop its cost:
//
//   - the daemon's version comes from GET /version on the local Engine API socket (a few
//     ms) when docker's endpoint is that socket; any failure falls back to the CLI probe,
//     whose errors explain what is wrong;
//   - compose's flavour and version are cached per user (os.UserCacheDir()/devarch), keyed
//     by everything that decides them: the engine CLI's path, size and mtime, the same for
//     every compose plugin location docker looks in and for a docker-compose on PATH, and
//     DOCKER_CONFIG. Any change (an upgrade, a removed plugin) is a new key; entries also
//     expire after a day. Only successful probes are cached.

// probeServerAPI asks the local Engine API for the daemon's version. ok is false when there
// is no local socket or it did not answer: the caller then runs the CLI probe.
//
// It pings (GET /_ping) and reads the version from the answer's Server header ("Docker/28.2.2
// (linux)"): the daemon answers a ping in well under a millisecond, while GET /version asks
// containerd and runc for theirs (5-7 ms measured, on every CLI command). A daemon whose
// header does not name its version is asked GET /version.
func (e *Engine) probeServerAPI(ctx context.Context, timeout time.Duration) (ok bool) {
	pctx, cancel := context.WithTimeout(ctx, min(timeout, 2*time.Second))
	defer cancel()
	header, ok := apiPing(pctx, e)
	if !ok {
		return false
	}
	if v := versionFromServerHeader(header.Get("Server")); v != "" {
		e.Version = v
		return true
	}
	version, ok := apiGet(pctx, e, "/version", func(r io.Reader) (string, error) {
		var v struct{ Version string }
		if err := json.NewDecoder(r).Decode(&v); err != nil || v.Version == "" {
			return "", fmt.Errorf("no version in the answer: %v", err)
		}
		return v.Version, nil
	})
	if ok {
		e.Version = version
	}
	return ok
}

// versionFromServerHeader reads the engine's version from a ping's Server header,
// "Docker/VERSION (OS)"; "" when it is not that form.
func versionFromServerHeader(h string) string {
	rest, ok := strings.CutPrefix(h, "Docker/")
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, " ")
	if v == "" || strings.ContainsAny(v, "/()") {
		return ""
	}
	return v
}

// composePluginDirs are where the docker CLI looks for its compose plugin.
func composePluginDirs(env []string) []string {
	var dirs []string
	if c := envValue(env, "DOCKER_CONFIG"); c != "" {
		dirs = append(dirs, filepath.Join(c, "cli-plugins"))
	} else if h := envValue(env, "HOME"); h != "" {
		dirs = append(dirs, filepath.Join(h, ".docker", "cli-plugins"))
	}
	return append(dirs, "/usr/local/lib/docker/cli-plugins", "/usr/local/libexec/docker/cli-plugins",
		"/usr/lib/docker/cli-plugins", "/usr/libexec/docker/cli-plugins")
}

// composeCacheKey identifies what decides e's compose probe, or "" when it cannot be told.
func (e *Engine) composeCacheKey() string {
	env := mergeEnv(os.Environ(), e.env)
	var b strings.Builder
	stamp := func(path string) {
		fi, err := os.Stat(path)
		if err != nil {
			fmt.Fprintf(&b, "%s:-\n", path)
			return
		}
		fmt.Fprintf(&b, "%s:%d:%d\n", path, fi.Size(), fi.ModTime().UnixNano())
	}
	fmt.Fprintf(&b, "engine %s\nconfig %s\n", e.Name, envValue(env, "DOCKER_CONFIG"))
	stamp(e.Path)
	for _, d := range composePluginDirs(env) {
		stamp(filepath.Join(d, "docker-compose"))
	}
	if p, err := lookPath("docker-compose", envValue(env, "PATH")); err == nil {
		stamp(p)
	} else {
		b.WriteString("docker-compose:-\n")
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:12])
}

// composeCacheTTL bounds how long a cached probe is trusted even when nothing it is keyed by
// changed.
const composeCacheTTL = 24 * time.Hour

type cachedCompose struct {
	Part
	At time.Time
}

func composeCachePath(key string) string {
	dir, err := os.UserCacheDir()
	if err != nil || key == "" {
		return ""
	}
	return filepath.Join(dir, "devarch", "compose-probe-"+key+".json")
}

// cachedComposeProbe returns a cached successful probe for e, if one is fresh.
func (e *Engine) cachedComposeProbe() (Part, bool) {
	path := composeCachePath(e.composeCacheKey())
	if path == "" {
		return Part{}, false
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return Part{}, false
	}
	var c cachedCompose
	if json.Unmarshal(b, &c) != nil || c.Version == "" || c.Name == "" || time.Since(c.At) > composeCacheTTL || c.At.After(time.Now()) {
		return Part{}, false
	}
	return c.Part, true
}

// storeComposeProbe caches a successful probe; failures to write are ignored (the next run
// probes again).
func (e *Engine) storeComposeProbe(p Part) {
	if p.Err != nil {
		return
	}
	path := composeCachePath(e.composeCacheKey())
	if path == "" {
		return
	}
	b, err := json.Marshal(cachedCompose{Part: p, At: time.Now()})
	if err != nil {
		return
	}
	if os.MkdirAll(filepath.Dir(path), 0o700) != nil {
		return
	}
	tmp := path + fmt.Sprintf(".%d.tmp", os.Getpid())
	if os.WriteFile(tmp, b, 0o600) == nil {
		_ = os.Rename(tmp, path)
	}
}
