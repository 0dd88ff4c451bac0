package engine

import (
	"testing"

	"github.com/devarch/devarch/backend/compose"
)

// FuzzWithHostPort: for every ports entry ParsePort accepts with a host port, the rewritten
// entry parses to the same binding with the new host range (address, container range and
// protocol kept).
func FuzzWithHostPort(f *testing.F) {
	for _, s := range []string{"8080:80", "127.0.0.1:8080:80/tcp", "0.0.0.0:8000-8002:9000-9002", "[::1]:8080:80/udp",
		"9000-9001:80-81/sctp", "80", "127.0.0.1::80", "8080:80/TCP"} {
		f.Add(s, uint16(1234))
	}
	f.Fuzz(func(t *testing.T, entry string, to uint16) {
		p, err := compose.ParsePort(entry)
		if err != nil || p.HostPort == 0 {
			return
		}
		n := p.HostPortEnd - p.HostPort
		from := int(to)
		if from == 0 || from+n > 65535 {
			return
		}
		out := withHostPort(entry, p, from, from+n)
		q, err := compose.ParsePort(out)
		if err != nil {
			t.Fatalf("%q -> %q does not parse: %v", entry, out, err)
		}
		if q.HostPort != from || q.HostPortEnd != from+n || q.HostIP != p.HostIP || q.ContainerPort != p.ContainerPort ||
			q.ContainerPortEnd != p.ContainerPortEnd || q.Protocol != p.Protocol {
			t.Fatalf("%q -> %q: %+v, want host %d-%d of %+v", entry, out, q, from, from+n, p)
		}
	})
}
