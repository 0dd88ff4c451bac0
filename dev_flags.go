package main

// How a Wails v2 dev build finds its dev server (internal/app/app_dev.go in
// github.com/wailsapp/wails/v2 v2.9.2), mirrored here so the dev build can take the dev
// server's address over: it listens there itself, behind devGate, and keeps Wails from
// listening anywhere. No build tag, so the fuzz test runs in every `go test ./...`.

import (
	"flag"
	"io"
	"strings"
)

// wailsDevSettings are the settings of a Wails v2 dev build this file needs.
type wailsDevSettings struct {
	AssetDir, DevServer, FrontendDevServerURL string
	// DevServerFromEnv is set when DevServer came from the devserver environment variable
	// (`wails dev` passes it that way) rather than the -devserver flag.
	DevServerFromEnv bool
}

// readWailsDevSettings reads the settings exactly as Wails does: each from its environment
// variable (assetdir, devserver, frontenddevserverurl, loglevel); a setting whose variable
// is empty gets a flag of the same name, and the flags are parsed (errors ignored, so
// parsing stops at the first flag it does not know) only when assetdir is empty. It uses
// the same flag package, so it reads what Wails reads.
func readWailsDevSettings(args []string, getenv func(string) string) wailsDevSettings {
	s := wailsDevSettings{
		AssetDir:             getenv("assetdir"),
		DevServer:            getenv("devserver"),
		FrontendDevServerURL: getenv("frontenddevserverurl"),
	}
	s.DevServerFromEnv = s.DevServer != ""
	if s.AssetDir != "" {
		return s
	}
	fs := flag.NewFlagSet("dev", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	assetDir := fs.String("assetdir", "", "")
	var devServer, frontendURL *string
	if s.DevServer == "" {
		devServer = fs.String("devserver", "", "")
	}
	if s.FrontendDevServerURL == "" {
		frontendURL = fs.String("frontenddevserverurl", "", "")
	}
	if getenv("loglevel") == "" {
		fs.String("loglevel", "debug", "")
	}
	_ = fs.Parse(args)
	s.AssetDir = *assetDir
	if devServer != nil {
		s.DevServer = *devServer
	}
	if frontendURL != nil {
		s.FrontendDevServerURL = *frontendURL
	}
	return s
}

// withoutDevServerFlag returns args without the -devserver flags Wails' parser would
// consume, given that the devserver and assetdir variables are empty (the caller clears
// devserver first). The other flags keep their order and meaning, so Wails reads the same
// settings from the result except for an empty DevServer.
//
// It follows the flag package's syntax: parsing stops at the first non-flag argument, after
// "--", and at the first malformed or unknown flag (Wails ignores the error, so whatever
// follows is not read as flags either); "-name value", "-name=value" and the "--" forms are
// the same flag.
func withoutDevServerFlag(args []string, getenv func(string) string) []string {
	known := map[string]bool{"assetdir": true, "devserver": true}
	for _, name := range []string{"frontenddevserverurl", "loglevel"} {
		known[name] = getenv(name) == ""
	}
	out := make([]string, 0, len(args))
	i := 0
	for i < len(args) {
		s := args[i]
		if len(s) < 2 || s[0] != '-' {
			break
		}
		minuses := 1
		if s[1] == '-' {
			minuses = 2
			if len(s) == 2 {
				break // "--" ends the flags
			}
		}
		name := s[minuses:]
		if len(name) == 0 || name[0] == '-' || name[0] == '=' {
			break // bad flag syntax: the parser stops here
		}
		hasValue := false
		if eq := strings.IndexByte(name[1:], '='); eq >= 0 {
			name, hasValue = name[:eq+1], true
		}
		if !known[name] {
			break // unknown flag (or -h/-help): the parser stops here
		}
		n := 1
		if !hasValue {
			if i+1 >= len(args) {
				break // flag needs an argument: the parser stops here
			}
			n = 2
		}
		if name != "devserver" {
			out = append(out, args[i:i+n]...)
		}
		i += n
	}
	return append(out, args[i:]...)
}
