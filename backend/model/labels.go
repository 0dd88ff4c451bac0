package model

// Labels DevArch puts on every container and network it creates. The reverse-DNS prefix is
// DevArch's own (never com.docker.*), so other tools' labels cannot collide with them;
// compose's com.docker.compose.project label (devarch-{stack}) is left to compose.
const (
	LabelStack      = "dev.devarch.stack"
	LabelInstance   = "dev.devarch.instance"
	LabelTemplate   = "dev.devarch.template"
	LabelConfigHash = "dev.devarch.config-hash"
	// LabelVolumePrefix and LabelInstallation are on a stack's named volumes: the prefix that
	// names them (the stack's own, which a new stack reusing a deleted stack's name does not
	// share) and the installation (database) that made them.
	LabelVolumePrefix = "dev.devarch.volume-prefix"
	LabelInstallation = "dev.devarch.installation"
	// LabelSubnet is on a stack's network: the subnet DevArch gave it (its ipam config), so
	// the plan can tell a network made before the stack had that subnet (see plan.Compute).
	LabelSubnet = "dev.devarch.subnet"
	// LabelJob is "true" on the container of a one-shot instance: one another instance of
	// the stack waits for with condition service_completed_successfully (compose.Jobs). Its
	// container is meant to run, exit 0 and stay exited: apply counts that as done, the plan
	// leaves it be, and a stack's status does not count it as stopped or crashed.
	LabelJob = "dev.devarch.job"
)
