package runtime

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"net/netip"
	"os"
	"strings"
)

// HostRoutes returns the destinations of the host's IPv4 routes (Linux: /proc/net/route;
// elsewhere none), default route included. A stack subnet that overlaps one would make the
// host send that range's traffic the wrong way (a VPN's, the LAN's), so the pool skips them
// (see netpool.Routes, which drops the default route).
func HostRoutes() ([]netip.Prefix, error) {
	data, err := os.ReadFile("/proc/net/route")
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return parseProcRoutes(data), nil
}

// parseProcRoutes reads /proc/net/route: a header line, then one route a line with
// whitespace-separated fields Iface, Destination, Gateway, Flags, RefCnt, Use, Metric, Mask,
// ...; Destination and Mask are 8 hex digits in the host's (little-endian on every platform
// DevArch runs on) byte order. Lines it cannot read, and masks that are not a prefix, are
// skipped: the result only ever narrows the pool.
func parseProcRoutes(data []byte) []netip.Prefix {
	var out []netip.Prefix
	sc := bufio.NewScanner(bytes.NewReader(data))
	first := true
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if first {
			first = false
			if len(f) > 0 && f[0] == "Iface" {
				continue
			}
		}
		if len(f) < 8 {
			continue
		}
		dst, ok1 := leHex4(f[1])
		mask, ok2 := leHex4(f[7])
		if !ok1 || !ok2 {
			continue
		}
		m := binary.BigEndian.Uint32(mask[:])
		bits := 0
		for bits < 32 && m&(1<<(31-bits)) != 0 {
			bits++
		}
		if bits < 32 && m<<bits != 0 { // not a contiguous mask
			continue
		}
		p, err := netip.AddrFrom4(dst).Prefix(bits)
		if err != nil {
			continue
		}
		out = append(out, p)
	}
	return out
}

// leHex4 decodes 8 hex digits of a little-endian IPv4 word into network byte order.
func leHex4(s string) ([4]byte, bool) {
	var b [4]byte
	if len(s) != 8 {
		return b, false
	}
	raw, err := hex.DecodeString(s)
	if err != nil {
		return b, false
	}
	return [4]byte{raw[3], raw[2], raw[1], raw[0]}, true
}

// NetworkSubnets returns the IPv4 subnets of the engine's networks, except the network
// named except ("" for none): a stack subnet overlapping one would fail to create. Networks
// of DevArch stacks count too, since another DevArch installation (another DEVARCH_HOME)
// on the same engine hands out subnets from the same pool. On a Linux host bridge networks
// also show in HostRoutes; this covers engines in a VM (Docker Desktop, podman machine) too.
func (e *Engine) NetworkSubnets(ctx context.Context, except string) ([]netip.Prefix, error) {
	nets, err := e.ListNetworks(ctx, nil)
	if err != nil {
		return nil, err
	}
	var out []netip.Prefix
	args := []string{"network", "inspect"}
	for _, n := range nets {
		switch {
		case n.Name == except:
		case n.Subnets != nil: // the listing told them
			for _, s := range n.Subnets {
				if p, err := netip.ParsePrefix(s); err == nil && p.Addr().Is4() {
					out = append(out, p.Masked())
				}
			}
		case n.ID != "":
			args = append(args, n.ID)
		}
	}
	if len(args) == 2 {
		return out, nil
	}
	res, err := e.Run(ctx, args, RunOptions{})
	if err != nil {
		return nil, err
	}
	inspected, err := parseNetworkSubnets(res.Stdout)
	if err != nil {
		return nil, unexpectedOutput(e.Name+" network inspect", err, res.Stdout)
	}
	return append(out, inspected...), nil
}

// parseNetworkSubnets reads `network inspect` JSON (an array of networks; docker's
// IPAM.Config[].Subnet, podman's subnets[].subnet) and returns the valid IPv4 subnets.
func parseNetworkSubnets(data []byte) ([]netip.Prefix, error) {
	var nets []struct {
		IPAM struct {
			Config []struct{ Subnet string }
		}
		Subnets []struct {
			Subnet string `json:"subnet"`
		} `json:"subnets"`
	}
	if err := json.Unmarshal(data, &nets); err != nil {
		return nil, err
	}
	var out []netip.Prefix
	add := func(s string) {
		if p, err := netip.ParsePrefix(s); err == nil && p.Addr().Is4() {
			out = append(out, p.Masked())
		}
	}
	for _, n := range nets {
		for _, c := range n.IPAM.Config {
			add(c.Subnet)
		}
		for _, c := range n.Subnets {
			add(c.Subnet)
		}
	}
	return out, nil
}
