package main

// The guard in front of a dev build's browser dev server (review finding F6).
//
// A `dev`-tagged binary started with -devserver ADDR (tests/e2e/run.sh, `wails dev`) serves
// the frontend and every Go binding, Secrets.Reveal and Plans.Apply included, over HTTP and
// the /wails/ipc WebSocket. Wails itself checks nothing there (x/net/websocket only wants
// a parseable Origin), so any web page the developer visits could call the bindings, and
// so could any local process. The dev build therefore serves ADDR itself, through devGate,
// and hands only admitted requests to Wails' own handler (dev_build.go).
//
// This file is plain net/http with no build tag, so its tests and fuzz targets run in every
// `go test ./...`; only a dev build wires it up.

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"time"
	"unsafe"
)

const (
	// devTokenParam is the query parameter that carries the per-run token on the first
	// page load (the URL the dev build prints).
	devTokenParam = "devarch_token"
	// devTokenCookie holds the token afterwards, so the page's own requests (its scripts,
	// the IPC WebSocket, which Wails' JavaScript opens without any query) carry it.
	devTokenCookie = "devarch_dev_token"
	// devTokenEnv lets a harness choose the token (tests/e2e/run.sh makes a random one per
	// run); without it the dev build makes its own and prints the URL.
	devTokenEnv = "DEVARCH_DEV_TOKEN"
	// minDevTokenLen is 32 characters of the URL-safe base64 alphabet: 192 bits.
	minDevTokenLen = 32
)

// newDevToken returns 32 random bytes, URL-safe base64 without padding (43 characters).
func newDevToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("making the dev server token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// parseDevToken validates a token chosen through DEVARCH_DEV_TOKEN: it goes into a URL and
// a cookie unescaped, and must be long enough not to be guessed.
func parseDevToken(s string) (string, error) {
	if len(s) < minDevTokenLen {
		return "", fmt.Errorf("%s: the token must be at least %d characters (got %d); unset it to get a random one", devTokenEnv, minDevTokenLen, len(s))
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return "", fmt.Errorf("%s: character %d is %q; the token may only use A-Z a-z 0-9 - _ (unset it to get a random one)", devTokenEnv, i+1, c)
		}
	}
	return s, nil
}

// devGate admits a request to the dev server only when it carries the per-run token:
//
//   - Host must name a loopback address or *.localhost (or the listen host) and the gate's
//     port, so a DNS-rebound name is refused before anything else.
//   - The token comes as ?devarch_token=T (the printed URL) or as the devarch_dev_token
//     cookie. A page load with the token in its query gets the cookie (HttpOnly,
//     SameSite=Strict) and a redirect to the same URL without it, so the token does not
//     stay in the address bar or reach a Referer.
//   - A WebSocket (the IPC) must in addition come from this server's own origin: a page on
//     another port of 127.0.0.1 is same-site, so the browser would send it the cookie.
//
// Exceptions, which reach no binding: GET /wails/reload and GET /wails/assetdir (the Wails
// CLI calls them during `wails dev`), and, when a frontend dev server (Vite) is proxied,
// WebSockets whose path does not mention wails (Vite's HMR socket, which Vite guards with
// its own token).
//
// Everything else is answered 403 with what to do. Any token comparison is constant-time.
type devGate struct {
	token     string
	port      string       // the port the gate listens on
	listHost  string       // the host name it listens on, lower case (accepted in Host)
	viteProxy bool         // a frontend dev server is proxied (wails dev)
	next      http.Handler // Wails' dev server
}

func (g *devGate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !g.hostAllowed(r.Host) {
		g.deny(w, fmt.Sprintf("the Host %q is not this dev server (a loopback address or localhost name with port %s)", r.Host, g.port))
		return
	}
	upgrade := r.Header.Get("Upgrade") != ""
	if !upgrade && r.Method == http.MethodGet && (r.URL.Path == "/wails/reload" || r.URL.Path == "/wails/assetdir") {
		g.next.ServeHTTP(w, r)
		return
	}
	if upgrade && g.viteProxy && !mentionsWails(r) {
		g.next.ServeHTTP(w, r)
		return
	}
	fromQuery := false
	if vs, ok := r.URL.Query()[devTokenParam]; ok {
		fromQuery = len(vs) == 1 && g.tokenMatches(vs[0])
	}
	fromCookie := false
	for _, c := range r.Cookies() {
		if c.Name == devTokenCookie && g.tokenMatches(c.Value) {
			fromCookie = true
		}
	}
	if !fromQuery && !fromCookie {
		g.deny(w, "this request does not carry the dev server's token")
		return
	}
	if upgrade {
		origin := r.Header.Get("Origin")
		if want := "http://" + r.Host; !strings.EqualFold(origin, want) {
			g.deny(w, fmt.Sprintf("a WebSocket from origin %q; only pages of this server (%s) may open one", origin, want))
			return
		}
		g.next.ServeHTTP(w, r)
		return
	}
	if fromQuery && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		http.SetCookie(w, &http.Cookie{
			Name: devTokenCookie, Value: g.token, Path: "/",
			HttpOnly: true, SameSite: http.SameSiteStrictMode,
		})
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, withoutToken(r.URL), http.StatusSeeOther)
		return
	}
	g.next.ServeHTTP(w, r)
}

func (g *devGate) tokenMatches(s string) bool {
	return g.token != "" && subtle.ConstantTimeCompare([]byte(s), []byte(g.token)) == 1
}

// hostAllowed accepts HOST:PORT where PORT is the gate's and HOST is a loopback IP,
// localhost or a *.localhost name (which browsers resolve to loopback themselves), or the
// name the gate listens on.
func (g *devGate) hostAllowed(hostport string) bool {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil || port != g.port {
		return false
	}
	host = strings.ToLower(host)
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return true
	}
	return host != "" && host == g.listHost
}

func (g *devGate) deny(w http.ResponseWriter, why string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusForbidden)
	fmt.Fprintf(w, "DevArch dev server: forbidden: %s.\n\n"+
		"This server answers only requests that carry its per-run token. Open the URL the app\n"+
		"printed on its standard error when it started (http://.../?%s=...); the token changes\n"+
		"every run. A harness can choose it with %s.\n", why, devTokenParam, devTokenEnv)
}

// mentionsWails reports whether any form of the request path names wails, so that no
// spelling of /wails/ipc passes as a frontend dev server socket.
func mentionsWails(r *http.Request) bool {
	for _, p := range []string{r.URL.Path, r.URL.RawPath, r.RequestURI} {
		if strings.Contains(strings.ToLower(p), "wails") {
			return true
		}
	}
	if p, err := url.PathUnescape(r.URL.EscapedPath()); err == nil && strings.Contains(strings.ToLower(p), "wails") {
		return true
	}
	return false
}

// withoutToken is u's path and query without the token parameter, as a same-origin
// relative URL: never "//host" or "/\host", which a browser would read as another origin.
func withoutToken(u *url.URL) string {
	q := u.Query()
	q.Del(devTokenParam)
	loc := u.EscapedPath()
	if !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") {
		loc = "/"
	}
	if enc := q.Encode(); enc != "" {
		loc += "?" + enc
	}
	return loc
}

// lateHandler is an http.Handler that becomes available after the server starts listening:
// Wails builds its dev server handler inside wails.Run, but the dev build listens before,
// so the address is taken (and any conflict reported) at once. Requests that come earlier
// wait for it, up to wait.
type lateHandler struct {
	wait  time.Duration
	once  sync.Once
	ready chan struct{}
	h     http.Handler
	err   error
}

func newLateHandler(wait time.Duration) *lateHandler {
	return &lateHandler{wait: wait, ready: make(chan struct{})}
}

// set makes h (or, when err is set, a 500 naming err) the answer to every request; only
// the first call counts.
func (l *lateHandler) set(h http.Handler, err error) {
	l.once.Do(func() {
		l.h, l.err = h, err
		close(l.ready)
	})
}

func (l *lateHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	timer := time.NewTimer(l.wait)
	defer timer.Stop()
	select {
	case <-l.ready:
	case <-timer.C:
		http.Error(w, "DevArch dev server: the app is still starting; try again", http.StatusServiceUnavailable)
		return
	case <-r.Context().Done():
		return
	}
	if l.err != nil {
		http.Error(w, "DevArch dev server: "+l.err.Error(), http.StatusInternalServerError)
		return
	}
	l.h.ServeHTTP(w, r)
}

// serveDevGate serves g on ln until the returned server is closed.
func serveDevGate(ln net.Listener, g *devGate) *http.Server {
	srv := &http.Server{Handler: g, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return srv
}

// wailsDevServerType is the package path and name of Wails v2's dev server frontend.
const wailsDevServerType = "github.com/wailsapp/wails/v2/internal/frontend/devserver.DevWebServer"

// handlerInField returns the http.Handler held in the unexported field of *T, where
// obj is a *T and T is typeName ("pkg/path.Name"), after checking each step: obj is a
// non-nil pointer to a struct of that type, the field exists, has the type fieldType
// (as reflect prints it), implements http.Handler and is not nil. Any difference is an
// error naming it, never a guess: the dev build must not serve an unchecked handler.
func handlerInField(obj any, typeName, field, fieldType string) (http.Handler, error) {
	v := reflect.ValueOf(obj)
	if !v.IsValid() || v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return nil, fmt.Errorf("want a *%s, have %T", typeName, obj)
	}
	if t := v.Type().Elem(); t.PkgPath()+"."+t.Name() != typeName {
		return nil, fmt.Errorf("want a *%s, have a *%s.%s", typeName, t.PkgPath(), t.Name())
	}
	f := v.Elem().FieldByName(field)
	if !f.IsValid() {
		return nil, fmt.Errorf("%s has no field %s", typeName, field)
	}
	handlerType := reflect.TypeOf((*http.Handler)(nil)).Elem()
	if f.Kind() != reflect.Pointer || f.Type().String() != fieldType || !f.Type().Implements(handlerType) {
		return nil, fmt.Errorf("%s.%s is a %s, not a %s serving HTTP", typeName, field, f.Type(), fieldType)
	}
	if f.IsNil() {
		return nil, fmt.Errorf("%s.%s is nil", typeName, field)
	}
	// The field is unexported, so reflect will not hand it out as an interface; read it
	// through its address (v is a pointer, so the field is addressable).
	h, ok := reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().Interface().(http.Handler)
	if !ok {
		return nil, fmt.Errorf("%s.%s is not an http.Handler", typeName, field)
	}
	return h, nil
}
