//go:build production

package main

import "embed"

// assets is the built frontend, embedded in production (desktop) builds.
//
//go:embed all:frontend/dist
var assets embed.FS
