package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const testToken = "tok_0123456789abcdefghijklmnopqrstuvwxyzABCD"

// recorder is the stand-in for Wails' dev server: it only records that a request got
// through the gate, which is all the gate decides.
type recorder struct{ hits atomic.Int32 }

func (h *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.hits.Add(1)
	w.WriteHeader(http.StatusTeapot)
}

func newTestGate(vite bool) (*devGate, *recorder) {
	rec := &recorder{}
	return &devGate{token: testToken, port: "34115", listHost: "127.0.0.1", viteProxy: vite, next: rec}, rec
}

type gateCase struct {
	name    string
	method  string
	target  string
	host    string
	cookie  string
	origin  string
	upgrade bool
	vite    bool
	want    int // status; http.StatusTeapot means it reached Wails
}

func TestDevGate(t *testing.T) {
	const self = "http://127.0.0.1:34115"
	cases := []gateCase{
		{name: "page without token", target: "/"},
		{name: "asset without token", target: "/assets/index.js"},
		{name: "runtime without token", target: "/wails/runtime.js"},
		{name: "wrong cookie", target: "/", cookie: "nope"},
		{name: "token prefix as cookie", target: "/", cookie: testToken[:40]},
		{name: "token plus a character as cookie", target: "/", cookie: testToken + "x"},
		{name: "cookie", target: "/", cookie: testToken, want: http.StatusTeapot},
		{name: "cookie under localhost", target: "/", host: "localhost:34115", cookie: testToken, want: http.StatusTeapot},
		{name: "cookie under ipv6 loopback", target: "/", host: "[::1]:34115", cookie: testToken, want: http.StatusTeapot},
		{name: "rebound name", target: "/", host: "evil.example:34115", cookie: testToken},
		{name: "other port", target: "/", host: "127.0.0.1:8080", cookie: testToken},
		{name: "no port in Host", target: "/", host: "127.0.0.1", cookie: testToken},
		{name: "two token parameters", target: "/?devarch_token=" + testToken + "&devarch_token=x"},
		{name: "wrong token parameter", target: "/?devarch_token=x"},
		{name: "ipc without token", target: "/wails/ipc", upgrade: true, origin: self},
		{name: "ipc with wrong cookie", target: "/wails/ipc", upgrade: true, origin: self, cookie: "x"},
		{name: "ipc from a foreign origin", target: "/wails/ipc", upgrade: true, origin: "http://evil.example", cookie: testToken},
		{name: "ipc from another port of 127.0.0.1", target: "/wails/ipc", upgrade: true, origin: "http://127.0.0.1:8080", cookie: testToken},
		{name: "ipc from a null origin", target: "/wails/ipc", upgrade: true, origin: "null", cookie: testToken},
		{name: "ipc without origin", target: "/wails/ipc", upgrade: true, cookie: testToken},
		{name: "ipc from the page", target: "/wails/ipc", upgrade: true, origin: self, cookie: testToken, want: http.StatusTeapot},
		{name: "ipc with token in query", target: "/wails/ipc?devarch_token=" + testToken, upgrade: true, origin: self, want: http.StatusTeapot},
		{name: "ipc with token in query, foreign origin", target: "/wails/ipc?devarch_token=" + testToken, upgrade: true, origin: "http://evil.example"},
		{name: "wails cli: reload", target: "/wails/reload", want: http.StatusTeapot},
		{name: "wails cli: assetdir", target: "/wails/assetdir", want: http.StatusTeapot},
		{name: "reload by POST", method: http.MethodPost, target: "/wails/reload"},
		{name: "reload as websocket", target: "/wails/reload", upgrade: true, origin: self},
		{name: "reload from a rebound name", target: "/wails/reload", host: "evil.example:34115"},
		{name: "vite: hmr socket", target: "/?token=vite", upgrade: true, origin: "wails://wails.localhost:34115", host: "wails.localhost:34115", vite: true, want: http.StatusTeapot},
		{name: "vite: ipc still needs the token", target: "/wails/ipc", upgrade: true, origin: self, vite: true},
		{name: "vite: escaped ipc path", target: "/%77ails/ipc", upgrade: true, origin: self, vite: true},
		{name: "vite: upper-case ipc path", target: "/WAILS/ipc", upgrade: true, origin: self, vite: true},
		{name: "no vite: any socket needs the token", target: "/", upgrade: true, origin: self},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g, rec := newTestGate(c.vite)
			w := httptest.NewRecorder()
			g.ServeHTTP(w, c.request())
			want := c.want
			if want == 0 {
				want = http.StatusForbidden
			}
			if w.Code != want {
				t.Fatalf("status %d, want %d; body:\n%s", w.Code, want, w.Body)
			}
			if reached := rec.hits.Load() > 0; reached != (want == http.StatusTeapot) {
				t.Fatalf("reached Wails = %v with status %d", reached, w.Code)
			}
			if want == http.StatusForbidden {
				body := w.Body.String()
				if !strings.Contains(body, "devarch_token") || strings.Contains(body, testToken) {
					t.Fatalf("a refusal says how to get in and never shows the token:\n%s", body)
				}
			}
		})
	}
}

func (c gateCase) request() *http.Request {
	method := c.method
	if method == "" {
		method = http.MethodGet
	}
	r := httptest.NewRequest(method, c.target, nil)
	r.Host = c.host
	if r.Host == "" {
		r.Host = "127.0.0.1:34115"
	}
	if c.cookie != "" {
		r.AddCookie(&http.Cookie{Name: devTokenCookie, Value: c.cookie})
	}
	if c.origin != "" {
		r.Header.Set("Origin", c.origin)
	}
	if c.upgrade {
		r.Header.Set("Connection", "Upgrade")
		r.Header.Set("Upgrade", "websocket")
	}
	return r
}

// The printed URL sets the cookie and sends the browser to the same page without the
// token, which then loads with the cookie alone.
func TestDevGate_TokenURLSetsCookieAndRedirects(t *testing.T) {
	g, rec := newTestGate(false)
	w := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodGet, "/some/page?a=1&devarch_token="+testToken+"&b=2", nil)
	r.Host = "127.0.0.1:34115"
	g.ServeHTTP(w, r)
	if w.Code != http.StatusSeeOther || rec.hits.Load() != 0 {
		t.Fatalf("status %d (reached %d), want 303 without reaching Wails", w.Code, rec.hits.Load())
	}
	if loc := w.Header().Get("Location"); loc != "/some/page?a=1&b=2" {
		t.Fatalf("Location %q, want the same page without the token", loc)
	}
	cookies := w.Result().Cookies()
	if len(cookies) != 1 {
		t.Fatalf("cookies %v", cookies)
	}
	c := cookies[0]
	if c.Name != devTokenCookie || c.Value != testToken || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" {
		t.Fatalf("cookie %+v: want %s=<token>, HttpOnly, SameSite=Strict, Path=/", c, devTokenCookie)
	}

	// An open redirect is impossible: a path that a browser would read as another host
	// is replaced by "/".
	for _, target := range []string{"//evil.example/?devarch_token=" + testToken, "/%2F%2Fevil.example/?devarch_token=" + testToken, "/\\evil.example?devarch_token=" + testToken} {
		w := httptest.NewRecorder()
		r := &http.Request{Method: http.MethodGet, Host: "127.0.0.1:34115", Header: http.Header{}}
		u, err := url.ParseRequestURI(target)
		if err != nil {
			t.Fatal(err)
		}
		r.URL = u
		g.ServeHTTP(w, r)
		loc := w.Header().Get("Location")
		if w.Code != http.StatusSeeOther || !safeLocation(loc) {
			t.Fatalf("%s: status %d Location %q", target, w.Code, loc)
		}
	}
}

func safeLocation(loc string) bool {
	return strings.HasPrefix(loc, "/") && !strings.HasPrefix(loc, "//") && !strings.HasPrefix(loc, "/\\")
}

// Over a real connection: a WebSocket handshake without the token, or from a foreign
// origin, gets 403 and never reaches the handler behind; with both it does.
func TestDevGate_RealListener(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	late := newLateHandler(5 * time.Second)
	srv := serveDevGate(ln, &devGate{token: testToken, port: port, listHost: "127.0.0.1", next: late})
	t.Cleanup(func() { srv.Close() })
	rec := &recorder{}
	late.set(rec, nil)
	self := "http://" + ln.Addr().String()

	handshake := func(cookie, origin string) int {
		t.Helper()
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		req := "GET /wails/ipc HTTP/1.1\r\nHost: " + ln.Addr().String() + "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
			"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
		if origin != "" {
			req += "Origin: " + origin + "\r\n"
		}
		if cookie != "" {
			req += "Cookie: " + devTokenCookie + "=" + cookie + "\r\n"
		}
		if _, err := io.WriteString(c, req+"\r\n"); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := handshake("", self); got != http.StatusForbidden {
		t.Fatalf("no token: %d", got)
	}
	if got := handshake(testToken, "http://evil.example"); got != http.StatusForbidden {
		t.Fatalf("foreign origin: %d", got)
	}
	if rec.hits.Load() != 0 {
		t.Fatal("a refused handshake reached the handler")
	}
	if got := handshake(testToken, self); got != http.StatusTeapot || rec.hits.Load() != 1 {
		t.Fatalf("token and own origin: %d, hits %d", got, rec.hits.Load())
	}
}

func TestLateHandler(t *testing.T) {
	l := newLateHandler(50 * time.Millisecond)
	w := httptest.NewRecorder()
	l.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
	if w.Code != http.StatusServiceUnavailable {
		t.Fatalf("before set: %d", w.Code)
	}
	l.set(nil, errString("no dev server"))
	l.set(&recorder{}, nil) // only the first call counts
	w = httptest.NewRecorder()
	l.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
	if w.Code != http.StatusInternalServerError || !strings.Contains(w.Body.String(), "no dev server") {
		t.Fatalf("after a failed set: %d %s", w.Code, w.Body)
	}
}

type errString string

func (e errString) Error() string { return string(e) }

func TestParseDevToken(t *testing.T) {
	if _, err := parseDevToken(testToken); err != nil {
		t.Fatal(err)
	}
	tok, err := newDevToken()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := parseDevToken(tok); err != nil {
		t.Fatalf("a generated token %q is refused: %v", tok, err)
	}
	if other, _ := newDevToken(); other == tok {
		t.Fatal("two generated tokens are equal")
	}
	for _, bad := range []string{"short", strings.Repeat("a", 31), strings.Repeat("a", 40) + " ", strings.Repeat("a", 40) + ";", strings.Repeat("é", 20)} {
		_, err := parseDevToken(bad)
		if err == nil || !strings.Contains(err.Error(), devTokenEnv) {
			t.Fatalf("%q: %v", bad, err)
		}
	}
}

func FuzzParseDevToken(f *testing.F) {
	f.Add(testToken)
	f.Add("")
	f.Add(strings.Repeat("a", 31))
	f.Add(strings.Repeat("-", 32))
	f.Add(strings.Repeat("a", 32) + "\x00")
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := parseDevToken(s)
		if err != nil {
			if !strings.Contains(err.Error(), devTokenEnv) {
				t.Fatalf("error does not name %s: %v", devTokenEnv, err)
			}
			return
		}
		if tok != s || len(s) < minDevTokenLen || url.QueryEscape(s) != s {
			t.Fatalf("accepted %q", s)
		}
		if c := (&http.Cookie{Name: devTokenCookie, Value: s}); c.String() != devTokenCookie+"="+s {
			t.Fatalf("accepted %q, which a cookie cannot carry as is", s)
		}
	})
}

// FuzzDevGate checks the gate's promises on arbitrary requests rather than re-deriving its
// answer: nothing without the token reaches Wails except the named exceptions, no
// WebSocket reaches it from another origin, no foreign Host gets through, a redirect stays
// on this server, and the token never shows in a refusal or a Location.
func FuzzDevGate(f *testing.F) {
	f.Add("GET", "/", "", "", "127.0.0.1:34115", "", false, false)
	f.Add("GET", "/?devarch_token="+testToken, "", "", "127.0.0.1:34115", "", false, false)
	f.Add("GET", "//evil/?devarch_token="+testToken, "", "", "localhost:34115", "", false, false)
	f.Add("GET", "/wails/ipc", testToken, "http://127.0.0.1:34115", "127.0.0.1:34115", "websocket", false, false)
	f.Add("GET", "/wails/ipc", testToken, "http://evil", "127.0.0.1:34115", "websocket", false, false)
	f.Add("GET", "/wails/ipc?devarch_token="+testToken, "", "http://LOCALHOST:34115", "LOCALHOST:34115", "WebSocket", false, true)
	f.Add("GET", "/%77ails/ipc", "", "http://127.0.0.1:34115", "127.0.0.1:34115", "websocket", false, true)
	f.Add("GET", "/wails/reload", "", "", "evil:34115", "", false, false)
	f.Add("HEAD", "/x?devarch_token="+testToken+"&devarch_token=", testToken, "", "[::1]:34115", "", true, false)
	f.Fuzz(func(t *testing.T, method, target, cookie, origin, host, upgrade string, cookieTwice, vite bool) {
		u, err := url.ParseRequestURI(target)
		if err != nil || !validMethod(method) {
			return
		}
		r := &http.Request{Method: method, URL: u, RequestURI: target, Host: host, Header: http.Header{}}
		if cookie != "" {
			r.Header.Add("Cookie", devTokenCookie+"="+cookie)
			if cookieTwice {
				r.Header.Add("Cookie", devTokenCookie+"=x")
			}
		}
		if origin != "" {
			r.Header.Set("Origin", origin)
		}
		if upgrade != "" {
			r.Header.Set("Upgrade", upgrade)
		}
		g, rec := newTestGate(vite)
		w := httptest.NewRecorder()
		g.ServeHTTP(w, r)
		reached := rec.hits.Load() > 0
		isUpgrade := r.Header.Get("Upgrade") != ""

		if reached && !g.hostAllowed(host) {
			t.Fatalf("Host %q reached Wails", host)
		}
		exempt := !isUpgrade && method == http.MethodGet && (u.Path == "/wails/reload" || u.Path == "/wails/assetdir")
		viteSocket := vite && isUpgrade && !mentionsWails(r)
		hasToken := false
		for _, c := range r.Cookies() {
			hasToken = hasToken || (c.Name == devTokenCookie && c.Value == testToken)
		}
		if vs := u.Query()[devTokenParam]; len(vs) == 1 && vs[0] == testToken {
			hasToken = true
		}
		if reached && !hasToken && !exempt && !viteSocket {
			t.Fatalf("reached Wails without the token: %s %q cookie %q", method, target, cookie)
		}
		if reached && isUpgrade && !viteSocket && !strings.EqualFold(origin, "http://"+host) {
			t.Fatalf("a WebSocket from origin %q reached Wails on Host %q", origin, host)
		}
		if viteSocket && strings.Contains(strings.ToLower(target), "wails") {
			t.Fatalf("%q passed as a frontend dev server socket", target)
		}
		if loc := w.Header().Get("Location"); loc != "" && (!safeLocation(loc) || strings.Contains(loc, testToken)) {
			t.Fatalf("Location %q", loc)
		}
		if w.Code == http.StatusForbidden && strings.Contains(w.Body.String(), testToken) {
			t.Fatal("a refusal shows the token")
		}
		if !reached && w.Code != http.StatusForbidden && w.Code != http.StatusSeeOther {
			t.Fatalf("neither reached, refused nor redirected: %d", w.Code)
		}
	})
}

func validMethod(m string) bool {
	if m == "" {
		return false
	}
	for _, c := range m {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

type fakeDevWebServer struct {
	server *recorder
	plain  *int
}

func TestHandlerInField(t *testing.T) {
	rec := &recorder{}
	const typ = "github.com/devarch/devarch.fakeDevWebServer"
	h, err := handlerInField(&fakeDevWebServer{server: rec}, typ, "server", "*main.recorder")
	if err != nil {
		t.Fatal(err)
	}
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.hits.Load() != 1 {
		t.Fatal("the handler found is not the one in the field")
	}

	// Every difference is refused with what differs.
	var nilPtr *fakeDevWebServer
	for _, c := range []struct {
		obj                  any
		typ, field, fieldTyp string
		want                 string
	}{
		{nil, typ, "server", "*main.recorder", "want a *"},
		{nilPtr, typ, "server", "*main.recorder", "want a *"},
		{fakeDevWebServer{server: rec}, typ, "server", "*main.recorder", "want a *"},
		{&recorder{}, typ, "server", "*main.recorder", "have a *"},
		{&fakeDevWebServer{server: rec}, "github.com/wailsapp/wails/v2/internal/frontend/devserver.DevWebServer", "server", "*main.recorder", "have a *"},
		{&fakeDevWebServer{server: rec}, typ, "srv", "*main.recorder", "has no field srv"},
		{&fakeDevWebServer{server: rec}, typ, "server", "*echo.Echo", "not a *echo.Echo"},
		{&fakeDevWebServer{plain: new(int)}, typ, "plain", "*int", "serving HTTP"},
		{&fakeDevWebServer{}, typ, "server", "*main.recorder", "is nil"},
	} {
		if _, err := handlerInField(c.obj, c.typ, c.field, c.fieldTyp); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%T %s.%s: %v, want an error with %q", c.obj, c.typ, c.field, err, c.want)
		}
	}
}
