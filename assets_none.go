//go:build !production

package main

import "embed"

// assets is empty outside production builds: a dev build serves frontend/dist from disk
// (-assetdir), and a plain build is command-line only.
var assets embed.FS
