package model

// Labels DevArch puts on every container and network it creates. The reverse-DNS prefix is
// DevArch's own (never com.docker.*), so other tools' labels cannot collide with them;
// compose's com.docker.compose.project label (devarch-{stack}) is left to compose.
const (
	LabelStack      = "dev.devarch.stack"
	LabelInstance   = "dev.devarch.instance"
	LabelTemplate   = "dev.devarch.template"
	LabelConfigHash = "dev.devarch.config-hash"
	// LabelStackID is on a stack's named volumes: its database id, which a new stack that
	// reuses a deleted stack's name does not share.
	LabelStackID = "dev.devarch.stack-id"
)
