package cli

import (
	"fmt"
	"math"
	"time"

	"github.com/spf13/cobra"

	"github.com/devarch/devarch/backend/database"
)

// dbStatusJSON is `db status --json`. Fields of a server that is not running (pid, port,
// clients' details, the keeper) are left out; clients is always there.
type dbStatusJSON struct {
	External      bool           `json:"external"`
	Running       bool           `json:"running"`
	PID           int            `json:"pid,omitempty"`
	Port          int            `json:"port,omitempty"`
	DataDir       string         `json:"dataDir,omitempty"`
	LingerSeconds float64        `json:"lingerSeconds"`
	Clients       []dbClientJSON `json:"clients"`
	Keeper        *dbKeeperJSON  `json:"keeper,omitempty"`
	StopsAt       *time.Time     `json:"stopsAt,omitempty"`
	SecondsLeft   *float64       `json:"secondsLeft,omitempty"`
}

type dbClientJSON struct {
	Application string    `json:"application"`
	Since       time.Time `json:"since"`
}

type dbKeeperJSON struct {
	PID           int     `json:"pid"`
	LingerSeconds float64 `json:"lingerSeconds"`
}

// dbStopJSON is `db stop --json`.
type dbStopJSON struct {
	Stopped bool `json:"stopped"` // false: it was not running
	PID     int  `json:"pid,omitempty"`
}

func (env *cmdEnv) dbStatusCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "status",
		Short: "Show whether the embedded database runs, who uses it and when it stops",
		Long: `Show the embedded PostgreSQL server: whether it runs (its pid, port and data directory), the
DevArch processes using it, and the linger: after the last DevArch process leaves, the server
keeps running for DEVARCH_DB_LINGER (default 10m; 0 stops it at once) so the next command
does not pay for its start. Never starts the server.`,
		Example: "  devarch db status\n  devarch db status --json",
		Args:    args(0, 0, "no arguments", nil),
	}
	asJSON := jsonFlag(c)
	return env.leaf(c, func(c *cobra.Command, _ []string) error {
		opts, err := env.databaseOptions()
		if err != nil {
			return err
		}
		st, err := database.Status(c.Context(), opts)
		if err != nil {
			return err
		}
		now := time.Now()
		if *asJSON {
			doc := dbStatusJSON{External: st.External, Running: st.Running, PID: st.PID, Port: st.Port, DataDir: st.DataDir,
				LingerSeconds: st.Linger.Seconds(), Clients: []dbClientJSON{}}
			for _, cl := range st.Clients {
				doc.Clients = append(doc.Clients, dbClientJSON{Application: cl.App, Since: cl.Since.UTC()})
			}
			if k := st.Keeper; k != nil {
				doc.Keeper = &dbKeeperJSON{PID: k.PID, LingerSeconds: k.Linger.Seconds()}
				if at := k.StopsAt(); !at.IsZero() && len(st.Clients) == 0 {
					at = at.UTC().Truncate(time.Millisecond)
					left := math.Round(max(0, at.Sub(now).Seconds())*10) / 10
					doc.StopsAt, doc.SecondsLeft = &at, &left
				}
			}
			return env.printJSON(doc)
		}
		if st.External {
			fmt.Fprintln(env.stdout, "external database (DEVARCH_DATABASE_URL): DevArch neither starts nor stops it")
			return nil
		}
		if !st.Running {
			fmt.Fprintln(env.stdout, "not running (the next command starts it)")
		} else {
			fmt.Fprintf(env.stdout, "running   pid %d, port %d\n", st.PID, st.Port)
		}
		fmt.Fprintf(env.stdout, "data      %s\n", st.DataDir)
		fmt.Fprintf(env.stdout, "linger    %s\n", lingerText(st.Linger))
		if !st.Running {
			return nil
		}
		if len(st.Clients) == 0 {
			fmt.Fprintln(env.stdout, "clients   none")
		}
		for i, cl := range st.Clients {
			label := "clients  "
			if i > 0 {
				label = "         "
			}
			fmt.Fprintf(env.stdout, "%s %s since %s\n", label, cl.App, cl.Since.Local().Format("2006-01-02 15:04:05"))
		}
		switch k := st.Keeper; {
		case k == nil && len(st.Clients) == 0:
			fmt.Fprintln(env.stdout, "stops     when the next DevArch process using it leaves (no linger keeper runs)")
		case k == nil:
			fmt.Fprintln(env.stdout, "stops     when the last DevArch process using it leaves, after the linger")
		case len(st.Clients) > 0 || k.StopsAt().IsZero():
			fmt.Fprintf(env.stdout, "stops     %s after the last DevArch process using it leaves (keeper pid %d)\n", lingerText(k.Linger), k.PID)
		default:
			left := max(0, k.StopsAt().Sub(now)).Round(time.Second)
			fmt.Fprintf(env.stdout, "stops     in %s unless a command uses it (keeper pid %d; devarch db stop stops it now)\n", left, k.PID)
		}
		return nil
	})
}

func lingerText(d time.Duration) string {
	if d == 0 {
		return "0 (stops when the last DevArch process leaves)"
	}
	return d.String()
}

func (env *cmdEnv) dbStopCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "stop",
		Short: "Stop the embedded database now (refused while a DevArch process uses it)",
		Long: `Stop the embedded PostgreSQL server now instead of at the end of its linger. Refused (exit
1, nothing stopped) while a DevArch process uses it (the desktop window, a running command):
the error names them. Waits until the server and its linger keeper have exited. Not running
is not an error.`,
		Example: "  devarch db stop\n  devarch db stop --json",
		Args:    args(0, 0, "no arguments", nil),
	}
	asJSON := jsonFlag(c)
	return env.leaf(c, func(c *cobra.Command, _ []string) error {
		opts, err := env.databaseOptions()
		if err != nil {
			return err
		}
		res, err := database.Stop(c.Context(), opts)
		if err != nil {
			return err
		}
		if *asJSON {
			return env.printJSON(dbStopJSON{Stopped: res.WasRunning, PID: res.PID})
		}
		if res.WasRunning {
			fmt.Fprintf(env.stderr, "stopped the database (pid %d)\n", res.PID)
		} else {
			fmt.Fprintln(env.stderr, "the database is not running")
		}
		return nil
	})
}
