package engine

import (
	"fmt"
	"strconv"
	"time"

	"github.com/devarch/devarch/backend/model"
)

// LogOptions choose which log lines Logs streams.
type LogOptions struct {
	// Follow keeps streaming new lines until the context ends.
	Follow bool
	// Tail is how many of the last lines of each container to show (0 with Follow: only new
	// ones); nil shows all.
	Tail *int
	// Since shows only lines newer than this: a duration back from now ("10m", "1h30m") or
	// a point in time ("2026-11-02", "2026-11-02T15:04:05", RFC 3339 with a zone, or Unix
	// seconds). "" shows all. Validated by ParseLogSince before compose sees it.
	Since string
	// NoPrefix leaves out the container name compose puts before each line (a viewer of
	// one instance's logs knows whose they are).
	NoPrefix bool
}

// MaxLogTail bounds --tail: a bigger number is a typo, and compose would read that much.
const MaxLogTail = 1_000_000

// ParseLogTail reads --tail: a whole number of lines from 0 to MaxLogTail, or "all"
// (returned as nil, as is "").
func ParseLogTail(s string) (*int, error) {
	if s == "all" || s == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > MaxLogTail || !isDigits(s) {
		return nil, model.Invalid("tail", fmt.Sprintf("--tail %q is not a number of lines", s),
			fmt.Sprintf("Give a whole number from 0 to %d (e.g. --tail 100), or all.", MaxLogTail))
	}
	return &n, nil
}

// sinceLayouts are the points in time --since takes besides durations and Unix seconds
// (the forms docker accepts, without the ambiguous ones).
var sinceLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"}

// ParseLogSince checks --since and returns it in the form compose is given: a positive
// duration ("10m", "1h30m"), a date or time (sinceLayouts; without a zone it is local
// time, as docker reads it), or Unix seconds. Anything else is refused with the forms it
// takes, so compose never receives an argument it would read as a flag or misread.
func ParseLogSince(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	bad := model.Invalid("since", fmt.Sprintf("--since %q is neither a duration nor a point in time", s),
		"Give how far back to start, e.g. --since 10m or --since 1h30m, or when: --since 2026-11-02, --since 2026-11-02T15:04:05 or RFC 3339 (2026-11-02T15:04:05Z).")
	if len(s) > 64 {
		return "", bad
	}
	if d, err := time.ParseDuration(s); err == nil {
		if d <= 0 {
			return "", model.Invalid("since", fmt.Sprintf("--since %q is not a positive duration", s), "Give how far back to start, e.g. --since 10m.")
		}
		return s, nil
	}
	if isDigits(s) {
		if _, err := strconv.ParseInt(s, 10, 64); err == nil {
			return s, nil
		}
		return "", bad
	}
	for _, layout := range sinceLayouts {
		if _, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return s, nil
		}
	}
	return "", bad
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
