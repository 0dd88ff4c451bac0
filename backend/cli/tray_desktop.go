//go:build desktop

package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/devarch/devarch/backend/trayproc"
)

func init() {
	if !trayproc.Available {
		return
	}
	runTray = func(ctx context.Context, opts trayOptions, stderr io.Writer) (int, error) {
		log := slog.New(slog.NewTextHandler(stderr, nil)).With("app", "devarch-tray")
		outcome, err := trayproc.Run(ctx, trayproc.Options{
			Attached: opts.attached,
			Stdin:    os.Stdin,
			Log:      log,
			Progress: prefixWriter{w: stderr},
		})
		switch outcome {
		case trayproc.QuitApp:
			return trayproc.ExitQuitApp, err
		case trayproc.Elsewhere:
			// Not a failure: the data home has its tray (like a second window launch).
			fmt.Fprintf(stderr, "devarch: %v\n", err)
			if opts.attached {
				return trayproc.ExitTrayElsewhere, nil
			}
			return ExitOK, nil
		}
		return ExitOK, err
	}
}
