package model

import (
	"reflect"
	"testing"
)

// Fields lists fields sorted by path, a keyed map followed by its keys, with their origins.
func TestEffectiveService_Fields(t *testing.T) {
	e := EffectiveService{
		Spec: Spec{"image": "nginx:1", "environment": map[string]any{"B": "2", "A": "1"}, "ports": []any{"8080:80"}},
		Origins: map[string]Origin{"image": OriginTemplate, "environment": OriginOverride,
			"environment.A": OriginTemplate, "environment.B": OriginOverride, "ports": OriginOverride},
	}
	var got []string
	for _, f := range e.Fields() {
		got = append(got, f.Path+"="+string(f.Origin)+map[bool]string{true: " key", false: ""}[f.MapKey])
	}
	want := []string{"environment=override", "environment.A=template key", "environment.B=override key", "image=template", "ports=override"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Fields = %q, want %q", got, want)
	}
}
