package runtime

import (
	"encoding/json"
	"net"
	"reflect"
	"testing"

	"github.com/devarch/devarch/backend/model"
)

func TestHostPorts_DockerAndPodman(t *testing.T) {
	cases := []struct {
		raw  string
		want []int
	}{
		{`"127.0.0.1:8081->80/tcp, 0.0.0.0:5353->53/udp, :::5353->53/udp, 9000/tcp"`, []int{5353, 8081}},
		{`""`, nil},
		{`[{"host_ip":"","container_port":80,"host_port":8080,"range":2,"protocol":"tcp"}]`, []int{8080, 8081}},
		{`null`, nil},
		{`"0.0.0.0:0->80/tcp, 1.2.3.4:70000->1/tcp"`, nil}, // found by FuzzParseContainers
		{`[{"host_port":65534,"range":2000000000},{"host_port":-1,"range":3}]`, []int{65534, 65535}},
	}
	for _, c := range cases {
		if got := hostPorts(json.RawMessage(c.raw)); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %v want %v", c.raw, got, c.want)
		}
	}
}

func TestHostBindings_DockerAndPodman(t *testing.T) {
	hp := func(ip string, port int, proto string) model.HostPort {
		return model.HostPort{IP: ip, Port: port, Protocol: proto}
	}
	cases := []struct {
		raw  string
		want []model.HostPort
	}{
		{`"127.0.0.1:8081->80/tcp, 0.0.0.0:5353->53/udp, :::5353->53/udp, 9000/tcp"`,
			[]model.HostPort{hp("0.0.0.0", 5353, "udp"), hp("::", 5353, "udp"), hp("127.0.0.1", 8081, "tcp")}},
		{`"0.0.0.0:8000-8002->9000-9002/tcp"`, []model.HostPort{hp("0.0.0.0", 8000, "tcp"), hp("0.0.0.0", 8001, "tcp"), hp("0.0.0.0", 8002, "tcp")}},
		{`"[::1]:8080->80/tcp"`, []model.HostPort{hp("::1", 8080, "tcp")}},
		{`""`, nil},
		{`[{"host_ip":"","container_port":80,"host_port":8080,"range":2,"protocol":"tcp"}]`, []model.HostPort{hp("", 8080, "tcp"), hp("", 8081, "tcp")}},
		{`[{"host_ip":"127.0.0.1","host_port":53,"protocol":"udp"}]`, []model.HostPort{hp("127.0.0.1", 53, "udp")}},
		{`"0.0.0.0:0->80/tcp, 1.2.3.4:70000->1/tcp, 1.2.3.4:9-3->1/tcp"`, nil},
		{`[{"host_port":65534,"range":2000000000},{"host_port":-1,"range":3}]`, []model.HostPort{hp("", 65534, "tcp"), hp("", 65535, "tcp")}},
	}
	for _, c := range cases {
		if got := hostBindings(json.RawMessage(c.raw)); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %v want %v", c.raw, got, c.want)
		}
	}
}

// PortsInUse reports an address a listener of this process holds, and only that one.
func TestPortsInUse_ReportsOnlyHeldAddresses(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	held := l.Addr().(*net.TCPAddr).Port
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	freePort := free.Addr().(*net.TCPAddr).Port
	free.Close()
	in := []model.HostPort{
		{IP: "127.0.0.1", Port: freePort, Protocol: "tcp"},
		{IP: "127.0.0.1", Port: held, Protocol: "tcp"},
		{IP: "127.0.0.1", Port: held, Protocol: "udp"}, // another protocol: free
		{IP: "127.0.0.1", Port: held, Protocol: "sctp"},
	}
	got := PortsInUse(in)
	want := []model.HostPort{{IP: "127.0.0.1", Port: held, Protocol: "tcp"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("PortsInUse = %v, want %v", got, want)
	}
}
