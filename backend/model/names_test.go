package model_test

import (
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/model"
)

func TestValidateStackName(t *testing.T) {
	cases := []struct {
		name, wantErr string
	}{
		{"shop", ""},
		{"a", ""},
		{"shop-2", ""},
		{strings.Repeat("a", 53), ""},
		{"", "required"},
		{strings.Repeat("a", 54), "limit is 53"},
		{"Shop", "not a valid name"},
		{"-shop", "not a valid name"},
		{"shop-", "not a valid name"},
		{"sh_op", "not a valid name"},
		{"shöp", "not a valid name"},
	}
	for _, c := range cases {
		err := model.ValidateStackName(c.name)
		if c.wantErr == "" {
			if err != nil {
				t.Errorf("%q: unexpected %v", c.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.wantErr) || model.KindOf(err) != model.KindInvalid {
			t.Errorf("%q: want invalid with %q, got %v", c.name, c.wantErr, err)
		}
		if e := model.AsError(err); e.Field != "name" {
			t.Errorf("%q: field = %q, want name", c.name, e.Field)
		}
	}
}

func TestValidateInstanceName_CombinedLimit(t *testing.T) {
	stack := strings.Repeat("s", 50)
	if err := model.ValidateInstanceName(stack, "abcd"); err != nil {
		t.Fatalf("54 characters together fit: %v", err)
	}
	err := model.ValidateInstanceName(stack, "abcde")
	if err == nil || !strings.Contains(err.Error(), "at most 54 characters together") {
		t.Fatalf("55 together must fail naming the limit: %v", err)
	}
}
