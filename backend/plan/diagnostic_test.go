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

// A diagnostic's fix is machine-readable for the window (a button, a link to the field) and
// still a command for the CLI: the text faces print its sentence after the detail, so what
// they say is the same as when the command was part of the detail.
func TestDiagnostics_FixRendersItsCommand(t *testing.T) {
	d := plan.Errorf(plan.Subject{Instance: "api", Path: "environment.TOKEN"}, "secret token does not exist",
		"The field references it, and the stack has no secret of that name.")
	d.Fix = &plan.Fix{Kind: plan.FixSetSecret, Secret: "token", Command: "devarch secret set shop token"}
	want := "instance api, field environment.TOKEN: secret token does not exist. The field references it, and the stack has no secret of that name. Set it with: devarch secret set shop token"
	if got := d.String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	p := plan.Plan{Stack: "shop", Diagnostics: plan.Diagnostics{d}}
	if text := p.String(); !strings.Contains(text, "  The field references it, and the stack has no secret of that name. Set it with: devarch secret set shop token\n") {
		t.Errorf("the text plan leaves out the command:\n%s", text)
	}
	// A fix without a command adds nothing to the text; one of another kind says "Run:".
	d.Fix = &plan.Fix{Kind: plan.FixEditField}
	if got := d.String(); strings.Contains(got, "Set it with") || !strings.HasSuffix(got, "no secret of that name.") {
		t.Errorf("a fix without a command: %q", got)
	}
	d.Fix = &plan.Fix{Kind: plan.FixEditField, Command: "devarch instance set shop api ports=[]"}
	if got := d.String(); !strings.HasSuffix(got, " Run: devarch instance set shop api ports=[]") {
		t.Errorf("an edit-field command: %q", got)
	}
	// A use-secret fix is a "Fix: ..." sentence, as the default-password warning always said it.
	d.Fix = &plan.Fix{Kind: plan.FixUseSecret, Secret: "db_password", Command: "devarch secret set shop db_password, then devarch instance set shop db 'environment.P=${secret:db_password}'"}
	if got := d.String(); !strings.HasSuffix(got, " Fix: devarch secret set shop db_password, then devarch instance set shop db 'environment.P=${secret:db_password}'.") {
		t.Errorf("a use-secret command: %q", got)
	}
	// Without a detail the sentence stands alone.
	d.Detail, d.Fix = "", &plan.Fix{Kind: plan.FixSetSecret, Secret: "token", Command: "devarch secret set shop token"}
	if got := d.String(); got != "instance api, field environment.TOKEN: secret token does not exist. Set it with: devarch secret set shop token" {
		t.Errorf("no detail: %q", got)
	}
}

// A stored fix survives the round trip; one a face could not act on (unknown kind, a secret
// fix without its secret, a field fix without the field) is refused, naming the rule.
func TestDecode_Fixes(t *testing.T) {
	good := `{"stack":"shop","diagnostics":[` +
		`{"severity":"error","summary":"s","subject":{"instance":"api","path":"environment.T"},"fix":{"kind":"set-secret","secret":"t","command":"devarch secret set shop t"}},` +
		`{"severity":"warning","summary":"w","subject":{"instance":"web","path":"ports"},"fix":{"kind":"edit-field"}},` +
		`{"severity":"warning","summary":"p","subject":{"instance":"db","path":"environment.P"},"fix":{"kind":"use-secret","secret":"db_p","command":"c"}}]}`
	p, err := plan.Decode([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	want := []*plan.Fix{{Kind: plan.FixSetSecret, Secret: "t", Command: "devarch secret set shop t"}, {Kind: plan.FixEditField},
		{Kind: plan.FixUseSecret, Secret: "db_p", Command: "c"}}
	for i, d := range p.Diagnostics {
		if !reflect.DeepEqual(d.Fix, want[i]) {
			t.Errorf("diagnostic %d fix = %+v, want %+v", i+1, d.Fix, want[i])
		}
	}
	data, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	back, err := plan.Decode(data)
	if err != nil || !reflect.DeepEqual(back.Diagnostics, p.Diagnostics) {
		t.Errorf("round trip: %v\n%+v\n%+v", err, back.Diagnostics, p.Diagnostics)
	}
	for doc, rule := range map[string]string{
		`{"diagnostics":[{"severity":"error","summary":"s","fix":{"kind":"reboot"}}]}`:                                                          `unknown fix kind "reboot"`,
		`{"diagnostics":[{"severity":"error","summary":"s","fix":{}}]}`:                                                                         `unknown fix kind ""`,
		`{"diagnostics":[{"severity":"error","summary":"s","fix":{"kind":"set-secret"}}]}`:                                                      `names no secret`,
		`{"diagnostics":[{"severity":"error","summary":"s","subject":{"instance":"web"},"fix":{"kind":"edit-field"}}]}`:                         `needs the diagnostic's instance and field`,
		`{"diagnostics":[{"severity":"warning","summary":"s","subject":{"path":"ports"},"fix":{"kind":"edit-field"}}]}`:                         `needs the diagnostic's instance and field`,
		`{"diagnostics":[{"severity":"warning","summary":"s"},{"severity":"error","summary":"s","fix":{"kind":"nope"}}]}`:                       `plan diagnostic 2: `,
		`{"diagnostics":[{"severity":"warning","summary":"s","subject":{"instance":"db","path":"environment.P"},"fix":{"kind":"use-secret"}}]}`: `needs a secret and the diagnostic's instance and field`,
		`{"diagnostics":[{"severity":"warning","summary":"s","fix":{"kind":"use-secret","secret":"p"}}]}`:                                       `needs a secret and the diagnostic's instance and field`,
	} {
		if _, err := plan.Decode([]byte(doc)); err == nil || !strings.Contains(err.Error(), rule) {
			t.Errorf("Decode(%s) = %v, want an error with %q", doc, err, rule)
		}
	}
}

// Every port problem links to the instance's ports: the held, outside-process and
// defined-elsewhere diagnostics all carry an edit-field fix on field ports.
func TestPortDiagnostics_FixIsThePortsField(t *testing.T) {
	d := desired(t, 1, svc("web", nginx("local", "8080:80", "8081:80", "8082:80")))
	o := plan.Observed{
		Containers: []model.Container{otherContainer("pa", "web", "running", model.HostPort{IP: "127.0.0.1", Port: 8080, Protocol: "tcp"})},
		PortsInUse: []model.HostPort{{IP: "127.0.0.1", Port: 8081, Protocol: "tcp"}},
		OtherPorts: []plan.PortClaim{claim(t, "pb", "site", "8082:80")},
	}
	ds := plan.PortDiagnostics(d, o)
	if len(ds) != 3 || len(ds.Errors()) != 2 {
		t.Fatalf("port diagnostics = %+v, want two errors and a warning", ds)
	}
	for _, diag := range ds {
		if diag.Subject != (plan.Subject{Instance: "web", Path: "ports"}) || !reflect.DeepEqual(diag.Fix, &plan.Fix{Kind: plan.FixEditField}) {
			t.Errorf("%s: subject %+v, fix %+v; want web's ports and an edit-field fix", diag.Summary, diag.Subject, diag.Fix)
		}
	}
}
