// Command emptywails is the reference for the desktop benchmarks (bench/desktop_test.go): a
// Wails v2 window with the same size and webview options as DevArch's and a static page with
// one heading, nothing else. Built by the benchmark with DevArch's desktop tags.
package main

import (
	"embed"
	"io/fs"
	"os"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
)

//go:embed dist
var assets embed.FS

func main() {
	sub, _ := fs.Sub(assets, "dist")
	err := wails.Run(&options.App{
		Title:            "EmptyWails",
		Width:            1240,
		Height:           800,
		BackgroundColour: &options.RGBA{R: 248, G: 249, B: 251, A: 255},
		AssetServer:      &assetserver.Options{Assets: sub},
		Linux:            &linux.Options{ProgramName: "emptywails"},
	})
	if err != nil {
		os.Exit(1)
	}
}
