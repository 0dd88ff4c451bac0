package plan

import (
	"github.com/devarch/devarch/backend/compose"
	"github.com/devarch/devarch/backend/model"
)

// Observed is what exists: the stack's containers and networks as the engine lists them
// (by the model.LabelStack label, in one call), and what DevArch last applied per instance.
type Observed struct {
	// Containers are the engine's containers. Those labelled with another stack are ignored,
	// except that one holding a desired container's name is a plan error (container names
	// are engine-wide), so the engine may pass every DevArch container.
	Containers []model.Container
	Networks   []model.Network
	// Applied maps instance name to what DevArch last applied for it. An instance absent
	// here was never applied (or its record was dropped when it was removed).
	Applied map[string]Applied
	// ImageIDs maps an image reference to the id it points at now, for the references the
	// engine has; a container running another id for its instance's image was made from an
	// image since rebuilt (or pulled) under the same tag.
	ImageIDs map[string]string
	// OtherPorts are the host ports other stacks define, whether or not their containers
	// run: one also held by a running container (in Containers) is a plan error, one merely
	// defined a warning.
	OtherPorts []PortClaim
	// PortsInUse are the addresses among Desired.PortsToProbe that a listen attempt found
	// held by a process outside DevArch (EADDRINUSE): plan errors naming the address.
	PortsInUse []model.HostPort
	// Move is set when the stack's engine changed since it was placed: the plan then
	// removes what it left on the old engine first (see Compute).
	Move *Move
}

// Move is a stack whose engine changed since an apply placed it (model.Stack.PlacedOn):
// what of it exists on the engine it leaves. From and To name the engines for users
// ("default" or a docker context).
type Move struct {
	From, To string
	// Containers and Networks are the stack's on the old engine (the engine's listing,
	// filtered to the stack's label by the caller).
	Containers []model.Container
	Networks   []string
	// Unreachable says why the old engine could not be asked; its containers, if any, are
	// then left there and the plan warns.
	Unreachable string
}

// PortClaim is a host port another stack's instance publishes.
type PortClaim struct {
	Stack, Instance string
	Port            compose.Published
}

// Applied is what DevArch recorded for an instance after its last successful apply.
type Applied struct {
	ConfigHash string
	Spec       model.Spec // the effective configuration applied; nil when not recorded
	// DependsOn are the instances it waited for when applied (shown as a depends_on change).
	DependsOn []string
	// Running is whether DevArch left it running; a stopped container is then a stop
	// outside DevArch.
	Running        bool
	SecretVersions map[string]int
	// Failed says why the last apply of this configuration (ConfigHash) failed for this
	// instance, starting with one of the Failed* kinds ("crashed: exited with code 3");
	// empty when it succeeded. The next plan then finishes the job instead of calling the
	// result up to date.
	Failed string
}

// Kinds of failure an applied record names (the start of Applied.Failed).
const (
	// FailedCrashed: the container exited or restarted while DevArch waited for it.
	FailedCrashed = "crashed"
	// FailedUnhealthy: it ran but failed its healthcheck.
	FailedUnhealthy = "unhealthy"
	// FailedNotStarted: it was created but never started.
	FailedNotStarted = "not started"
	// FailedUnfinished: DevArch stopped waiting for it because another instance failed.
	FailedUnfinished = "not finished"
)

// runningStates are the engine states the plan leaves alone: restarting is a running
// container's crash loop (starting it again changes nothing), removing is transient.
var runningStates = map[string]bool{"running": true, "restarting": true, "removing": true}

// containerName is how a plan names an observed container: its name, else a short id.
func containerName(c model.Container) string {
	if c.Name != "" {
		return c.Name
	}
	if len(c.ID) > 12 {
		return c.ID[:12]
	}
	return c.ID
}

// stackOf is the stack label, the only thing that makes a container the plan's business.
func stackOf(c model.Container) string { return c.Labels[model.LabelStack] }
