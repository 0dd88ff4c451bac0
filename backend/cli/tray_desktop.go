//go:build desktop

package cli

import (
	"context"
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
		quitApp, err := trayproc.Run(ctx, trayproc.Options{
			Attached: opts.attached,
			Stdin:    os.Stdin,
			Log:      log,
			Progress: prefixWriter{w: stderr},
		})
		if quitApp {
			return trayproc.ExitQuitApp, err
		}
		return ExitOK, err
	}
}
