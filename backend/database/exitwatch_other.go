//go:build unix && !linux

package database

import "context"

// watchExits cannot watch processes here (no pidfd): the keeper looks periodically.
func watchExits(ctx context.Context, pids []int) (<-chan struct{}, bool) { return nil, false }
