// Package plan decides what DevArch must do to make a stack's containers match its
// definition, and says why: the Terraform-style plan shown before anything is applied.
//
// A Plan is printable data built by one pure function, Compute(Desired, Observed). Desired is
// the generated compose project seen per instance (DesiredFrom builds it from an effective
// stack); Observed is the stack's containers and network as the engine lists them, plus what
// DevArch last applied. Nothing here does I/O, reads the clock or draws random numbers: the
// same inputs give the same plan, the same String() and the same JSON, whatever the order of
// the input slices and maps.
//
// Invariants:
//   - Every Action carries a human cause ("new instance", "config changed", "stopped outside
//     DevArch", ...); a replace caused by a configuration change lists the changed fields,
//     old -> new, with every value that references a secret shown as "(sensitive)". A plan
//     holds secret references at most, never a secret's value, and renders not even those.
//   - Actions are ordered for execution: network create first, then creates, replaces and
//     starts in dependency order (depends_on first, ties by instance name), then removals,
//     then network removal. A dependency cycle is a plan error naming the cycle.
//   - A plan is stored (JSON) and applied later exactly as stored: it round-trips through
//     JSON with an identical String(), and Targets() turns it into the executor's commands
//     without the executor deciding anything.
//   - Problems are Diagnostics (severity, summary, detail, subject instance and field). A
//     plan with an Error diagnostic cannot be applied; it still lists what it would do.
//     Warnings never block.
package plan
