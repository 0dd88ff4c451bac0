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
	}
	for _, c := range cases {
		if got := hostPorts(json.RawMessage(c.raw)); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %v want %v", c.raw, got, c.want)
		}
	}
}
