package bindings

import (
	"errors"
	"reflect"
	"testing"

	"github.com/devarch/devarch/backend/engine"
	"github.com/devarch/devarch/backend/model"
)

// A stack's port clash reaches the window with the instance whose ports fix it, the fix typed
// and its command apart from the detail; any other problem is passed as it is.
func TestProblems_PortClashFix(t *testing.T) {
	clash := &engine.PortClash{
		Err:      model.Invalid("ports", "host port 8080/tcp is published twice", "a/web and b/site both publish it. Change one of them, e.g. devarch instance set a web 'ports=[...]'."),
		Instance: "web", Detail: "a/web and b/site both publish it. Change one of them.", Command: "devarch instance set a web 'ports=[...]'",
	}
	held := &engine.PortClash{Err: model.Invalid("ports", "host port 8081/tcp is in use by stack b", "a/web: Stop that stack."), Instance: "web", Detail: "a/web: Stop that stack."}
	other := model.Invalid("", "something else", "d")
	got := problems([]error{clash, held, other, errors.New("plain")})
	want := []Problem{
		{Kind: "invalid", Summary: "host port 8080/tcp is published twice", Detail: clash.Detail, Field: "ports", Instance: "web",
			Fix: &DiagnosticFix{Kind: "edit-field", Command: clash.Command}},
		{Kind: "invalid", Summary: "host port 8081/tcp is in use by stack b", Detail: "a/web: Stop that stack.", Field: "ports", Instance: "web",
			Fix: &DiagnosticFix{Kind: "edit-field"}},
		{Kind: "invalid", Summary: "something else", Detail: "d"},
	}
	if !reflect.DeepEqual(got[:3], want) {
		t.Errorf("problems =\n%+v\nwant\n%+v", got[:3], want)
	}
	if got[3].Fix != nil || got[3].Instance != "" {
		t.Errorf("a plain error got a fix: %+v", got[3])
	}
}
