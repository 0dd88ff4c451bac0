package runtime

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	goruntime "runtime"
	"slices"
	"strings"
	"unicode"

	"github.com/devarch/devarch/backend/model"
)

// Docker contexts. An Engine with a Context drives another docker engine (ssh:// or tcp://
// with TLS, or another local socket) exactly as `docker --context NAME` would: every command
// it runs gets DOCKER_CONTEXT=NAME and an empty DOCKER_HOST (contextEnv), so the docker CLI
// and compose resolve the context themselves, with its TLS material and ssh settings. This
// file reads the CLI's context store only to name the endpoint (Engine.Endpoint), to refuse
// a context that does not exist before running anything, and to decide whether the Engine API
// fast path applies (apiSocket: only for a unix socket).
//
// The store's layout (docker/cli cli/context/store, stable since Docker 19.03):
//
//	$DOCKER_CONFIG/contexts/meta/<sha256 hex of the name>/meta.json
//	    {"Name": "...", "Metadata": {...}, "Endpoints": {"docker": {"Host": "...", "SkipTLSVerify": false}}}
//	$DOCKER_CONFIG/contexts/tls/<sha256 hex of the name>/docker/{ca,cert,key}.pem
//
// DOCKER_CONFIG defaults to ~/.docker.

// DefaultContext is the docker CLI's built-in context: DOCKER_HOST, or the default socket.
const DefaultContext = "default"

// APIEnv is the environment variable that, set to "off", makes an Engine read through the
// docker CLI even where the local Engine API would answer (listing, events, /version): tests
// use it to exercise the CLI path against the same daemon (runtimetest.CLIEnv). Any other
// value, or none, lets DevArch use the API wherever the CLI would talk to a local unix socket.
const APIEnv = "DEVARCH_DOCKER_API"

// ContextInfo is what the docker CLI's context store says about one context.
type ContextInfo struct {
	// Name is the context's name ("default" for the built-in one).
	Name string
	// Host is the docker endpoint: unix:///path, tcp://host:port, ssh://user@host, npipe://...
	Host string
	// TLS is true when the CLI talks TLS to Host: the context holds TLS material (ca.pem,
	// cert.pem or key.pem), or for the default context DOCKER_TLS_VERIFY is set.
	TLS bool
	// SkipTLSVerify is the context's skip-tls-verify setting.
	SkipTLSVerify bool
}

// contextNameRE is the docker CLI's rule for context names (cli/context/store).
var contextNameRE = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$`)

// contextCreateHint is how a user makes a context the error names.
func contextCreateHint(name string) string {
	return fmt.Sprintf("List the contexts with `docker context ls`; create it with `docker context create %s --docker host=ssh://user@host` "+
		"(or host=tcp://HOST:2376,ca=ca.pem,cert=cert.pem,key=key.pem for TLS)", name)
}

// LookupContext reads the docker context name from the docker CLI's context store, without
// running the CLI. env holds "KEY=VALUE" entries layered over os.Environ(), as Options.Env:
// DOCKER_CONFIG (else HOME/.docker) says where the store is; for "default", DOCKER_HOST and
// DOCKER_TLS_VERIFY describe the endpoint (the default socket when DOCKER_HOST is unset or
// empty).
//
// Errors are *model.Error: KindInvalid (Field "context") for a name the docker CLI would
// refuse or a meta.json it could not use, KindNotFound for a context that does not exist, each
// with the fix in Detail. Nothing is written.
func LookupContext(env []string, name string) (ContextInfo, error) {
	return lookupContext(mergeEnv(os.Environ(), env), name)
}

// lookupContext is LookupContext on a complete environment.
func lookupContext(env []string, name string) (ContextInfo, error) {
	if name == DefaultContext {
		host := envValue(env, "DOCKER_HOST")
		if host == "" {
			host = defaultDockerHost()
		}
		return ContextInfo{Name: name, Host: host, TLS: envValue(env, "DOCKER_TLS_VERIFY") != ""}, nil
	}
	if !contextNameRE.MatchString(name) {
		return ContextInfo{}, &model.Error{Kind: model.KindInvalid, Field: "context",
			Summary: fmt.Sprintf("docker context name %q is invalid", name),
			Detail: fmt.Sprintf("a docker context name starts with a letter or digit and has at least two of "+
				"letters, digits and _ . + - (the docker CLI's rule %s). %s", contextNameRE, contextCreateHint("NAME"))}
	}
	dir := dockerConfigDir(env)
	id := contextID(name)
	metaPath := filepath.Join(dir, "contexts", "meta", id, "meta.json")
	b, err := os.ReadFile(metaPath)
	if errors.Is(err, fs.ErrNotExist) {
		return ContextInfo{}, model.Wrap(model.KindNotFound, err,
			fmt.Sprintf("docker context %q does not exist", name),
			fmt.Sprintf("the docker CLI's context store (%s) has no context %q. %s.",
				filepath.Join(dir, "contexts"), name, contextCreateHint(name)))
	}
	if err != nil {
		return ContextInfo{}, &model.Error{Kind: model.KindInvalid, Field: "context", Err: err,
			Summary: fmt.Sprintf("docker context %q cannot be read", name),
			Detail:  fmt.Sprintf("reading %s: %v. Check its permissions, or recreate the context (`docker context rm %s`, then `docker context create`).", metaPath, err, name)}
	}
	info, err := parseContextMeta(b)
	if err != nil {
		return ContextInfo{}, &model.Error{Kind: model.KindInvalid, Field: "context", Err: err,
			Summary: fmt.Sprintf("docker context %q cannot be used", name),
			Detail:  fmt.Sprintf("%s: %v. Fix the file, or recreate the context (`docker context rm %s`, then `docker context create`).", metaPath, err, name)}
	}
	info.Name = name // the store is keyed by the name's hash; the file's copy of it is not what was asked
	tlsDir := filepath.Join(dir, "contexts", "tls", id, "docker")
	for _, f := range []string{"ca.pem", "cert.pem", "key.pem"} {
		if _, err := os.Stat(filepath.Join(tlsDir, f)); err == nil {
			info.TLS = true
		}
	}
	return info, nil
}

// parseContextMeta reads a context's meta.json: its docker endpoint's Host (required, of the
// form scheme://rest, without spaces or control characters: it is shown to the user) and
// SkipTLSVerify. Unknown
// fields (other endpoints, metadata) are ignored, as the CLI ignores what it does not know.
func parseContextMeta(b []byte) (ContextInfo, error) {
	var meta struct {
		Name      string
		Endpoints map[string]json.RawMessage
	}
	if err := json.Unmarshal(b, &meta); err != nil {
		return ContextInfo{}, fmt.Errorf("not a docker context (meta.json is not the JSON the docker CLI writes: %v)", err)
	}
	raw, ok := meta.Endpoints["docker"]
	if !ok || string(raw) == "null" {
		return ContextInfo{}, errors.New("the context has no docker endpoint (Endpoints.docker)")
	}
	var ep struct {
		Host          string
		SkipTLSVerify bool
	}
	if err := json.Unmarshal(raw, &ep); err != nil {
		return ContextInfo{}, fmt.Errorf("the docker endpoint is malformed: %v", err)
	}
	scheme, rest, ok := strings.Cut(ep.Host, "://")
	if !ok || scheme == "" || rest == "" || strings.ContainsFunc(ep.Host, func(r rune) bool { return r == ' ' || unicode.IsControl(r) }) {
		return ContextInfo{}, fmt.Errorf("the docker endpoint's Host %q is not an address like unix:///var/run/docker.sock, tcp://HOST:2376 or ssh://user@host", ep.Host)
	}
	return ContextInfo{Name: meta.Name, Host: ep.Host, SkipTLSVerify: ep.SkipTLSVerify}, nil
}

// contextID is the store's directory name for a context: the hex SHA-256 of its name.
func contextID(name string) string {
	sum := sha256.Sum256([]byte(name))
	return hex.EncodeToString(sum[:])
}

// dockerConfigDir is the docker CLI's configuration directory in env: DOCKER_CONFIG, else
// HOME/.docker ("" HOME gives a relative ".docker", which matches nothing: the CLI would not
// find it either).
func dockerConfigDir(env []string) string {
	if dir := envValue(env, "DOCKER_CONFIG"); dir != "" {
		return dir
	}
	home := envValue(env, "HOME")
	if home == "" && goruntime.GOOS == "windows" {
		home = envValue(env, "USERPROFILE")
	}
	return filepath.Join(home, ".docker")
}

// defaultDockerHost is where the docker CLI goes without DOCKER_HOST or a context.
func defaultDockerHost() string {
	if goruntime.GOOS == "windows" {
		return "npipe:////./pipe/docker_engine"
	}
	return "unix:///var/run/docker.sock"
}

// currentContext reads the docker CLI's selected context from its config file ("" when none
// is selected or the file cannot be read).
func currentContext(env []string) string {
	b, err := os.ReadFile(filepath.Join(dockerConfigDir(env), "config.json"))
	if err != nil {
		return ""
	}
	var cfg struct {
		CurrentContext string `json:"currentContext"`
	}
	_ = json.Unmarshal(b, &cfg)
	return cfg.CurrentContext
}

// dockerEndpoint is where e's docker commands go, by the CLI's own precedence: e.Context;
// else a non-empty DOCKER_HOST; else DOCKER_CONTEXT; else the config's current context; else
// the default socket. ok is false when the context named cannot be read (the CLI will say
// why).
func (e *Engine) dockerEndpoint() (ContextInfo, bool) {
	return e.dockerEndpointIn(mergeEnv(os.Environ(), e.env))
}

// dockerEndpointIn is dockerEndpoint with e's environment (os.Environ() and Options.Env)
// already merged into env.
func (e *Engine) dockerEndpointIn(env []string) (ContextInfo, bool) {
	name := e.Context
	if name == "" {
		if host := envValue(env, "DOCKER_HOST"); host != "" {
			return ContextInfo{Name: DefaultContext, Host: host, TLS: envValue(env, "DOCKER_TLS_VERIFY") != ""}, true
		}
		name = cmp.Or(envValue(env, "DOCKER_CONTEXT"), currentContext(env), DefaultContext)
	}
	info, err := lookupContext(env, name)
	return info, err == nil
}

// Endpoint is the address e's commands reach, for display: "unix:///var/run/docker.sock",
// "tcp://127.0.0.1:23750", "ssh://me@box". For docker it follows the CLI's precedence (see
// Engine.Context); a context that can no longer be read shows the endpoint it had at
// detection. For podman it is CONTAINER_HOST, or "" for the local podman (no daemon).
func (e *Engine) Endpoint() string {
	if e.Name != Docker {
		return envValue(mergeEnv(os.Environ(), e.env), "CONTAINER_HOST")
	}
	if info, ok := e.dockerEndpoint(); ok {
		return info.Host
	}
	return e.detectedHost
}

// contextEnv is what every command of an Engine with a Context gets last: the context, and
// an empty DOCKER_HOST, which the docker CLI and compose treat as unset (a non-empty one
// would win over DOCKER_CONTEXT). Nil without a Context. The built-in "default" context is
// DOCKER_HOST itself (else the default socket), so for it DOCKER_HOST is left as it is.
func (e *Engine) contextEnv() []string {
	switch e.Context {
	case "":
		return nil
	case DefaultContext:
		return []string{"DOCKER_CONTEXT=" + DefaultContext}
	}
	return []string{"DOCKER_CONTEXT=" + e.Context, "DOCKER_HOST="}
}

// hostSetting is the DOCKER_HOST (CONTAINER_HOST for podman) e's commands see, for advice
// that names it: "" when unset, and always "" for an Engine with a Context (which empties it).
func (e *Engine) hostSetting() string {
	if e.Context != "" {
		return ""
	}
	return envValue(mergeEnv(os.Environ(), e.env), hostVar(e.Name))
}

// contextProblem rewrites an engine-unavailable error of an Engine with a Context so that it
// names the context and its endpoint rather than advising to start the local daemon or fix
// DOCKER_HOST. Other errors, and errors of an Engine without a Context, are returned as
// they are.
func (e *Engine) contextProblem(p *model.Error) *model.Error {
	if p == nil || e.Context == "" || p.Kind != model.KindEngineUnavailable {
		return p
	}
	host := e.Endpoint()
	// What the CLI said, without the advice for a local daemon (starting it, DOCKER_HOST).
	said := p.Detail
	var ce *CommandError
	if errors.As(p.Err, &ce) && strings.TrimSpace(ce.Stderr) != "" {
		said = tail(ce.Stderr, 500)
	} else if i := strings.Index(said, " Start it with"); i >= 0 {
		said = strings.TrimSpace(said[:i])
	}
	p.Summary = fmt.Sprintf("the docker engine of context %q (%s) is not reachable", e.Context, host)
	p.Detail = fmt.Sprintf("check that the engine at %s is running and reachable from here, and the context's settings: "+
		"`docker context inspect %s`, `docker --context %s version`. (%s)", host, e.Context, e.Context, said)
	return p
}

// ListContexts lists the docker contexts of the CLI's context store (see LookupContext for
// env), sorted by name, "default" first; contexts whose meta.json cannot be used are left
// out (LookupContext says why when one is asked for). Nothing is run or written.
func ListContexts(env []string) []ContextInfo {
	full := mergeEnv(os.Environ(), env)
	def, _ := lookupContext(full, DefaultContext)
	out := []ContextInfo{def}
	metas, _ := filepath.Glob(filepath.Join(dockerConfigDir(full), "contexts", "meta", "*", "meta.json"))
	var rest []ContextInfo
	for _, m := range metas {
		b, err := os.ReadFile(m)
		if err != nil {
			continue
		}
		info, err := parseContextMeta(b)
		// The store is keyed by the hash of the name: a file whose name does not hash to its
		// directory is not one the CLI would find under that name.
		if err != nil || !contextNameRE.MatchString(info.Name) || contextID(info.Name) != filepath.Base(filepath.Dir(m)) {
			continue
		}
		if full, err := lookupContext(full, info.Name); err == nil {
			rest = append(rest, full)
		}
	}
	slices.SortFunc(rest, func(a, b ContextInfo) int { return strings.Compare(a.Name, b.Name) })
	return append(out, rest...)
}
