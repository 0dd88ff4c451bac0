package runtime

import (
	"bytes"
	"fmt"
	"net/netip"
	"strings"
	"testing"
)

const procRoute = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n" +
	"eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n" +
	"docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n" +
	"eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n" +
	"tun0\t0000080A\t00000000\t0001\t0\t0\t0\t00F0FFFF\t0\t0\t0\n" +
	"bad\tzz\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n" +
	"odd\t000200C0\t00000000\t0001\t0\t0\t0\t00FF00FF\t0\t0\t0\n"

func TestParseProcRoutes(t *testing.T) {
	got := fmt.Sprint(parseProcRoutes([]byte(procRoute)))
	if want := "[0.0.0.0/0 172.17.0.0/16 192.0.2.0/24 10.8.0.0/20]"; got != want {
		t.Fatalf("routes = %s, want %s", got, want)
	}
}

func TestHostRoutesReadsThisHost(t *testing.T) {
	routes, err := HostRoutes()
	if err != nil {
		t.Fatal(err)
	}
	if len(routes) == 0 {
		t.Fatal("no routes on a Linux host with a network")
	}
}

func TestParseNetworkSubnets(t *testing.T) {
	got, err := parseNetworkSubnets([]byte(`[{"Name":"bridge","IPAM":{"Config":[{"Subnet":"172.17.0.0/16","Gateway":"172.17.0.1"},{"Subnet":"fd00::/64"}]}},
		{"name":"podman","subnets":[{"subnet":"10.88.0.0/16","gateway":"10.88.0.1"}]},{"Name":"host","IPAM":{"Config":[]}}]`))
	if err != nil || fmt.Sprint(got) != "[172.17.0.0/16 10.88.0.0/16]" {
		t.Fatalf("subnets = %v, %v", got, err)
	}
	if _, err := parseNetworkSubnets([]byte(`{`)); err == nil {
		t.Fatal("bad JSON accepted")
	}
}

// FuzzParseProcRoutes: any text gives valid, masked IPv4 prefixes and never panics.
func FuzzParseProcRoutes(f *testing.F) {
	f.Add([]byte(procRoute))
	f.Add([]byte("eth0 00000000 0 0 0 0 0 FFFFFFFF\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, p := range parseProcRoutes(data) {
			if !p.IsValid() || !p.Addr().Is4() || p.Masked() != p && p != (netip.Prefix{}) {
				t.Fatalf("route %v", p)
			}
		}
	})
}

func TestDecodeAPINetworks(t *testing.T) {
	got, err := decodeAPINetworks(strings.NewReader(`[{"Name":"devarch-shop-net","Id":"abc","Created":"2026-11-30T10:00:00.123456789Z","Scope":"local","Driver":"bridge","Internal":false,
		"IPAM":{"Driver":"default","Config":[{"Subnet":"10.200.3.0/24"}]},"Labels":{"dev.devarch.stack":"shop"}},{"Name":"host","Id":"def","IPAM":{"Config":[]},"Labels":null}]`))
	if err != nil || len(got) != 2 || got[0].Name != "devarch-shop-net" || fmt.Sprint(got[0].Subnets) != "[10.200.3.0/24]" ||
		got[0].Labels["dev.devarch.stack"] != "shop" || got[0].CreatedAt.IsZero() || got[1].Subnets == nil || got[1].Labels == nil {
		t.Fatalf("decoded %+v, %v", got, err)
	}
	if _, err := decodeAPINetworks(strings.NewReader(`{"message":"x"}`)); err == nil {
		t.Fatal("an object decoded as a list")
	}
}

// FuzzDecodeAPINetworks: any body decodes or errors, never panics; decoded networks have
// labels and known subnets.
func FuzzDecodeAPINetworks(f *testing.F) {
	f.Add([]byte(`[{"Name":"n","Id":"i","IPAM":{"Config":[{"Subnet":"10.0.0.0/24"},{"Subnet":""}]},"Labels":{"a":"b"}}]`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		nets, err := decodeAPINetworks(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, n := range nets {
			if n.Labels == nil || n.Subnets == nil {
				t.Fatalf("network %+v", n)
			}
			for _, s := range n.Subnets {
				if s == "" {
					t.Fatalf("empty subnet in %+v", n)
				}
			}
		}
	})
}
