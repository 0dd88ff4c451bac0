//go:build !unix

package runtimetest

import "testing"

// SecondEngine needs a second dockerd, a Linux bridge and process sessions: on other
// systems a test that asks for one is skipped outside CI and fails in CI (testenv.Missing),
// like any missing part.
func SecondEngine(t testing.TB, tls bool) SecondEngineInfo {
	t.Helper()
	missing(t, "a second docker engine (it runs on Linux)")
	return SecondEngineInfo{}
}
