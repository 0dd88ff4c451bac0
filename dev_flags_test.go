package main

import (
	"flag"
	"io"
	"reflect"
	"strings"
	"testing"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestReadWailsDevSettings(t *testing.T) {
	cases := []struct {
		name     string
		args     []string
		env      map[string]string
		want     wailsDevSettings
		stripped []string
	}{
		{name: "e2e harness", args: []string{"-assetdir", "dist", "-devserver", "127.0.0.1:5000", "-loglevel", "Warning"},
			want: wailsDevSettings{AssetDir: "dist", DevServer: "127.0.0.1:5000"}, stripped: []string{"-assetdir", "dist", "-loglevel", "Warning"}},
		{name: "equals and double dash", args: []string{"--devserver=127.0.0.1:5000", "-assetdir=dist"},
			want: wailsDevSettings{AssetDir: "dist", DevServer: "127.0.0.1:5000"}, stripped: []string{"-assetdir=dist"}},
		{name: "last one wins, all go", args: []string{"-devserver", "a:1", "-devserver=b:2"},
			want: wailsDevSettings{DevServer: "b:2"}, stripped: []string{}},
		{name: "wails dev passes variables", env: map[string]string{"devserver": "localhost:34115", "frontenddevserverurl": "http://localhost:5173"},
			want: wailsDevSettings{DevServer: "localhost:34115", FrontendDevServerURL: "http://localhost:5173", DevServerFromEnv: true}, stripped: []string{}},
		{name: "assetdir variable: flags are not read", args: []string{"-devserver", "a:1"}, env: map[string]string{"assetdir": "dist"},
			want: wailsDevSettings{AssetDir: "dist"}},
		{name: "unknown flag stops parsing", args: []string{"-x", "-devserver", "a:1"},
			want: wailsDevSettings{}, stripped: []string{"-x", "-devserver", "a:1"}},
		{name: "a subcommand stops parsing", args: []string{"stack", "-devserver", "a:1"},
			want: wailsDevSettings{}, stripped: []string{"stack", "-devserver", "a:1"}},
		{name: "-- stops parsing", args: []string{"-devserver", "a:1", "--", "-devserver", "b:2"},
			want: wailsDevSettings{DevServer: "a:1"}, stripped: []string{"--", "-devserver", "b:2"}},
		{name: "loglevel from the variable: its flag is unknown", args: []string{"-loglevel", "Trace", "-devserver", "a:1"}, env: map[string]string{"loglevel": "Info"},
			want: wailsDevSettings{}, stripped: []string{"-loglevel", "Trace", "-devserver", "a:1"}},
		{name: "flag without value", args: []string{"-assetdir", "d", "-devserver"},
			want: wailsDevSettings{AssetDir: "d"}, stripped: []string{"-assetdir", "d", "-devserver"}},
		{name: "value that looks like a flag", args: []string{"-devserver", "-assetdir", "x"},
			want: wailsDevSettings{DevServer: "-assetdir"}, stripped: []string{"x"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := envOf(c.env)
			if got := readWailsDevSettings(c.args, env); got != c.want {
				t.Fatalf("settings %+v, want %+v", got, c.want)
			}
			if c.stripped == nil {
				return
			}
			cleared := envOf(map[string]string{"frontenddevserverurl": c.env["frontenddevserverurl"], "loglevel": c.env["loglevel"]})
			if got := withoutDevServerFlag(c.args, cleared); !reflect.DeepEqual(got, c.stripped) {
				t.Fatalf("without -devserver: %q, want %q", got, c.stripped)
			}
		})
	}
}

// parseLikeWails is Wails v2.9.2's own flag reading (internal/app/app_dev.go), with every
// flag's value and the arguments left over, to compare before and after stripping.
func parseLikeWails(args []string, env func(string) string) (map[string]string, []string) {
	fs := flag.NewFlagSet("dev", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	vals := map[string]*string{}
	for _, name := range []string{"assetdir", "devserver", "frontenddevserverurl", "loglevel"} {
		if env(name) == "" {
			def := ""
			if name == "loglevel" {
				def = "debug"
			}
			vals[name] = fs.String(name, def, "")
		}
	}
	_ = fs.Parse(args)
	out := map[string]string{}
	for k, v := range vals {
		out[k] = *v
	}
	return out, fs.Args()
}

// FuzzWithoutDevServerFlag proves the stripped arguments read, through the flag package
// itself, exactly like the original ones except that no dev server address is left.
func FuzzWithoutDevServerFlag(f *testing.F) {
	for _, seed := range []string{
		"-assetdir\x00dist\x00-devserver\x00127.0.0.1:5000\x00-loglevel\x00Warning",
		"--devserver=a:1\x00-devserver\x00b:2",
		"-devserver\x00-loglevel\x00x",
		"-h\x00-devserver\x00a:1",
		"-devserver=\x00-assetdir",
		"--\x00-devserver\x00a:1",
		"-=x\x00-devserver\x00a",
		"---devserver\x00a",
		"-devserver\x00a\x00stack\x00list",
	} {
		f.Add(seed, "", "")
		f.Add(seed, "Info", "http://localhost:5173")
	}
	f.Fuzz(func(t *testing.T, joined, loglevel, frontendURL string) {
		args := strings.Split(joined, "\x00")
		if joined == "" {
			args = nil
		}
		env := envOf(map[string]string{"loglevel": loglevel, "frontenddevserverurl": frontendURL})
		stripped := withoutDevServerFlag(args, env)
		before, restBefore := parseLikeWails(args, env)
		after, restAfter := parseLikeWails(stripped, env)
		if after["devserver"] != "" {
			t.Fatalf("%q -> %q still gives devserver %q", args, stripped, after["devserver"])
		}
		for k := range before {
			if k != "devserver" && before[k] != after[k] {
				t.Fatalf("%q -> %q changes -%s from %q to %q", args, stripped, k, before[k], after[k])
			}
		}
		if !reflect.DeepEqual(restBefore, restAfter) && !(len(restBefore) == 0 && len(restAfter) == 0) {
			t.Fatalf("%q -> %q changes the remaining arguments %q to %q", args, stripped, restBefore, restAfter)
		}
		if before["devserver"] == "" && !reflect.DeepEqual(args, stripped) && !(len(args) == 0 && len(stripped) == 0) {
			// Nothing to take out: only "-devserver=" (empty) may go.
			for _, a := range args {
				if strings.Contains(a, "devserver") {
					return
				}
			}
			t.Fatalf("%q changed to %q with no dev server to remove", args, stripped)
		}
		if got := readWailsDevSettings(args, env); got.DevServer != before["devserver"] || got.AssetDir != before["assetdir"] {
			t.Fatalf("readWailsDevSettings(%q) = %+v, flag package says %q", args, got, before)
		}
	})
}
