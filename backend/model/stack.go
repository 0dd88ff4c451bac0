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
	// Context is the docker context the stack runs on ("" the default engine).
	Context string
	// RunsOn is the engine its containers are on: where the last apply placed them, else
	// Context.
	RunsOn string
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
	// Context is the docker context the stack runs on, "" for the engine the docker CLI
	// uses by default. Part of the definition: changing it bumps the revision, and the next
	// plan moves the stack (removes it from the engine it was placed on, creates it here).
	Context string
	// PlacedOn is the engine its containers were last put on by an apply ("" the default
	// engine, else a context name), meaningful only when Placed; Placed is false when no
	// apply put it anywhere since its creation or its last down.
	PlacedOn string
	Placed   bool
	// PublishAddress is where the stack's engine publishes host ports (the engines table),
	// "" for the default (127.0.0.1).
	PublishAddress string
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
