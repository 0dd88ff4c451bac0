package runtime

import (
	"cmp"
	"encoding/json"
	"errors"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/devarch/devarch/backend/model"
)

// dockerBindingRE matches one published entry of docker's ps text: "127.0.0.1:8080->80/tcp",
// ":::5353->53/udp", "0.0.0.0:8000-8002->9000-9002/tcp". The address is everything before the
// last colon of the host side.
var dockerBindingRE = regexp.MustCompile(`^(.*):(\d+)(?:-(\d+))?->[\d-]+/([a-z]+)$`)

// hostBindings reads the published host addresses from docker's "ip:port->port/proto, ..."
// text or podman's list of port objects, one per host port (ranges expanded, never past
// 65535), sorted and unique. Entries without a host side ("9000/tcp") and invalid ports are
// skipped.
func hostBindings(raw json.RawMessage) []model.HostPort {
	var out []model.HostPort
	add := func(ip string, from, to int, proto string) {
		for n := from; n <= to && validPort(n); n++ {
			out = append(out, model.HostPort{IP: ip, Port: n, Protocol: cmp.Or(proto, "tcp")})
		}
	}
	var text string
	if json.Unmarshal(raw, &text) == nil {
		for _, entry := range strings.Split(text, ",") {
			m := dockerBindingRE.FindStringSubmatch(strings.TrimSpace(entry))
			if m == nil {
				continue
			}
			from, err := strconv.Atoi(m[2])
			if err != nil || !validPort(from) {
				continue
			}
			to := from
			if m[3] != "" {
				if to, err = strconv.Atoi(m[3]); err != nil || to < from {
					continue
				}
			}
			add(strings.Trim(m[1], "[]"), from, to, m[4])
		}
		return sortedBindings(out)
	}
	var list []struct {
		HostIP   string `json:"host_ip"`
		HostPort int    `json:"host_port"`
		Range    int    `json:"range"`
		Protocol string `json:"protocol"`
	}
	if json.Unmarshal(raw, &list) == nil {
		for _, p := range list {
			if !validPort(p.HostPort) {
				continue
			}
			// A range never runs past the last port (a bogus range must not loop for long).
			add(p.HostIP, p.HostPort, min(p.HostPort+max(p.Range, 1)-1, 65535), p.Protocol)
		}
	}
	return sortedBindings(out)
}

// sortedBindings sorts by port, protocol, then address, without duplicates; nil when empty.
func sortedBindings(b []model.HostPort) []model.HostPort {
	if len(b) == 0 {
		return nil
	}
	slices.SortFunc(b, func(x, y model.HostPort) int {
		return cmp.Or(cmp.Compare(x.Port, y.Port), cmp.Compare(x.Protocol, y.Protocol), cmp.Compare(x.IP, y.IP))
	})
	return slices.Compact(b)
}

// PortsInUse tries to bind each host address as the engine would publish it and returns
// those another process holds (EADDRINUSE), in the order given. Any other failure is not a
// clash and is not reported: a regular user may not bind a port below 1024 (EACCES) although
// the engine, running as root, may; an address not on this machine (EADDRNOTAVAIL) is the
// engine's to report. A binding with no address is probed on every interface. The sockets
// are closed at once; a port freed or taken a moment later is not seen, which is why apply
// probes again under the stack's lock.
//
// It probes only what it is given: the caller leaves out addresses DevArch's own containers
// hold (through the engine's proxy those would look like another process).
func PortsInUse(bindings []model.HostPort) []model.HostPort {
	var out []model.HostPort
	for _, b := range bindings {
		if inUse(b) {
			out = append(out, b)
		}
	}
	return out
}

func inUse(b model.HostPort) bool {
	ip := b.IP
	if ip == "" {
		ip = "0.0.0.0"
	}
	addr := net.JoinHostPort(ip, strconv.Itoa(b.Port))
	var err error
	switch b.Protocol {
	case "udp":
		var c net.PacketConn
		if c, err = net.ListenPacket("udp", addr); err == nil {
			c.Close()
		}
	case "tcp", "":
		var l net.Listener
		if l, err = net.Listen("tcp", addr); err == nil {
			l.Close()
		}
	default:
		return false // sctp: the standard library cannot bind it; the engine reports a clash
	}
	return errors.Is(err, syscall.EADDRINUSE)
}
