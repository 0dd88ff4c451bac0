package model

import "time"

// StackSummary is a stack as lists show it: its identity, revision and size.
type StackSummary struct {
	Name        string
	Description string
	Revision    int64
	Instances   int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Stack is a stack with its instances, as loaded for resolution and display.
type Stack struct {
	ID          int64
	Name        string
	Description string
	Revision    int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Instances   []Instance // sorted by name
	// Root is the project root the user chose (an absolute directory), or "" for the stack's
	// own folder under the data home.
	Root string
	// VolumePrefix names the stack's named volumes: VolumePrefix + "{instance}-{volume}".
	VolumePrefix string
	// Subnet is the stack network's subnet from DevArch's pool ("10.200.3.0/24"), unique
	// among stacks; "" for a stack made before subnets were assigned, until its next plan.
	Subnet string
	// Wires are the user's explicit wires, sorted by consumer then contract (automatic
	// wires are computed, never stored).
	Wires []Wire
}

// Wire is an explicit wire: the consumer's need for Contract is met by Provider, both
// instances of the same stack. There is at most one per consumer and contract.
type Wire struct {
	Consumer string
	Contract string
	Provider string
}
