package plan_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/plan"
)

// Warnings do not block applying; errors do. Both render with their subject and detail.
func TestDiagnostics_WarningsDoNotBlock(t *testing.T) {
	d, o := goldenCases()["up_to_date"](t)
	p := plan.Compute(d, o)
	p.Diagnostics = append(p.Diagnostics, plan.Warningf(plan.Subject{Instance: "web", Path: "command"}, "secret x is used in command", "Prefer environment."))
	if p.Failed() || !p.Empty() {
		t.Fatalf("a warning blocks: Failed=%v Empty=%v", p.Failed(), p.Empty())
	}
	want := "Warning: secret x is used in command\n  on instance web, field command\n  Prefer environment.\n\nNo changes. Stack shop is up to date.\n"
	if p.String() != want {
		t.Errorf("got\n%s\nwant\n%s", p, want)
	}
	p.Diagnostics = append(p.Diagnostics, plan.Errorf(plan.Subject{}, "broken", ""))
	if !p.Failed() || p.Empty() || p.Diagnostics.Err() != "broken" || len(p.Diagnostics.Warnings()) != 1 {
		t.Errorf("with an error: Failed=%v Empty=%v Err=%q", p.Failed(), p.Empty(), p.Diagnostics.Err())
	}
}

// A stored plan carries severities by name; an unknown one is refused both ways, so a
// corrupt document cannot turn an error into something apply accepts.
func TestDiagnostics_SeverityJSON(t *testing.T) {
	d := plan.Errorf(plan.Subject{Instance: "web", Path: "ports"}, "s", "d")
	data, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"severity":"error","summary":"s","detail":"d","subject":{"instance":"web","path":"ports"}}`; string(data) != want {
		t.Errorf("JSON %s, want %s", data, want)
	}
	if _, err := json.Marshal(plan.Diagnostic{Severity: "fatal"}); err == nil {
		t.Error("an unknown severity was stored")
	}
	var back plan.Diagnostic
	if err := json.Unmarshal([]byte(`{"severity":"info","summary":"s"}`), &back); err == nil || !strings.Contains(err.Error(), `"info"`) {
		t.Errorf("unknown severity read: %v", err)
	}
}

// A plan stored before diagnostics were typed ("errors"/"warnings" sentences) stays errored.
func TestPlan_ReadsLegacyErrorsAndWarnings(t *testing.T) {
	p, err := plan.Decode([]byte(`{"stack":"shop","revision":2,"errors":["dependency cycle: a -> a"],"warnings":["w"],"summary":{"add":0,"change":0,"destroy":0}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := plan.Diagnostics{{Severity: plan.Error, Summary: "dependency cycle: a -> a"}, {Severity: plan.Warning, Summary: "w"}}
	if !p.Failed() || p.Revision != 2 || !reflect.DeepEqual(p.Diagnostics, want) {
		t.Errorf("plan = %+v", p)
	}
}

// The engine probes only addresses no running DevArch container holds: through the engine's
// port proxy, its own container's port would look like another process's.
func TestDesired_PortsToProbe(t *testing.T) {
	d := desired(t, 1, svc("web", nginx("local", "8080:80", "8081:80", "0.0.0.0:8082:80", "80")), svc("api", nginx("local", "8083-8084:90-91/udp")))
	o := upToDate(t, desired(t, 1, svc("web", nginx("local"))))
	web := container(t, d, "web", "running")
	web.Published = []model.HostPort{{IP: "127.0.0.1", Port: 8080, Protocol: "tcp"}}
	replaceContainer(&o, web)
	o.Containers = append(o.Containers,
		otherContainer("pa", "web", "running", model.HostPort{IP: "0.0.0.0", Port: 8081, Protocol: "tcp"}),
		otherContainer("pa", "db", "exited", model.HostPort{IP: "0.0.0.0", Port: 8082, Protocol: "tcp"}))
	got := d.PortsToProbe(o)
	want := []model.HostPort{{IP: "127.0.0.1", Port: 8083, Protocol: "udp"}, {IP: "127.0.0.1", Port: 8084, Protocol: "udp"}, {IP: "0.0.0.0", Port: 8082, Protocol: "tcp"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("PortsToProbe = %v, want %v", got, want)
	}
}
