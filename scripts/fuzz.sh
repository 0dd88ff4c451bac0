#!/usr/bin/env bash
# Runs every Go fuzz target of the module (found with `go test -list`), one at a time, for
# FUZZTIME each (default 1m; CI uses 10s). A crash fails the run; the crashing input is
# left under the package's testdata/fuzz/ by Go, to be fixed and kept in the corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZTIME="${FUZZTIME:-1m}"
GO="${GO:-go}"
targets=0
failed=()
for pkg in $($GO list ./...); do
  for fn in $($GO test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true); do
    targets=$((targets + 1))
    echo "::: fuzz $pkg $fn ($FUZZTIME)" >&2
    out="$(mktemp)"
    if ! $GO test "$pkg" -run '^$' -fuzz "^${fn}\$" -fuzztime "$FUZZTIME" 2>&1 | tee "$out" >&2; then
      # Go's fuzz coordinator sometimes gives up on a slow worker on a busy machine ("context
      # deadline exceeded", no input written): that is the engine's hiccup, not a finding, so
      # the target runs once more. A real crash writes its input and is never retried.
      if grep -q 'context deadline exceeded' "$out" && ! grep -q 'Failing input written' "$out"; then
        echo "::: fuzz $pkg $fn: the fuzz engine timed out a worker without a failing input; running it again" >&2
        $GO test "$pkg" -run '^$' -fuzz "^${fn}\$" -fuzztime "$FUZZTIME" >&2 || failed+=("$pkg.$fn")
      else
        failed+=("$pkg.$fn")
      fi
    fi
    rm -f "$out"
  done
done
if [ "$targets" -eq 0 ]; then
  echo "fuzz: no fuzz targets found" >&2
  exit 1
fi
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: $targets targets passed ($FUZZTIME each)" >&2
