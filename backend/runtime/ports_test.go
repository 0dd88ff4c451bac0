package runtime

import (
	"encoding/json"
	"reflect"
	"testing"
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
