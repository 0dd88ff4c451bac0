package compose_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/compose"
	"github.com/devarch/devarch/backend/model"
)

func TestParsePort(t *testing.T) {
	cases := []struct {
		entry, rendered string
		hostIP          string
		host, hostEnd   int
		proto           string
	}{
		{"8080:80", "127.0.0.1:8080:80", "127.0.0.1", 8080, 8080, "tcp"},
		{"80", "127.0.0.1::80", "127.0.0.1", 0, 0, "tcp"},
		{"80/udp", "127.0.0.1::80/udp", "127.0.0.1", 0, 0, "udp"},
		{"0.0.0.0:8080:80", "0.0.0.0:8080:80", "0.0.0.0", 8080, 8080, "tcp"},
		{"192.168.1.5:8080:80/tcp", "192.168.1.5:8080:80/tcp", "192.168.1.5", 8080, 8080, "tcp"},
		{"8080:80/udp", "127.0.0.1:8080:80/udp", "127.0.0.1", 8080, 8080, "udp"},
		{"5000:5000/SCTP", "127.0.0.1:5000:5000/sctp", "127.0.0.1", 5000, 5000, "sctp"},
		{"127.0.0.1::80", "127.0.0.1::80", "127.0.0.1", 0, 0, "tcp"},
		{"[::1]:8080:80", "[::1]:8080:80", "::1", 8080, 8080, "tcp"},
		{"[::]:8443:443", "[::]:8443:443", "::", 8443, 8443, "tcp"},
		{"9000-9002:8000-8002", "127.0.0.1:9000-9002:8000-8002", "127.0.0.1", 9000, 9002, "tcp"},
	}
	for _, c := range cases {
		p, err := compose.ParsePort(c.entry)
		if err != nil {
			t.Errorf("ParsePort(%q): %v", c.entry, err)
			continue
		}
		if p.String() != c.rendered || p.HostIP != c.hostIP || p.HostPort != c.host || p.HostPortEnd != c.hostEnd || p.Protocol != c.proto || p.Entry != c.entry {
			t.Errorf("ParsePort(%q) = %+v rendered %q; want %q on %s:%d-%d/%s", c.entry, p, p.String(), c.rendered, c.hostIP, c.host, c.hostEnd, c.proto)
		}
	}
	for _, bad := range []string{"", "http", "8080:", "a:80", "8080:80:90:100", "80-", "90-80", "+80", "1.2.3.4.5:80:80", "[::1:80:80", "[::1]:80", "fe80::1%eth0:80:80", "8080:80/"} {
		if p, err := compose.ParsePort(bad); err == nil {
			t.Errorf("ParsePort(%q) = %+v, want an error", bad, p)
		}
	}
}

func TestPublishedPorts(t *testing.T) {
	svc := model.EffectiveService{Instance: "web", Spec: model.Spec{"ports": []any{"8080:80", "0.0.0.0:53:53/udp"}}}
	got, err := compose.PublishedPorts(svc)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].HostIP != "127.0.0.1" || got[0].HostPort != 8080 || got[0].ContainerPort != 80 ||
		got[1].HostIP != "0.0.0.0" || got[1].Protocol != "udp" || !got[1].Wildcard() || got[0].Wildcard() {
		t.Errorf("PublishedPorts = %+v", got)
	}
	if got, err := compose.PublishedPorts(model.EffectiveService{Spec: model.Spec{"image": "x"}}); err != nil || got != nil {
		t.Errorf("no ports: %v, %v", got, err)
	}
	_, err = compose.PublishedPorts(model.EffectiveService{Instance: "web", Spec: model.Spec{"ports": []any{"80", "x"}}})
	var e *model.Error
	if !errors.As(err, &e) || e.Kind != model.KindInvalid || e.Field != "ports[1]" {
		t.Errorf("invalid entry: %v", err)
	}
}

func TestPortClashes(t *testing.T) {
	svc := func(instance string, ports ...any) model.EffectiveService {
		return model.EffectiveService{Instance: instance, Spec: model.Spec{"image": "x", "ports": ports}}
	}
	stack := func(name string, svcs ...model.EffectiveService) model.EffectiveStack {
		return model.EffectiveStack{Name: name, Services: svcs}
	}
	owner := func(stack, instance, ip, entry string) compose.Owner {
		return compose.Owner{Stack: stack, Instance: instance, HostIP: ip, Entry: entry}
	}
	cases := []struct {
		name   string
		stacks []model.EffectiveStack
		want   []compose.Clash
	}{
		{"same stack", []model.EffectiveStack{stack("shop", svc("web", "8080:80"), svc("api", "8080:8000"))},
			[]compose.Clash{{Port: 8080, Protocol: "tcp", A: owner("shop", "api", "127.0.0.1", "8080:8000"), B: owner("shop", "web", "127.0.0.1", "8080:80")}}},
		{"across stacks", []model.EffectiveStack{stack("shop", svc("db", "3306:3306")), stack("blog", svc("mysql", "127.0.0.1:3306:3306"))},
			[]compose.Clash{{Port: 3306, Protocol: "tcp", A: owner("blog", "mysql", "127.0.0.1", "127.0.0.1:3306:3306"), B: owner("shop", "db", "127.0.0.1", "3306:3306")}}},
		{"different protocol", []model.EffectiveStack{stack("a", svc("dns", "53:53/udp"), svc("web", "53:53"))}, nil},
		{"different address", []model.EffectiveStack{stack("a", svc("x", "127.0.0.1:80:80"), svc("y", "127.0.0.2:80:80"))}, nil},
		{"all interfaces vs loopback", []model.EffectiveStack{stack("a", svc("x", "0.0.0.0:80:80")), stack("b", svc("y", "80:80"))},
			[]compose.Clash{{Port: 80, Protocol: "tcp", A: owner("a", "x", "0.0.0.0", "0.0.0.0:80:80"), B: owner("b", "y", "127.0.0.1", "80:80")}}},
		{"ipv6 wildcard vs loopback", []model.EffectiveStack{stack("a", svc("x", "[::]:80:80"), svc("y", "80:80"))},
			[]compose.Clash{{Port: 80, Protocol: "tcp", A: owner("a", "x", "::", "[::]:80:80"), B: owner("a", "y", "127.0.0.1", "80:80")}}},
		{"container-only ports", []model.EffectiveStack{stack("a", svc("x", "80"), svc("y", "80", "127.0.0.1::80"))}, nil},
		{"overlapping ranges", []model.EffectiveStack{stack("a", svc("x", "9000-9005:9000-9005"), svc("y", "9003:80"))},
			[]compose.Clash{{Port: 9003, Protocol: "tcp", A: owner("a", "x", "127.0.0.1", "9000-9005:9000-9005"), B: owner("a", "y", "127.0.0.1", "9003:80")}}},
		{"same instance twice", []model.EffectiveStack{stack("a", svc("x", "80:80", "80:81"))},
			[]compose.Clash{{Port: 80, Protocol: "tcp", A: owner("a", "x", "127.0.0.1", "80:80"), B: owner("a", "x", "127.0.0.1", "80:81")}}},
		{"invalid entries are skipped", []model.EffectiveStack{stack("a", svc("x", "nope", "81:81"), svc("y", "81:81"))},
			[]compose.Clash{{Port: 81, Protocol: "tcp", A: owner("a", "x", "127.0.0.1", "81:81"), B: owner("a", "y", "127.0.0.1", "81:81")}}},
		{"sorted by port", []model.EffectiveStack{stack("a", svc("x", "90:90", "80:80")), stack("b", svc("y", "80:80", "90:90"))},
			[]compose.Clash{
				{Port: 80, Protocol: "tcp", A: owner("a", "x", "127.0.0.1", "80:80"), B: owner("b", "y", "127.0.0.1", "80:80")},
				{Port: 90, Protocol: "tcp", A: owner("a", "x", "127.0.0.1", "90:90"), B: owner("b", "y", "127.0.0.1", "90:90")},
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := compose.PortClashes(c.stacks); !reflect.DeepEqual(got, c.want) {
				t.Errorf("PortClashes =\n%+v\nwant\n%+v", got, c.want)
			}
		})
	}
	c := compose.PortClashes([]model.EffectiveStack{stack("shop", svc("db", "3306:3306")), stack("blog", svc("mysql", "3306:3306"))})[0]
	if got, want := c.String(), `host port 3306/tcp is published by both blog/mysql ("3306:3306") and shop/db ("3306:3306")`; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

// ClashesInvolving finds exactly the clashes of PortClashes that involve the stack.
func TestClashesInvolving_MatchesPortClashes(t *testing.T) {
	mk := func(name string, ports ...[]any) model.EffectiveStack {
		st := model.EffectiveStack{Name: name}
		for i, p := range ports {
			st.Services = append(st.Services, model.EffectiveService{Instance: fmt.Sprintf("i%d", i), Spec: model.Spec{"image": "x", "ports": p}})
		}
		return st
	}
	stacks := []model.EffectiveStack{
		mk("a", []any{"8080:80", "9000-9002:9000-9002"}, []any{"8080:80"}),
		mk("b", []any{"8080:80"}, []any{"127.0.0.1:9001:9001"}),
		mk("c", []any{"7000:70"}, []any{"7000:70/udp"}),
		mk("d", []any{"7000:70"}),
	}
	all := compose.PortClashes(stacks)
	var sb []compose.StackBindings
	for _, st := range stacks {
		sb = append(sb, compose.StackBindings{Stack: st.Name, Bindings: compose.Bindings(st)})
	}
	for _, name := range []string{"a", "b", "c", "d", "none"} {
		var want []compose.Clash
		for _, c := range all {
			if c.A.Stack == name || c.B.Stack == name {
				want = append(want, c)
			}
		}
		got := compose.ClashesInvolving(name, sb)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s:\n got  %v\n want %v", name, got, want)
		}
	}
	if len(all) < 4 {
		t.Fatalf("the fixture should clash several ways: %v", all)
	}
}

// A stack on an engine with a publish address binds its ports there, unless an entry names
// its own address; the bindings (port clashes) say the same as the generated file.
func TestPublishAddress(t *testing.T) {
	st := model.EffectiveStack{Name: "far", Services: []model.EffectiveService{{Instance: "web", HostIP: "192.168.1.40",
		Spec: model.Spec{"image": "nginx", "ports": []any{"8080:80", "127.0.0.1:8443:443", "9000"}}}}}
	doc, err := compose.Generate(st)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"192.168.1.40:8080:80", "127.0.0.1:8443:443", "192.168.1.40::9000"} {
		if !strings.Contains(string(doc), want) {
			t.Errorf("the file lacks %q:\n%s", want, doc)
		}
	}
	b := compose.Bindings(st)
	if len(b) != 2 || b[0].Pub.HostIP != "192.168.1.40" || b[1].Pub.HostIP != "127.0.0.1" {
		t.Fatalf("bindings = %+v", b)
	}
}

func TestLocalPaths(t *testing.T) {
	st := model.EffectiveStack{Name: "far", Services: []model.EffectiveService{
		{Instance: "app", Spec: model.Spec{"image": "php", "volumes": []any{"./app:/var/www", "/srv/data:/data", "cache:/cache", "../shared:/shared:ro"},
			"build": map[string]any{"context": "./docker"}}},
		{Instance: "db", Spec: model.Spec{"image": "mysql", "volumes": []any{"data:/var/lib/mysql"}}},
	}}
	got := compose.LocalPaths(st)
	want := []compose.LocalPath{{"app", "volumes[0]", "./app"}, {"app", "volumes[3]", "../shared"}, {"app", "build.context", "./docker"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("LocalPaths = %+v, want %+v", got, want)
	}
}
