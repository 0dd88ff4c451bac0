package plan_test

import (
	"reflect"
	"testing"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/plan"
)

// A create carries what it makes (image, ports, command), so the window can show more than
// a name; a command that references a secret shows only that it is sensitive. The text
// rendering is unchanged (the goldens hold it).
func TestCompute_CreateShowsItsConfig(t *testing.T) {
	d := desired(t, 1,
		svc("web", model.Spec{"image": "nginx:1.27", "ports": []any{"127.0.0.1:8080:80"}, "command": []any{"nginx", "-g", "daemon off;"},
			"environment": map[string]any{"APP_ENV": "dev"}}),
		svc("api", model.Spec{"image": "api:1", "command": []any{"serve", "--token=${secret:api_key}"}}),
	)
	p := plan.Compute(d, plan.Observed{})
	got := map[string][]plan.Field{}
	for _, a := range p.Actions {
		if a.Kind == plan.Create {
			got[a.Instance] = a.Config
		}
	}
	want := map[string][]plan.Field{
		"web": {{Path: "image", Value: `"nginx:1.27"`}, {Path: "ports", Value: `["127.0.0.1:8080:80"]`}, {Path: "command", Value: `["nginx","-g","daemon off;"]`}},
		"api": {{Path: "image", Value: `"api:1"`}, {Path: "command", Value: plan.Sensitive}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("create config:\n got %#v\nwant %#v", got, want)
	}
}
