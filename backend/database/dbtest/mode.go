package dbtest

import "os"

// ExternalEnv turns on external mode: DEVARCH_TEST_EXTERNAL_PG=1 makes Main start one
// separate PostgreSQL server (not DevArch's embedded one: its own initdb'd cluster, its own
// superuser, started and stopped by the harness), and EmptyDatabase hand out databases on it
// owned by an ordinary role, the way a team or a CI runner shares a store through
// DEVARCH_DATABASE_URL. Tests about the embedded server itself do not use EmptyDatabase and
// keep the embedded server in either mode.
const ExternalEnv = "DEVARCH_TEST_EXTERNAL_PG"

// ExternalMode reports whether the test process runs in external mode.
func ExternalMode() bool { return os.Getenv(ExternalEnv) == "1" }
