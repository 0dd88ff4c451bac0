// Package runtime is DevArch's only door to the container engine: it finds the docker or
// podman command line and its compose flavour (Detect, Probe), runs engine commands as argv
// lists with cancellation (Engine.Run, Engine.RunCompose), observes containers and networks by
// label (Engine.ListContainers, Engine.ListNetworks) and streams engine events (Engine.Events).
//
// It drives the CLIs rather than the engine APIs on purpose: the user's own `docker` and
// `docker compose` decide contexts, DOCKER_HOST, credentials and compose semantics, so what
// DevArch does is exactly what the user would get by typing the same command. The one
// exception is reading from a Docker daemon on a local unix socket (listing, events,
// /version), which goes to its Engine API when the CLI would use that very socket (see
// apiSocket); DEVARCH_DOCKER_API=off (APIEnv) turns that off and sends everything through the
// CLI.
//
// Options.Context makes an Engine drive a docker context (ssh://, tcp:// with TLS, another
// socket) instead of the CLI's default: every command gets DOCKER_CONTEXT and an empty
// DOCKER_HOST, so the CLI and compose resolve it themselves (contexts.go). LookupContext reads
// the CLI's context store without running it; Engine.Endpoint names where an Engine goes.
//
// Detection has two entry points. Detect returns an *Engine only when both the engine (binary
// on PATH, daemon answering) and compose are usable, else the first problem. Probe checks the
// two parts independently and returns a Report with one Part per check, each with its own
// error, for `devarch doctor`; its Engine is non-nil whenever the engine part works, so
// observing containers still works on a machine whose compose is missing.
//
// Invariants kept by everything here:
//   - Commands are argv slices handed to exec, never shell strings, so no value is ever
//     re-parsed by a shell. Secret values travel only in RunOptions.Env, which this package
//     never logs nor copies into errors; argv, which does appear in error summaries, must
//     therefore never hold a secret. What a command itself prints reaches the error detail
//     and progress only after RunOptions.Redact has replaced every secret value in it
//     (redact.go: whole values, their escaped forms and the lines of multi-line ones).
//   - Every command runs in its own process group; cancelling its context kills the group, so
//     a canceled operation leaves no CLI process behind. On Linux every command also gets a
//     parent-death signal (SIGKILL), so it ends with DevArch even on kill -9 or a crash.
//   - Reads that the local Docker Engine API answers directly (container listing, the event
//     stream) go over its unix socket when the CLI would use that socket too (also through a
//     context whose endpoint is a unix socket); no child process is involved then. tcp:// and
//     ssh:// endpoints, and every change, go through the CLI.
//   - An Engine with a Context never talks to another engine: its context env is applied after
//     every other layer (Options.Env, RunOptions.Env), and Detect refuses a missing context
//     before running anything.
//   - Failures are *model.Error values: the engine-unavailable cases carry a specific summary
//     and the fix, and a failed command's detail is the tail of its stderr (what the user would
//     have seen), not "exit status 1".
//
// This is the only package that imports os/exec to drive a container engine.
package runtime
