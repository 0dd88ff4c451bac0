package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/plan"
)

// samplePlanFile is what `devarch plan shop --out FILE` writes for a typical plan.
func samplePlanFile() []byte {
	p := plan.Plan{Stack: "shop", Revision: 7, Actions: []plan.Action{
		{Kind: plan.CreateNetwork, Network: "devarch-shop-net", Cause: "new stack"},
		{Kind: plan.Replace, Instance: "web", Container: "devarch-shop-web", Cause: "config changed",
			Changes: []plan.Change{{Path: "environment.APP_ENV", Old: `"production"`, New: `"local"`}, {Path: "environment.DB", Old: "(sensitive)", New: "(sensitive)"}}},
		{Kind: plan.Update, Instance: "db", Container: "devarch-shop-db", State: "exited", Cause: "stopped outside DevArch"},
		{Kind: plan.Remove, Container: "devarch-shop-old", Cause: "removed from the stack"},
	}, Diagnostics: plan.Diagnostics{plan.Warningf(plan.Subject{Instance: "web", Path: "command"}, "secret x is used outside an environment variable", "Prefer environment.")}}
	p.Summary = plan.Summary{Add: 2, Change: 1, Destroy: 2}
	b, _ := json.MarshalIndent(planFile{PlanID: 12, Stack: "shop", Revision: 7, Plan: toPlanJSON(p)}, "", "  ")
	return b
}

// FuzzParsePlanFile feeds arbitrary bytes to `apply --plan FILE`'s parser: it never panics,
// refuses anything but a well-formed plan of the named stack with a clear error on field
// "plan", and what it accepts re-encodes to a file it accepts again, unchanged.
func FuzzParsePlanFile(f *testing.F) {
	f.Add(samplePlanFile(), "shop")
	f.Add(samplePlanFile(), "blog")
	f.Add([]byte(`{"planId":1,"stack":"a","revision":1,"plan":{"stack":"a","revision":1,"summary":{"add":0,"change":0,"destroy":0}}}`), "a")
	f.Add([]byte(`{"planId":0}`), "a")
	f.Add([]byte(`{"planId":1,"stack":"a","plan":{"stack":"a","actions":[{"kind":"create"}]},"extra":1}`), "a")
	f.Add([]byte(`[1,2,3]`), "a")
	f.Add([]byte(`{"planId":1,"stack":"a","plan":{"stack":"a"}} {"planId":2}`), "a")
	f.Add([]byte("\xff\xfe"), "a")
	f.Add([]byte(`{"planId":1,"stack":"a","plan":{"stack":"a","actions":[],"errors":[]}}`), "a")
	f.Add([]byte(`{"planId":2,"stack":"a","revision":3,"plan":{"stack":"a","revision":3,"summary":{"add":1,"change":0,"destroy":1},"actions":[{"kind":"replace","instance":"w","cause":"x","changes":[{"path":"ports","old":"(none)","new":"[\"1:2\"]","newValue":["1:2"]},{"path":"environment.S","old":"(sensitive)","new":"(sensitive)","sensitive":true}]}],"errors":[],"warnings":[],"replace":[]}}`), "a")
	f.Add([]byte(`{"planId":3,"stack":"a","plan":{"stack":"a","actions":[],"diagnostics":[{"severity":"error","summary":"s","detail":"d","subject":{"instance":"w","path":"ports"}}]}}`), "a")
	f.Add([]byte(`{"planId":3,"stack":"a","plan":{"stack":"a","diagnostics":[{"severity":"fatal","summary":"s","subject":{}}]}}`), "a")
	f.Add([]byte(`{"planId":2,"stack":"a","plan":{"stack":"a","actions":[{"kind":"create","cause":"x","changes":[{"path":"p","old":"1","new":"2","oldValue":null,"newValue":  [ 1 ,2 ]}]}]}}`), "a")
	f.Fuzz(func(t *testing.T, data []byte, stack string) {
		got, err := parsePlanFile(data, stack)
		if err != nil {
			if e := model.AsError(err); e.Kind != model.KindInvalid || e.Field != "plan" || e.Summary == "" || e.Detail == "" {
				t.Fatalf("unclear error %#v", e)
			}
			return
		}
		if got.PlanID <= 0 || got.Stack != stack || got.Plan.Stack != stack {
			t.Fatalf("accepted a plan file that is not for %q: %+v", stack, got)
		}
		again, err := json.Marshal(got)
		if err != nil {
			t.Fatalf("an accepted plan file does not encode: %v", err)
		}
		back, err := parsePlanFile(again, stack)
		if err != nil {
			t.Fatalf("a re-encoded plan file is refused: %v", err)
		}
		if twice, _ := json.Marshal(back); !bytes.Equal(twice, again) {
			t.Fatalf("re-encoded plan file differs:\n%s\n%s", again, twice)
		}
	})
}

// The typed values of plan --json: JSON values next to the rendered ones, left out for an
// absent side, never given for a hidden one.
func TestToPlanJSON(t *testing.T) {
	b, _ := json.Marshal(toPlanJSON(plan.Plan{Stack: "shop", Actions: []plan.Action{{Kind: plan.Replace, Instance: "web", Changes: []plan.Change{
		{Path: "ports", Old: `["8080:80"]`, New: plan.None},
		{Path: "environment.A", Old: plan.None, New: `"(none)"`},
		{Path: "environment.S", Old: plan.Sensitive, New: plan.None},
	}}, {Kind: plan.CreateNetwork, Network: "n"}}}))
	got := string(b)
	for _, want := range []string{
		`{"path":"ports","old":"[\"8080:80\"]","new":"(none)","oldValue":["8080:80"]}`,
		`{"path":"environment.A","old":"(none)","new":"\"(none)\"","newValue":"(none)"}`,
		`{"path":"environment.S","old":"(sensitive)","new":"(none)","sensitive":true}`,
		`"kind":"create-network","network":"n","cause":"","changes":[]`,
		`"diagnostics":[],"replace":[]`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("plan JSON lacks %s:\n%s", want, got)
		}
	}
	var back planFile
	if err := json.Unmarshal([]byte(`{"planId":1,"stack":"shop","plan":`+got+`}`), &back); err != nil {
		t.Fatal(err)
	}
	if p := back.Plan.toPlan(); len(p.Actions) != 2 || p.Actions[0].Changes[2].Old != plan.Sensitive || p.Actions[1].Changes != nil {
		t.Fatalf("toPlan: %+v", p)
	}
}

func TestParsePlanFile(t *testing.T) {
	if _, err := parsePlanFile(samplePlanFile(), "shop"); err != nil {
		t.Fatal(err)
	}
	for stack, data := range map[string][]byte{
		"blog": samplePlanFile(),
		"x":    []byte(`{"planId":3,"stack":"x","plan":{"stack":"y"}}`),
	} {
		if _, err := parsePlanFile(data, stack); model.AsError(err).Kind != model.KindInvalid {
			t.Errorf("%s: %v", stack, err)
		}
	}
}
