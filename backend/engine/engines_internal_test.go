package engine

import "testing"

func TestRemoteEndpoint(t *testing.T) {
	for endpoint, want := range map[string]bool{
		"":                              false,
		"unix:///var/run/docker.sock":   false,
		"npipe:////./pipe/docker":       false,
		"tcp://127.0.0.1:2375":          false,
		"tcp://localhost:2376":          false,
		"tcp://[::1]:2376":              false,
		"tcp://192.168.1.40:2376":       true,
		"ssh://me@build-box":            true,
		"ssh://me@127.0.0.1":            false,
		"https://docker.example:2376":   true,
		"tcp://build-box.internal:2375": true,
	} {
		if got := remoteEndpoint(endpoint); got != want {
			t.Errorf("remoteEndpoint(%q) = %v, want %v", endpoint, got, want)
		}
	}
}
