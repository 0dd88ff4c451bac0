package engine

import (
	"context"
	"strings"
	"testing"

	"github.com/devarch/devarch/backend/model"
	"github.com/devarch/devarch/backend/runtime"
	"github.com/devarch/devarch/backend/runtime/runtimetest"
)

// When another network takes the stack's subnet after the apply's own check (the last
// moment before compose creates the network), the engine's real refusal becomes a
// conflict on the stack's network that says to plan again, not compose's raw line.
func TestComposeFailure_SubnetTaken(t *testing.T) {
	eng := runtimetest.RequireCompose(t)
	img := runtimetest.BusyboxImage(t)
	ctx := t.Context()
	const project, other, subnet = "devarch-trsub", "trsub-other", "10.218.7.0/24"
	runtimetest.FreshProject(t, eng, project)
	_, _ = eng.Run(ctx, []string{"network", "rm", other}, runtime.RunOptions{})
	if _, err := eng.Run(ctx, []string{"network", "create", "--subnet", subnet, other}, runtime.RunOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = eng.Run(context.Background(), []string{"network", "rm", other}, runtime.RunOptions{}) })
	doc := "services:\n  web:\n    image: " + img + "\n    command: [sleep, \"60\"]\n    networks: [net]\n" +
		"networks:\n  net:\n    ipam:\n      config:\n        - subnet: " + subnet + "\n"
	_, runErr := eng.RunCompose(ctx, []string{"-p", project, "-f", "-", "up", "-d"}, runtime.RunOptions{Stdin: strings.NewReader(doc)})
	if runErr == nil {
		t.Fatal("compose created a network on a taken subnet")
	}
	got := model.AsError(composeFailure("trsub", runErr))
	if got.Kind != model.KindConflict || got.Field != "network" ||
		got.Summary != "the subnet of stack trsub's network was taken by another network since the plan" ||
		!strings.Contains(got.Detail, "devarch plan trsub") {
		t.Fatalf("got %+v", got)
	}
}
