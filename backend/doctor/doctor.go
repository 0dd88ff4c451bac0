// Package doctor checks that everything DevArch needs on this machine is present and
// working, and says how to fix what is not. `devarch doctor` prints its checks; the
// desktop status bar shows the database and engine ones.
package doctor

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	goruntime "runtime"
	"strings"

	"github.com/devarch/devarch/backend/database"
	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/secrets"
	"github.com/devarch/devarch/backend/sessionbus"
	"github.com/devarch/devarch/backend/store"
)

// Status of one check.
const (
	OK      = "ok"
	Warning = "warning"
	Error   = "error"
)

// Check is one line of the doctor's report.
type Check struct {
	Name    string `json:"name"`   // database, engine, compose, keychain, webview, tray
	Status  string `json:"status"` // ok, warning, error
	Summary string `json:"summary"`
	Detail  string `json:"detail,omitempty"`
	Fix     string `json:"fix,omitempty"`
}

func failed(name, status string, err error) Check {
	e := model.AsError(err)
	return Check{Name: name, Status: status, Summary: e.Summary, Fix: e.Detail}
}

// Database reports on an open database (nil db and its open error when opening failed).
func Database(db *database.DB, openErr error) Check {
	if openErr != nil {
		return failed("database", Error, openErr)
	}
	i := db.Info
	if i.External {
		return Check{Name: "database", Status: OK, Summary: fmt.Sprintf("external PostgreSQL (DEVARCH_DATABASE_URL), schema version %d", i.SchemaVersion)}
	}
	c := Check{Name: "database", Status: OK,
		Summary: fmt.Sprintf("embedded PostgreSQL %d ready on 127.0.0.1:%d, schema version %d", i.Major, i.Port, i.SchemaVersion),
		Detail:  "data in " + i.DataDir}
	if i.BinariesSource != "" {
		c.Detail += ", " + i.BinariesSource + " binaries"
	}
	if i.ServerAccount != "" {
		c.Detail += ", server runs as " + i.ServerAccount
	}
	return c
}

// Engine turns a runtime probe into the engine and compose checks.
func Engine(rep runtime.Report) (engine, compose Check) {
	if rep.Engine.Err != nil {
		engine = failed("engine", Error, rep.Engine.Err)
	} else {
		engine = Check{Name: "engine", Status: OK, Summary: fmt.Sprintf("%s %s reachable", rep.Engine.Name, rep.Engine.Version), Detail: rep.Engine.Path}
	}
	if rep.Compose.Err != nil {
		compose = failed("compose", Error, rep.Compose.Err)
	} else {
		compose = Check{Name: "compose", Status: OK, Summary: fmt.Sprintf("%s %s", rep.Compose.Name, rep.Compose.Version), Detail: rep.Compose.Path}
	}
	return engine, compose
}

// Keychain reports whether DevArch can keep and read its master key, and, when secrets is
// given, whether the stored secrets open with it (engine.CheckSecrets). The check is still
// named "keychain", as scripts know it.
//
// With DEVARCH_MASTER_KEY_FILE set, the key file is what DevArch uses, so it is checked the
// way DevArch will use it (secrets.KeyFileKeys: its directory, mode, owner and content): a
// file DevArch would refuse is an error, whatever the keychain can do. A usable key file
// with no usable keychain is a warning (the file is the opt-in fallback), and the fix never
// tells the user to set the variable they already set. Without the variable, an unusable
// keychain is an error whose fix names the key file option.
func Keychain(secretsCheck func() (engine.SecretsHealth, error)) Check {
	probe := secrets.ProbeKeychain()
	path := os.Getenv(secrets.EnvMasterKeyFile)
	var c Check
	switch {
	case path != "":
		if _, err := secrets.KeyFileKeys(path); err != nil {
			c = failed("keychain", Error, err)
			c.Detail = "the key file is named by " + secrets.EnvMasterKeyFile
			return c
		}
		if probe == nil {
			c = Check{Name: "keychain", Status: OK, Summary: "using the key file " + path + " (" + secrets.EnvMasterKeyFile + "); the OS keychain is not used"}
		} else {
			c = Check{Name: "keychain", Status: Warning, Summary: model.AsError(probe).Summary,
				Detail: "using the key file " + path + " (" + secrets.EnvMasterKeyFile + ") instead"}
		}
	case probe != nil:
		return failed("keychain", Error, probe)
	default:
		c = Check{Name: "keychain", Status: OK, Summary: "OS keychain available"}
	}
	if secretsCheck == nil {
		return c
	}
	h, err := secretsCheck()
	if err != nil {
		e := model.AsError(err)
		return Check{Name: "keychain", Status: Error, Summary: "the stored secrets cannot be opened: " + e.Summary, Detail: c.Summary, Fix: e.Detail}
	}
	if h.Sealed > 0 {
		opens := fmt.Sprintf("the master key opens the %d stored secret(s)", h.Sealed)
		if c.Detail != "" {
			c.Detail += "; " + opens
		} else {
			c.Detail = opens
		}
	}
	return c
}

// webviewLibs are the shared libraries the Linux desktop window needs (Wails v2 on
// WebKitGTK 4.1, or 4.0 for builds without the webkit2_41 tag).
var webviewLibs = []struct{ file, pkg string }{
	{"libwebkit2gtk-4.1.so.0", "libwebkit2gtk-4.1-0"},
	{"libgtk-3.so.0", "libgtk-3-0"},
}

var libDirs = []string{
	"/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib/x86_64-linux-gnu",
	"/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib64", "/lib",
}

// Webview reports whether the libraries the desktop window needs are installed. The CLI
// works without them; the window does not.
func Webview() Check { return WebviewIn(goruntime.GOOS, libDirs) }

// WebviewIn is Webview for a given platform and library search path.
func WebviewIn(goos string, dirs []string) Check {
	switch goos {
	case "darwin":
		return Check{Name: "webview", Status: OK, Summary: "WKWebView (part of macOS)"}
	case "windows":
		return Check{Name: "webview", Status: OK, Summary: "WebView2 (installed with Windows 10/11 or by the installer)"}
	}
	var missing []string
	for _, lib := range webviewLibs {
		found := false
		for _, d := range dirs {
			if _, err := os.Stat(filepath.Join(d, lib.file)); err == nil {
				found = true
				break
			}
		}
		if !found {
			missing = append(missing, lib.pkg)
		}
	}
	if len(missing) == 0 {
		return Check{Name: "webview", Status: OK, Summary: "WebKitGTK 4.1 and GTK 3 installed"}
	}
	return Check{Name: "webview", Status: Error, Summary: "the desktop window's libraries are missing",
		Fix: fmt.Sprintf("Install them (Debian/Ubuntu: sudo apt-get install %s). The command line works without them.", strings.Join(missing, " "))}
}

// Report runs every check. It opens (and afterwards closes) the database itself, so it
// also proves the embedded server can start, and the stored secrets can be checked.
func Report(ctx context.Context, dbOpts database.Options, engOpts runtime.Options) []Check {
	db, err := database.Open(ctx, dbOpts)
	checks := []Check{Database(db, err)}
	var keys Check
	var others []Check
	if db != nil {
		svc := engine.New(store.New(db.Pool), engOpts, "")
		svc.SetSharedStore(db.Info.External)
		keys = Keychain(func() (engine.SecretsHealth, error) { return svc.CheckSecrets(ctx) })
		if list, err := svc.Engines(ctx); err == nil {
			others = OtherEngines(list)
		}
		_ = db.Close(context.WithoutCancel(ctx))
	} else {
		keys = Keychain(nil)
	}
	_, rep := runtime.Probe(ctx, engOpts)
	e, c := Engine(rep)
	checks = append(checks, e, c)
	checks = append(checks, others...)
	return append(checks, keys, Webview(), Tray())
}

// OtherEngines is a check per engine of a docker context that stacks use (named
// "engine CONTEXT"), the default engine left out (Engine reports it).
func OtherEngines(list []engine.EngineView) []Check {
	var out []Check
	for _, v := range list {
		if v.Name == engine.DefaultEngine {
			continue
		}
		name := "engine " + v.Name
		stacks := fmt.Sprintf("%d stack", v.Stacks)
		if v.Stacks != 1 {
			stacks += "s"
		}
		if v.Err != nil {
			c := failed(name, Error, v.Err)
			c.Detail = strings.TrimSpace(v.Endpoint + " (" + stacks + " use it)")
			out = append(out, c)
			continue
		}
		out = append(out, Check{Name: name, Status: OK, Summary: fmt.Sprintf("docker %s reachable at %s (%s, ports on %s)", v.Version, v.Endpoint, stacks, v.PublishAddress)})
	}
	return out
}

// Tray says what closing the window does in this session. Linux: with a tray host the
// window hides into the tray; with a session bus but no host the tray item is registered
// (a host may start later) and closing quits; with no session bus there is no tray at all.
func Tray() Check {
	return TrayIn(goruntime.GOOS, sessionbus.Available(), sessionbus.HostPresent())
}

// TrayIn is Tray for a given platform and session.
func TrayIn(goos string, bus, host bool) Check {
	c := Check{Name: "tray", Status: OK}
	switch {
	case goos == "darwin" || goos == "windows":
		// The menu bar and the notification area are always there; the window starts the
		// tray as its own process (docs/ui.md, "The tray").
		c.Summary = "the tray runs as its own process (devarch tray): closing the window keeps DevArch in the tray (a tray menu setting)"
	case goos != "linux":
		c.Summary = "no tray on this platform: closing the window quits"
	case host:
		c.Summary = "a tray host runs: closing the window keeps DevArch in the tray (a tray menu setting)"
	case bus:
		c.Status = Warning
		c.Summary = "no tray host in this session: closing the window quits"
		c.Fix = "Start a tray host (GNOME: the AppIndicator extension; KDE, Xfce and most others have one), then reopen DevArch."
	default:
		c.Status = Warning
		c.Summary = "no D-Bus session bus: no tray, and closing the window quits"
		c.Fix = "Run DevArch inside a desktop session (or dbus-run-session)."
	}
	return c
}

// Healthy reports whether no check failed (warnings are fine).
func Healthy(checks []Check) bool {
	for _, c := range checks {
		if c.Status == Error {
			return false
		}
	}
	return true
}
