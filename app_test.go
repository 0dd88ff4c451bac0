package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestWithSecurityHeaders(t *testing.T) {
	rec := &recorder{}
	w := httptest.NewRecorder()
	withSecurityHeaders(rec).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/index.html", nil))
	if rec.hits.Load() != 1 {
		t.Fatal("the middleware did not call the asset handler")
	}
	got := w.Header().Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "script-src 'self';", "object-src 'none'", "base-uri 'none'", "connect-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(got, want) {
			t.Errorf("Content-Security-Policy %q lacks %q", got, want)
		}
	}
	if strings.Contains(got, "unsafe-eval") || strings.Contains(got, "script-src 'self' 'unsafe-inline'") || strings.Contains(got, "http") {
		t.Errorf("Content-Security-Policy %q allows eval, inline script or a remote origin", got)
	}
}
