package bindings

import (
	"reflect"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/plan"
)

// The window gets a diagnostic's fix typed (a button or a link), its CLI command apart from
// the detail, and no fix where the plan has none; warnings come before errors, as in the text.
func TestPlanView_DiagnosticFixes(t *testing.T) {
	missing := plan.Errorf(plan.Subject{Instance: "api", Path: "environment.TOKEN"}, "secret token does not exist",
		"The field references it, and the stack has no secret of that name.")
	missing.Fix = &plan.Fix{Kind: plan.FixSetSecret, Secret: "token", Command: "devarch secret set shop token"}
	port := plan.Warningf(plan.Subject{Instance: "web", Path: "ports"}, "host port 8080/tcp is also published by stack pa", "d")
	port.Fix = &plan.Fix{Kind: plan.FixEditField}
	plain := plan.Errorf(plan.Subject{}, "dependency cycle: a -> a", "")
	v := planView(7, plan.Plan{Stack: "shop", Diagnostics: plan.Diagnostics{missing, plain, port}})
	want := []Diagnostic{
		{Severity: "warning", Summary: port.Summary, Detail: "d", Instance: "web", Path: "ports", Fix: &DiagnosticFix{Kind: "edit-field"}},
		{Severity: "error", Summary: missing.Summary, Detail: missing.Detail, Instance: "api", Path: "environment.TOKEN",
			Fix: &DiagnosticFix{Kind: "set-secret", Secret: "token", Command: "devarch secret set shop token"}},
		{Severity: "error", Summary: plain.Summary},
	}
	if !reflect.DeepEqual(v.Diagnostics, want) {
		t.Errorf("diagnostics = %+v\nwant %+v", v.Diagnostics, want)
	}
	// The text view (Show as text) still gives the command after the detail.
	if want := "no secret of that name. Set it with: devarch secret set shop token\n"; !strings.Contains(v.Text, want) {
		t.Errorf("plan text has no command:\n%s", v.Text)
	}
}
