package model_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/devarch/devarch/backend/model"
)

func TestJoinProblems(t *testing.T) {
	a := model.Invalid("image", "the service has neither an image nor a build", "Set image.")
	b := model.Invalid("ports[0]", `invalid port "abc"`, "Accepted forms:\n\"80\"")
	c := &model.Error{Kind: model.KindConflict, Summary: "taken", Detail: "Choose another."}

	if got := model.JoinProblems("x", nil); got != nil {
		t.Errorf("no problems: %v", got)
	}
	if got := model.JoinProblems("x", []*model.Error{nil, a}); got != a {
		t.Errorf("one problem is returned as it is: %#v", got)
	}

	got := model.JoinProblems(`instance "web"`, []*model.Error{a, b})
	if got.Kind != model.KindInvalid || got.Field != "" || got.Summary != `instance "web": 2 problems` {
		t.Errorf("joined: %#v", got)
	}
	wantDetail := "- image: the service has neither an image nor a build\n    Set image.\n" +
		"- ports[0]: invalid port \"abc\"\n    Accepted forms:\n    \"80\""
	if got.Detail != wantDetail {
		t.Errorf("detail:\n%s\nwant\n%s", got.Detail, wantDetail)
	}
	if !reflect.DeepEqual(got.Problems, []*model.Error{a, b}) {
		t.Errorf("problems: %v", got.Problems)
	}
	var e *model.Error
	if !errors.As(error(got), &e) || e != got {
		t.Errorf("errors.As")
	}

	// Nested joins flatten; mixed kinds are invalid input as a whole.
	nested := model.JoinProblems("outer", []*model.Error{got, c})
	if len(nested.Problems) != 3 || nested.Summary != "outer: 3 problems" || nested.Kind != model.KindInvalid {
		t.Errorf("nested: %#v", nested)
	}
	for _, p := range nested.Problems {
		if len(p.Problems) != 0 {
			t.Errorf("a problem has problems: %#v", p)
		}
	}
	same := model.JoinProblems("s", []*model.Error{c, c})
	if same.Kind != model.KindConflict {
		t.Errorf("shared kind kept: %v", same.Kind)
	}
}
