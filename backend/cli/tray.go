package cli

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/devarch/devarch/backend/model"
)

// trayOptions is what `devarch tray` was asked for.
type trayOptions struct {
	// attached: started by the window, ends with it (its stdin is a pipe from the window).
	attached bool
}

// runTray runs the tray process and returns its exit code; nil in builds without the
// desktop tag (the tray is desktop code: fyne.io/systray and, on macOS, Cocoa). Set by
// tray_desktop.go.
var runTray func(ctx context.Context, opts trayOptions, stderr io.Writer) (int, error)

// trayCommand is `devarch tray`: the tray item as its own process, another client of the
// data home's store (backend/trayproc holds the use case; this only parses).
func (env *cmdEnv) trayCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "tray",
		Short: "Run the system tray item on its own (the window starts it where the tray needs its own process)",
		Long: "Run DevArch's tray item as its own process: each stack with its live state, Start and Stop,\n" +
			"Stop all stacks, Open DevArch (raises the window, or launches it) and Quit DevArch (quits the\n" +
			"window too). It runs until Quit, Ctrl+C or SIGTERM.",
		Example: "  devarch tray &",
		Args:    args(0, 0, "no arguments", nil),
	}
	attached := c.Flags().Bool("attached", false, "started by the window: end when standard input closes (the window ended)")
	return env.leaf(c, func(c *cobra.Command, _ []string) error {
		if runTray == nil {
			return model.Wrap(model.KindUnavailable, nil, "this build of DevArch has no tray",
				"The tray is part of the desktop build (make build); this binary was built without the desktop tag.")
		}
		code, err := runTray(c.Context(), trayOptions{attached: *attached}, env.stderr)
		if err != nil {
			return model.Wrap(model.KindUnavailable, err, "the tray cannot run", err.Error())
		}
		if code != ExitOK {
			return exitCode(code)
		}
		return nil
	})
}
