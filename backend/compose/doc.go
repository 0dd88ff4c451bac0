// Package compose turns a stack's effective configuration into the compose project DevArch
// applies: one docker-compose file per stack, built as typed Go structs (Project, Service,
// ...) and marshalled to YAML, never templated as text. It also holds the checks that belong
// to that translation: host port clashes between instances, and secret references.
//
// Invariants (DOMAIN.md, "Names" and "Compose generation"):
//   - Same input, same bytes: map keys are emitted in byte order, services by instance name,
//     fields in struct order; lists keep the order the user gave. Plans compare files and
//     WriteFile skips identical ones, so any nondeterminism would show up as spurious changes.
//   - Names come from package model: project devarch-{stack}, container devarch-{stack}-{instance},
//     network devarch-{stack}-net (created by compose, labelled with the stack), so stacks
//     never share containers, networks or volumes.
//   - User values are literal. Every `$` is escaped as `$$` so compose never interpolates the
//     user's text; the one exception is a secret reference ${secret:NAME}, rendered as
//     ${DEVARCH_SECRET_NAME} so the secret's value reaches compose from the process
//     environment at apply time and never lands in the file.
//   - Host ports are bound to 127.0.0.1 unless an entry names an address itself.
//   - Every service carries DevArch's labels (model.Label*), which users cannot set or override.
//
// Everything here is pure (no I/O, clock or randomness) except WriteFile, in write.go.
package compose
