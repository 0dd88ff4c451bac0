//go:build dev

package main

// What only a development build (-tags dev) does: refuse the user's own data home, and
// put the browser dev server behind devGate (dev_gate.go). Production builds have no dev
// server and compile dev_build_off.go instead.

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/devarch/devarch/backend/appdir"
)

// devBuildPreflight refuses to run without a scratch DEVARCH_HOME (checkDevHome).
func devBuildPreflight() error {
	def, err := defaultDataHome()
	if err != nil {
		return fmt.Errorf("finding your default data home: %w; set DEVARCH_HOME to a scratch directory", err)
	}
	return checkDevHome(os.Getenv("DEVARCH_HOME"), def)
}

// defaultDataHome is where appdir.Resolve puts the data without DEVARCH_HOME. It runs
// first thing in main, before any goroutine reads the environment.
func defaultDataHome() (string, error) {
	saved, had := os.LookupEnv("DEVARCH_HOME")
	_ = os.Unsetenv("DEVARCH_HOME")
	dirs, err := appdir.Resolve()
	if had {
		_ = os.Setenv("DEVARCH_HOME", saved)
	}
	return dirs.Home, err
}

// devServer is the dev build's own listener on the dev server address.
type devServer struct {
	srv       *http.Server
	late      *lateHandler
	viteProxy bool // Wails proxies a frontend dev server (wails dev)
}

// startDevServer takes the dev server address Wails would listen on (-devserver ADDR or
// the devserver variable) and listens there itself, behind devGate, before wails.Run:
//
//   - With assets from disk (-assetdir; the e2e harness), Wails is told no address (the
//     flag or variable is removed), so it opens no listener at all; its dev server handler
//     is still built and is reached only through the gate (attach).
//   - With a frontend dev server (`wails dev` proxying Vite), Wails needs the address for
//     its window's URL, so it keeps it; its own listen then fails ("address already in
//     use") because the gate holds the port, and the gate serves its handler instead.
//
// It prints the URL with the token on standard error when it made the token itself.
func startDevServer() (*devServer, error) {
	settings := readWailsDevSettings(os.Args[1:], os.Getenv)
	if settings.DevServer == "" {
		return &devServer{viteProxy: settings.FrontendDevServerURL != ""}, nil
	}
	token := os.Getenv(devTokenEnv)
	fromEnv := token != ""
	if fromEnv {
		var err error
		if token, err = parseDevToken(token); err != nil {
			return nil, err
		}
	} else {
		var err error
		if token, err = newDevToken(); err != nil {
			return nil, err
		}
	}
	host, _, err := net.SplitHostPort(settings.DevServer)
	if err != nil {
		return nil, fmt.Errorf("-devserver %q: %w (give HOST:PORT, for example 127.0.0.1:34115)", settings.DevServer, err)
	}
	ln, err := net.Listen("tcp", settings.DevServer)
	if err != nil {
		return nil, fmt.Errorf("the dev server cannot listen on %s: %w", settings.DevServer, err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	if settings.FrontendDevServerURL == "" {
		_ = os.Unsetenv("devserver")
		os.Args = append([]string{os.Args[0]}, withoutDevServerFlag(os.Args[1:], os.Getenv)...)
		if again := readWailsDevSettings(os.Args[1:], os.Getenv); again.DevServer != "" {
			ln.Close()
			return nil, fmt.Errorf("could not keep Wails from serving %s itself (arguments %q); start the dev build with -devserver ADDR before its other arguments", again.DevServer, os.Args[1:])
		}
	}
	late := newLateHandler(60 * time.Second)
	gate := &devGate{
		token:     token,
		port:      port,
		listHost:  strings.ToLower(host),
		viteProxy: settings.FrontendDevServerURL != "",
		next:      late,
	}
	srv := serveDevGate(ln, gate)

	shown := host
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		shown = "localhost"
	}
	base := "http://" + net.JoinHostPort(shown, port) + "/"
	if fromEnv {
		fmt.Fprintf(os.Stderr, "devarch: development build: the browser UI is at %s?%s=<%s> (requests without the token are refused)\n", base, devTokenParam, devTokenEnv)
	} else {
		fmt.Fprintf(os.Stderr, "devarch: development build: open %s?%s=%s in a browser (the token changes every run; requests without it are refused)\n", base, devTokenParam, token)
	}
	if settings.FrontendDevServerURL != "" {
		fmt.Fprintf(os.Stderr, "devarch: Wails will report that %s is in use: DevArch serves Wails' dev server there itself, behind the token check\n", settings.DevServer)
	}
	return &devServer{srv: srv, late: late, viteProxy: gate.viteProxy}, nil
}

// proxiesFrontendDevServer reports whether Wails serves the page from a frontend dev
// server (Vite, under `wails dev`). That page needs React Refresh's inline script, so it
// gets no Content-Security-Policy header (and Vite's dev server writes no <meta>).
func (d *devServer) proxiesFrontendDevServer() bool { return d.viteProxy }

// attach hands Wails' dev server handler to the gate; OnStartup calls it with the app's
// context. Until then the gate holds requests; when the handler cannot be found the gate
// answers every admitted request with the reason (it fails closed).
func (d *devServer) attach(ctx context.Context) {
	if d.late == nil {
		return
	}
	h, err := wailsDevServerHandler(ctx)
	if err != nil {
		fmt.Fprintf(os.Stderr, "devarch: the browser dev server is unavailable: %v\n", err)
	}
	d.late.set(h, err)
}

func (d *devServer) close() {
	if d.srv != nil {
		_ = d.srv.Close()
	}
}

// wailsDevServerHandler finds the http.Handler of Wails' dev server: the echo router in
// the server field of the *devserver.DevWebServer that a dev build puts in the app context
// as "frontend". Wails v2 offers no public hook in front of /wails/ipc (its AssetServer
// Middleware sees only the asset requests), so the field is read by reflection
// (handlerInField checks every step).
func wailsDevServerHandler(ctx context.Context) (http.Handler, error) {
	h, err := handlerInField(ctx.Value("frontend"), wailsDevServerType, "server", "*echo.Echo")
	if err != nil {
		return nil, fmt.Errorf("Wails' dev server internals are not what DevArch expects (written against github.com/wailsapp/wails/v2 v2.9.2): %w", err)
	}
	return h, nil
}
