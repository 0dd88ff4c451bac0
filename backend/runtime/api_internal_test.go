package runtime

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/model"
)

// A daemon that refuses the event stream (newer daemons reject unknown filter names with
// 400; the test machine's 20.10 accepts them, hence this one stand-in server) ends it with
// KindEngineUnavailable and the daemon's message as detail.
func TestEventsAPI_Refused(t *testing.T) {
	dir, err := os.MkdirTemp("", "dvr")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	sock := filepath.Join(dir, "docker.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	var query string
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		query = r.URL.RawQuery
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"message":"invalid filter 'bogus'"}`))
	})}
	go srv.Serve(ln)
	defer srv.Close()

	eng := &Engine{Name: Docker, env: []string{"DOCKER_HOST=unix://" + sock}}
	events, errs := eng.Events(t.Context(), EventOptions{Filters: []string{" Bogus = 1 ", "type=container", "type=network"}})
	for range events {
		t.Error("an event from a refused stream")
	}
	me := model.AsError(<-errs)
	if me.Kind != model.KindEngineUnavailable || me.Summary != "the docker event stream ended" ||
		!strings.Contains(me.Detail, "HTTP 400") || !strings.Contains(me.Detail, "invalid filter 'bogus'") {
		t.Errorf("error = %s %q %q", me.Kind, me.Summary, me.Detail)
	}
	// Filters are sent as the CLI sends them: names trimmed and lower-cased, values trimmed,
	// values of one name in a list.
	if want := `filters=%7B%22bogus%22%3A%5B%221%22%5D%2C%22type%22%3A%5B%22container%22%2C%22network%22%5D%7D`; query != want {
		t.Errorf("query = %s, want %s", query, want)
	}
}

// The engine's version comes from a ping's Server header when it has the docker form; any
// other header makes detection ask GET /version.
func TestVersionFromServerHeader(t *testing.T) {
	for h, want := range map[string]string{
		"Docker/28.2.2 (linux)":         "28.2.2",
		"Docker/20.10.24+dfsg1 (linux)": "20.10.24+dfsg1",
		"Docker/27.0.0-rc.1 (windows)":  "27.0.0-rc.1",
		"Docker/29.0.0":                 "29.0.0",
		"Libpod/4.3.1 (linux)":          "",
		"Docker/ (linux)":               "",
		"":                              "",
		"docker/28.2.2 (linux)":         "",
		"Docker/28.2.2/extra (linux)":   "",
		"Docker/(linux)":                "",
	} {
		if got := versionFromServerHeader(h); got != want {
			t.Errorf("%q: %q, want %q", h, got, want)
		}
	}
}
