//go:build unix

package bench

// What a command costs in each build (docs/packaging.md): the command-line build the package
// installs as /usr/bin/devarch, against the desktop build (GTK/WebKit linked) that it used to
// install there, alternated in one run on one data home with a warm server.
//
//	go test ./bench -run '^$' -bench Builds -benchtime 1x

import (
	"fmt"
	"os"
	"slices"
	"testing"
	"time"
)

func BenchmarkBuilds_CommandLineVsDesktop(b *testing.B) {
	cli := buildDevarch(b)
	desktop := buildApp(b, ".", "devarch-desktop")
	home := tempHome(b)
	seedScale(b, home, 1) // holds a lease: the server stays warm
	env := append(os.Environ(), "DEVARCH_HOME="+home, "DEVARCH_DB_LINGER=0")
	const runs = 20
	b.ResetTimer()
	for range b.N {
		for _, c := range [][]string{{"version"}, {"stack", "list"}, {"status", "s0"}} {
			var cliT, deskT []time.Duration
			for range runs {
				cliT = append(cliT, timeRuns(b, 1, env, append([]string{cli}, c...)...)...)
				deskT = append(deskT, timeRuns(b, 1, env, append([]string{desktop}, c...)...)...)
			}
			slices.Sort(cliT)
			slices.Sort(deskT)
			label := c[0]
			if len(c) > 1 {
				label += "-" + c[1]
			}
			report(b, label+"@cli", cliT)
			report(b, label+"@desktop", deskT)
			fmt.Fprintf(os.Stderr, "  -> the command-line build takes %.2fx the desktop build's time\n",
				float64(percentile(cliT, 0.5))/float64(percentile(deskT, 0.5)))
		}
	}
}
