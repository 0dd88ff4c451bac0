# DevArch build and test entry points. `make run` and `make test` work on a fresh
# Debian 12 / Ubuntu machine: they install what is missing first.
SHELL := /bin/bash
GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/devarch/devarch/backend/version.Version=$(VERSION)
DESKTOP_TAGS := desktop,production,webkit2_41
WAILS := $(GO) tool -modfile=tools/go.mod wails

.PHONY: help deps engine frontend build cli run test test-go test-extpg test-race test-fuzz test-frontend test-e2e test-wails-build fuzz bench bindings wails-build package test-package test-cross clean

help:
	@echo "make run    install what is missing, build, and open DevArch"
	@echo "make test   install what is missing and run every test (Go, frontend, browser end-to-end)"
	@echo "make build  build build/bin/devarch (the command line) and build/bin/devarch-desktop (the window, the tray)"
	@echo "make cli    build the command line alone into build/bin/devarch (no webkit needed)"
	@echo "make fuzz   run every fuzz target for a minute (FUZZTIME=5m make fuzz for longer)"
	@echo "make bench  run the benchmarks (figures go to docs/benchmarks.md by hand)"
	@echo "make bindings  regenerate frontend/wailsjs from the Go bindings"

deps:
	scripts/install-deps.sh

engine:
	scripts/start-docker.sh

frontend/node_modules: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	@touch frontend/node_modules

frontend: frontend/node_modules
	cd frontend && npm run build

# Two binaries from one tree: `devarch` is the command-line build (no GTK/WebKit to load, so
# a command starts in ~12 ms instead of ~70), and hands the window and the tray to
# `devarch-desktop` next to it (or in ../lib/devarch: the package layout, docs/packaging.md).
build: frontend cli
	$(GO) build -tags $(DESKTOP_TAGS) -ldflags "-w -s $(LDFLAGS)" -o build/bin/devarch-desktop .

cli:
	$(GO) build -ldflags "-w -s $(LDFLAGS)" -o build/bin/devarch .

run: deps engine build
	./build/bin/devarch

test: deps engine frontend
	$(MAKE) test-go test-extpg test-race test-fuzz test-frontend test-e2e test-wails-build test-package test-cross

# Every Go package of ours: `./...` would also take Go files third-party npm packages ship
# under frontend/node_modules.
GO_PKGS = $$($(GO) list ./... | grep -v /node_modules/)
test-go:
	$(GO) test $(GO_PKGS) -count=1 -timeout 40m

# The CLI suite again with its store on a separate PostgreSQL the harness starts and stops
# (a team's or CI runner's shared store, DEVARCH_DATABASE_URL; docs/database.md).
test-extpg:
	DEVARCH_TEST_EXTERNAL_PG=1 $(GO) test ./tests/cli -count=1 -timeout 30m

# The packages with goroutines, under the race detector.
RACE_PKGS := ./backend/engine/... ./backend/runtime/... ./backend/bindings/... ./backend/database/... ./backend/store/...
test-race:
	$(GO) test -race $(RACE_PKGS) -count=1 -timeout 20m

# Every fuzz target for a few seconds (the seed corpora run in test-go already).
test-fuzz:
	FUZZTIME=10s scripts/fuzz.sh

fuzz:
	FUZZTIME=$${FUZZTIME:-1m} scripts/fuzz.sh

test-frontend: frontend/node_modules
	cd frontend && npm run lint && npm test

test-e2e:
	E2E_SKIP_BUILD=1 tests/e2e/run.sh

# Proves the Wails CLI build path (tools module) still works: builds and runs the binary.
test-wails-build: frontend
	$(WAILS) build -s -tags webkit2_41 -o devarch-wails
	./build/bin/devarch-wails version

# The Debian package (build/package/devarch_*.deb): scripts/package.sh, nfpm from tools/go.mod.
package: build
	scripts/package.sh

# Installs the package, validates its desktop entry, launches it the way a launcher does and
# removes it again (root: it installs a system package).
test-package: package
	scripts/test-package.sh

# The CLI still builds for Windows and macOS (desktop and tray code sit behind build tags).
# The Windows desktop build, with `devarch tray` (fyne.io/systray is pure Go there), builds
# without cgo too, so it is checked here; the macOS desktop build needs cgo (Cocoa) and a Mac.
test-cross:
	GOOS=windows GOARCH=amd64 $(GO) build -o /dev/null .
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 $(GO) build -tags desktop -o /dev/null .
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 $(GO) vet -tags desktop . ./backend/cli/... ./backend/tray/... ./backend/trayproc/...
	GOOS=darwin GOARCH=arm64 $(GO) build -o /dev/null .
	GOOS=windows GOARCH=amd64 $(GO) vet ./...
	GOOS=darwin GOARCH=arm64 $(GO) vet ./...

# The quick benchmarks 10 times each, 3 rounds; the whole-program ones (100 CLI runs, 500
# stacks, desktop idle) once: each already repeats inside and takes minutes.
bench:
	$(GO) test ./bench -run '^$$' -bench 'Start|Generate|Plan|Apply|Template|Wiring' -benchtime 10x -count 3
	$(GO) test ./bench -run '^$$' -bench 'Linger|Scale|Desktop' -benchtime 1x -count 1 -timeout 60m

# Regenerate frontend/wailsjs from the Go bindings (Wails CLI from the tools module).
bindings:
	$(WAILS) generate module -tags webkit2_41

wails-build:
	$(WAILS) build -tags webkit2_41 -ldflags "$(LDFLAGS)"

clean:
	rm -rf build/bin build/e2e build/test-output frontend/dist
