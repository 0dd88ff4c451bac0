package database_test

import (
	"fmt"
	"strconv"

	"github.com/devarch/devarch/backend/database"
)

func itoa(n int) string { return strconv.Itoa(n) }

func padded(n int) string { return fmt.Sprintf("%04d", n) }

func migrationFile(m database.Migration) string { return padded(m.Version) + "_" + m.Name + ".sql" }
