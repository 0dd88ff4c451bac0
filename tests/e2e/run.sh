#!/usr/bin/env bash
# End-to-end tests: Debian's Chromium (driven by playwright-core) against the real DevArch
# backend — a dev-tagged binary serving the built frontend and the Go bindings over HTTP,
# with its own embedded PostgreSQL in a temporary DEVARCH_HOME and the machine's Docker.
# The dev server answers only requests that carry a per-run token (DEVARCH_DEV_TOKEN, made
# here, passed to the specs as DEVARCH_E2E_TOKEN; never on a command line).
#
#   bash tests/e2e/run.sh                 # build frontend + binary, run every spec
#   E2E_SKIP_BUILD=1 bash tests/e2e/run.sh   # reuse frontend/dist as it is
#   bash tests/e2e/run.sh specs/health.spec.mjs   # only these specs (paths relative to tests/e2e)
#
# Environment:
#   OUT            output directory (default <repo>/build/e2e): binary, app.log, screenshots/
#   E2E_SKIP_BUILD 1 = do not rebuild the frontend (frontend/dist must exist)
#   E2E_CHROMIUM   browser executable (default /usr/bin/chromium)
#   E2E_START_TIMEOUT  seconds to wait for the app to answer (default 60)
#   E2E_KEEP       1 = keep the temporary HOME/DEVARCH_HOME for inspection
#
# Exits non-zero when anything is missing, a spec fails, or the app leaves processes behind.
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$E2E_DIR/../.." && pwd)"
OUT="${OUT:-$ROOT/build/e2e}"
CHROMIUM="${E2E_CHROMIUM:-/usr/bin/chromium}"
APP_NAME="devarch-dev"
START_TIMEOUT="${E2E_START_TIMEOUT:-60}"
STOP_TIMEOUT="${E2E_STOP_TIMEOUT:-30}"

log() { printf 'e2e: %s\n' "$*" >&2; }
die() { printf 'e2e: FAIL: %s\n' "$*" >&2; exit 1; }

# ---- preflight: every missing part is a failure, in CI and out of it ----
missing=()
command -v node >/dev/null || missing+=("node (Node.js 20+)")
command -v npm >/dev/null || missing+=("npm")
command -v go >/dev/null || missing+=("go")
[ -x "$CHROMIUM" ] || missing+=("chromium at $CHROMIUM (apt-get install chromium)")
command -v xvfb-run >/dev/null || missing+=("xvfb-run (apt-get install xvfb xauth)")
command -v xauth >/dev/null || missing+=("xauth (apt-get install xauth)")
command -v dbus-run-session >/dev/null || missing+=("dbus-run-session (apt-get install dbus-bin dbus-daemon)")
command -v setsid >/dev/null || missing+=("setsid (apt-get install util-linux)")
command -v pgrep >/dev/null || missing+=("pgrep (apt-get install procps)")
if [ ${#missing[@]} -gt 0 ]; then
  for m in "${missing[@]}"; do log "missing: $m"; done
  die "prerequisites missing; scripts/install-deps.sh installs them"
fi
if ! docker info >/dev/null 2>&1; then
  log "warning: 'docker info' does not answer; the container-engine check will not be ok"
fi

mkdir -p "$OUT/screenshots"
rm -f "$OUT"/screenshots/*.png

# ---- build ----
if [ ! -d "$E2E_DIR/node_modules/playwright-core" ] || [ ! -d "$E2E_DIR/node_modules/axe-core" ]; then
  log "installing e2e dependencies (npm ci)"
  (cd "$E2E_DIR" && npm ci --no-audit --no-fund)
fi
if [ "${E2E_SKIP_BUILD:-}" != "1" ]; then
  if [ ! -d "$ROOT/frontend/node_modules" ]; then
    log "installing frontend dependencies (npm ci)"
    (cd "$ROOT/frontend" && npm ci --no-audit --no-fund)
  fi
  log "building frontend"
  (cd "$ROOT/frontend" && npm run build --silent)
fi
[ -f "$ROOT/frontend/dist/index.html" ] || die "frontend/dist/index.html is missing (build the frontend)"

log "building dev binary"
(cd "$ROOT" && go build -tags dev,webkit2_41 -o "$OUT/$APP_NAME" .)

# ---- private environment ----
WORK="$(mktemp -d /tmp/devarch-e2e.XXXXXX)"
# The embedded PostgreSQL runs under an unprivileged account: it must be able to reach
# DEVARCH_HOME through this directory.
chmod 0755 "$WORK"
mkdir -p "$WORK/home" "$WORK/config" "$WORK/cache" "$WORK/data" "$WORK/state" "$WORK/devarch"
mkdir -m 0700 "$WORK/runtime" "$WORK/keys"
chmod 0755 "$WORK/devarch"
APP_LOG="$OUT/app.log"
: >"$APP_LOG"

PORT="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
BASE_URL="http://127.0.0.1:$PORT/"
TOKEN="$(node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))")"
export DEVARCH_E2E_TOKEN="$TOKEN"
# check_leftovers wants nothing left of the app: its database must not linger after it.
export DEVARCH_DB_LINGER=0

APP_PID=""
PGID=""
RC=0

group_alive() { [ -n "$PGID" ] && pgrep -g "$PGID" >/dev/null 2>&1; }
app_pids() { [ -n "$PGID" ] && pgrep -g "$PGID" -x "$APP_NAME" 2>/dev/null; }

# wait_until_gone TEST SECONDS: polls TEST (a function name) until it fails or time is up.
wait_until_gone() {
  local ticks=$(($2 * 10))
  while "$1" >/dev/null && [ "$ticks" -gt 0 ]; do
    sleep 0.1
    ticks=$((ticks - 1))
  done
  ! "$1" >/dev/null
}

stop_app() {
  [ -n "$PGID" ] || return 0
  # First the app alone, while its X server and session bus are still there: SIGTERM is a
  # normal quit for DevArch (it stops its embedded PostgreSQL). Killing the whole group at
  # once would take the display away and GTK would die before shutting down.
  local pids
  pids="$(app_pids || true)"
  if [ -n "$pids" ]; then
    log "stopping app (pid $(echo $pids))"
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null || true
    if ! wait_until_gone app_pids "$STOP_TIMEOUT"; then
      log "FAIL: the app did not quit within ${STOP_TIMEOUT}s of SIGTERM"
      RC=1
    fi
  fi
  # Then what is left of its session: xvfb-run, Xvfb, dbus-daemon, at-spi helpers.
  if group_alive; then
    kill -TERM -- "-$PGID" 2>/dev/null || true
    if ! wait_until_gone group_alive 10; then
      log "process group $PGID still running after SIGTERM; killing:"
      pgrep -a -g "$PGID" >&2 || true
      kill -KILL -- "-$PGID" 2>/dev/null || true
      RC=1
    fi
  fi
  if [ -n "$APP_PID" ]; then wait "$APP_PID" 2>/dev/null || true; fi
  PGID=""
}

check_leftovers() {
  # pg_ctl detaches the postmaster into its own session, so the group kill does not reach
  # it: the app must stop its server itself. Anything still running with our DEVARCH_HOME
  # in its command line is a leak.
  local left
  left="$(pgrep -a -f -- "$WORK/devarch" || true)"
  if [ -n "$left" ]; then
    log "FAIL: processes left behind with DEVARCH_HOME=$WORK/devarch:"
    printf '%s\n' "$left" >&2
    RC=1
    # Clean up, by pid, so the machine does not collect servers: politely, then not.
    local pids
    pids="$(pgrep -f -- "$WORK/devarch" || true)"
    # shellcheck disable=SC2086
    [ -n "$pids" ] && kill -TERM $pids 2>/dev/null || true
    sleep 2
    pids="$(pgrep -f -- "$WORK/devarch" || true)"
    # shellcheck disable=SC2086
    [ -n "$pids" ] && kill -KILL $pids 2>/dev/null || true
  fi
}

print_log() {
  log "---- app log ($APP_LOG, last 200 lines) ----"
  tail -n 200 "$APP_LOG" >&2 || true
  log "---- end of app log ----"
}

cleanup() {
  local status=$?
  if [ "$status" -ne 0 ] && [ "$RC" -eq 0 ]; then RC=$status; fi
  trap - EXIT INT TERM
  stop_app
  check_leftovers
  if [ "$RC" -ne 0 ]; then print_log; fi
  if [ "${E2E_KEEP:-}" = "1" ]; then
    log "kept $WORK"
  else
    rm -rf "$WORK"
  fi
  if [ "$RC" -eq 0 ]; then log "PASS (screenshots in $OUT/screenshots)"; else log "FAIL (exit $RC)"; fi
  exit "$RC"
}
trap cleanup EXIT
trap 'RC=130; exit 130' INT TERM

# ---- a dev build refuses the user's own data home ----
# Here "the user's own" is the platform default under the private XDG_DATA_HOME. The binary
# must exit with the fix named before it opens a window, listens or creates anything.
refuses_home() {
  local what="$1" out rc
  shift
  set +e
  out="$(timeout 20 env -u DEVARCH_HOME HOME="$WORK/home" XDG_DATA_HOME="$WORK/data" XDG_RUNTIME_DIR="$WORK/runtime" DISPLAY= "$@" 2>&1)"
  rc=$?
  set -e
  if [ "$rc" -eq 0 ] || [ "$rc" -eq 124 ] || ! grep -q 'set DEVARCH_HOME to a scratch directory' <<<"$out"; then
    printf '%s\n' "$out" >&2
    die "the dev binary did not refuse $what (exit $rc)"
  fi
  if [ -e "$WORK/data/devarch" ]; then
    die "the dev binary refused $what but created $WORK/data/devarch"
  fi
  log "ok: the dev binary refuses $what"
}
refuses_home "an unset DEVARCH_HOME (window)" "$OUT/$APP_NAME" -assetdir "$ROOT/frontend/dist" -devserver "127.0.0.1:$PORT"
refuses_home "an unset DEVARCH_HOME (command line)" "$OUT/$APP_NAME" stack list
refuses_home "DEVARCH_HOME = the default data home" DEVARCH_HOME="$WORK/data/devarch" "$OUT/$APP_NAME" -assetdir "$ROOT/frontend/dist" -devserver "127.0.0.1:$PORT"
refuses_home "DEVARCH_HOME inside the default data home" DEVARCH_HOME="$WORK/data/devarch/scratch" "$OUT/$APP_NAME" stack list

# ---- start the app in its own session / process group ----
log "starting app on $BASE_URL (DEVARCH_HOME=$WORK/devarch)"
# The app and the specs share one private environment, so a spec that runs the binary's CLI
# (DEVARCH_E2E_BIN) sees the same data home as the window.
# The private session bus has no Secret Service (no keychain): secrets use the documented
# opt-in master-key file instead (docs/secrets.md).
APP_ENV=(HOME="$WORK/home"
  XDG_CONFIG_HOME="$WORK/config" XDG_CACHE_HOME="$WORK/cache" XDG_DATA_HOME="$WORK/data"
  XDG_STATE_HOME="$WORK/state" XDG_RUNTIME_DIR="$WORK/runtime"
  DEVARCH_HOME="$WORK/devarch" DEVARCH_MASTER_KEY_FILE="$WORK/keys/master.key")
env "${APP_ENV[@]}" NO_AT_BRIDGE=1 DEVARCH_DEV_TOKEN="$TOKEN" \
  setsid -w bash -c 'echo $$ >"$0"; exec "$@"' "$WORK/pgid" \
  xvfb-run -a -s '-screen 0 1280x900x24' \
  dbus-run-session -- "$OUT/$APP_NAME" \
  -assetdir "$ROOT/frontend/dist" -devserver "127.0.0.1:$PORT" -loglevel Warning \
  >"$APP_LOG" 2>&1 &
APP_PID=$!

for _ in $(seq 1 50); do
  [ -s "$WORK/pgid" ] && break
  sleep 0.1
done
PGID="$(cat "$WORK/pgid" 2>/dev/null || true)"
[ -n "$PGID" ] || die "could not learn the app's process group"

# ---- wait until it answers ----
# With the token's cookie: the gate answers at once, Wails' dev server behind it once the
# window has started (until then the gate holds the request or answers 503).
deadline=$((SECONDS + START_TIMEOUT))
until node -e "fetch(process.argv[1],{headers:{cookie:'devarch_dev_token='+process.env.DEVARCH_E2E_TOKEN}}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" "$BASE_URL" 2>/dev/null; do
  if ! kill -0 "$APP_PID" 2>/dev/null; then
    die "the app exited before answering on $BASE_URL"
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    die "the app did not answer on $BASE_URL within ${START_TIMEOUT}s"
  fi
  sleep 0.5
done
log "app answers on $BASE_URL"

# ---- run the specs ----
cd "$E2E_DIR"
# health.spec.mjs expects a fresh install, so it runs first, then the others in name order.
# node --test sorts the files it is given, so each spec gets its own run, in this order.
if [ $# -gt 0 ]; then
  specs=("$@")
else
  specs=()
  [ -f specs/health.spec.mjs ] && specs+=(specs/health.spec.mjs)
  for spec in specs/*.spec.mjs; do
    [ "$spec" = specs/health.spec.mjs ] || specs+=("$spec")
  done
fi
set +e
failed=()
for spec in "${specs[@]}"; do
  env "${APP_ENV[@]}" \
    DEVARCH_E2E_URL="$BASE_URL" \
    DEVARCH_E2E_OUT="$OUT" \
    DEVARCH_E2E_SCREENSHOTS="$OUT/screenshots" \
    DEVARCH_E2E_CHROMIUM="$CHROMIUM" \
    DEVARCH_E2E_BIN="$OUT/$APP_NAME" \
    node --test --test-concurrency=1 --test-reporter=spec "$spec"
  rc=$?
  [ "$rc" -eq 0 ] || failed+=("$spec")
done
set -e
if [ ${#failed[@]} -gt 0 ]; then
  log "failed specs: ${failed[*]}"
  RC=1
else
  RC=0
fi
