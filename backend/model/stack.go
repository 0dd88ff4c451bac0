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
