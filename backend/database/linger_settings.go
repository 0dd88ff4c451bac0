package database

import (
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/devarch/devarch/backend/model"
)

// LingerEnv names the variable that sets the linger.
const LingerEnv = "DEVARCH_DB_LINGER"

// DefaultLinger is the linger when DEVARCH_DB_LINGER is unset.
const DefaultLinger = 10 * time.Minute

// KeeperArg is the hidden first argument that makes the DevArch binary (or a test binary
// whose TestMain calls KeeperEntry) run as the linger keeper.
const KeeperArg = "__devarch-db-keeper"

// keeperCapable is set by KeeperEntry: this program answers KeeperArg, so it can be
// re-executed as the keeper. A program that never called it (a test binary without the
// dispatch would run its tests instead) gets no linger: its server stops at once.
var keeperCapable atomic.Bool

// KeeperEntry must come first in main (and in TestMain of tests that linger): in a process
// started as the linger keeper it runs the keeper and exits; in any other it records that
// this program can be started as one, and returns.
func KeeperEntry() {
	if len(os.Args) > 1 && os.Args[1] == KeeperArg {
		os.Exit(KeeperMain(os.Args[2:]))
	}
	keeperCapable.Store(true)
}

const (
	keeperApp     = "devarch-linger"
	lingerChannel = "devarch_linger"
)

// ParseLinger reads a DEVARCH_DB_LINGER value: a Go duration ("30s", "10m", "1h30m") or a
// whole number of seconds ("600"). Empty means DefaultLinger; 0 means no linger. Negative
// values, numbers without a unit that are not whole ("1.5") and values beyond time.Duration
// are refused with an error naming the variable and an example.
func ParseLinger(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return DefaultLinger, nil
	}
	bad := func(why string) error {
		return model.Invalid(LingerEnv, fmt.Sprintf("%q is not a valid linger: %s", s, why),
			"Set DEVARCH_DB_LINGER to a duration such as 30s or 10m, a number of seconds such as 600, or 0 to stop the database when the last DevArch process exits.")
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n < 0 {
			return 0, bad("it is negative")
		}
		if n > math.MaxInt64/int64(time.Second) {
			return 0, bad("it is too long")
		}
		return time.Duration(n) * time.Second, nil
	} else if errors.Is(err, strconv.ErrRange) {
		return 0, bad("it is too long")
	}
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		return 0, bad("it is not a duration (a number with a unit: ms, s, m or h)")
	case d < 0:
		return 0, bad("it is negative")
	}
	return d, nil
}

// keeperExists is a SELECT expression: whether a keeper holds the keeper lock ($3 =
// keeperObject, $1 = lockClass).
const keeperExists = `EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'
	AND classid = $1::bigint::oid AND objid = $3::bigint::oid AND objsubid = 2 AND granted)`
