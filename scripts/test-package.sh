#!/usr/bin/env bash
# Checks the Debian package as a user meets it: installs build/package/devarch_*.deb with
# apt, validates its desktop entry and icons, launches it the way a desktop launcher does
# (gtk-launch devarch, under Xvfb and a private D-Bus session: /usr/bin/devarch, the command
# line, becomes /usr/lib/devarch/devarch-desktop in the same process), sees the DevArch window
# (WM_CLASS devarch, its process the desktop binary), ends it, and removes the package, which must leave
# nothing of it behind. The command line must not load GTK/WebKit (what makes it fast). Installs a system package: root only (CI runs as root).
set -euo pipefail
cd "$(dirname "$0")/.."
fail() { echo "test-package: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || fail "it installs a system package: run it as root (CI does)"
deb=$(ls build/package/devarch_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || fail "no package: run make package"
if [ -e /usr/bin/devarch ] && ! dpkg -S /usr/bin/devarch >/dev/null 2>&1; then
  fail "/usr/bin/devarch exists and is not from a package: not touching it"
fi

echo "test-package: installing $deb" >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "./$deb" >/tmp/devarch-test-package-apt.log 2>&1 \
  || { cat /tmp/devarch-test-package-apt.log >&2; fail "apt-get install failed"; }
dpkg-query -W -f='${Status}' devarch | grep -q "install ok installed" || fail "dpkg does not list devarch as installed"
desktop-file-validate /usr/share/applications/devarch.desktop || fail "the desktop entry does not validate"
for s in 16 32 48 64 128 256 512; do
  [ -f "/usr/share/icons/hicolor/${s}x${s}/apps/devarch.png" ] || fail "icon ${s}x${s} missing"
done
/usr/bin/devarch version >/dev/null || fail "/usr/bin/devarch version failed"
[ -x /usr/lib/devarch/devarch-desktop ] || fail "the desktop binary /usr/lib/devarch/devarch-desktop is missing"
if ldd /usr/bin/devarch 2>/dev/null | grep -Eq 'libwebkit|libgtk'; then fail "/usr/bin/devarch links GTK/WebKit: it must be the command-line build"; fi
/usr/lib/devarch/devarch-desktop version >/dev/null || fail "/usr/lib/devarch/devarch-desktop version failed"

tmp=$(mktemp -d)
chmod 755 "$tmp"
exec 3> "$tmp/displayfd"
Xvfb -displayfd 3 -screen 0 1280x900x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
cleanup() {
  pkill -TERM -f '^(/usr/bin/)?devarch$' 2>/dev/null || true
  kill "$xvfb" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
for _ in $(seq 50); do [ -s "$tmp/displayfd" ] && break; sleep 0.1; done
display=":$(head -1 "$tmp/displayfd")"

mkdir -p "$tmp/run" && chmod 700 "$tmp/run"
# The whole launch runs inside one D-Bus session, so the app keeps its bus until it ends.
DISPLAY="$display" HOME="$tmp" XDG_CONFIG_HOME="$tmp/config" XDG_CACHE_HOME="$tmp/cache" \
XDG_DATA_HOME="$tmp/data" XDG_RUNTIME_DIR="$tmp/run" DEVARCH_HOME="$tmp/home" DEVARCH_DB_LINGER=0 \
WEBKIT_DISABLE_COMPOSITING_MODE=1 LIBGL_ALWAYS_SOFTWARE=1 \
dbus-run-session -- bash -euo pipefail -c '
  mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
  start=$(date +%s%N)
  gtk-launch devarch
  win=""
  for _ in $(seq 300); do
    win=$(xdotool search --onlyvisible --name "^DevArch$" 2>/dev/null | head -1 || true)
    [ -n "$win" ] && break
    sleep 0.1
  done
  [ -n "$win" ] || { echo "test-package: no DevArch window 30 s after gtk-launch" >&2; exit 1; }
  echo "test-package: window after $(( ($(date +%s%N) - start) / 1000000 )) ms" >&2
  xprop -id "$win" WM_CLASS | grep -q "\"devarch\"" || { echo "test-package: WM_CLASS is not devarch: $(xprop -id "$win" WM_CLASS)" >&2; exit 1; }
  pid=$(xdotool getwindowpid "$win" 2>/dev/null || pgrep -n -f "^(/usr/bin/)?devarch$")
  [ "$(readlink "/proc/$pid/exe")" = /usr/lib/devarch/devarch-desktop ] || { echo "test-package: the window is not /usr/lib/devarch/devarch-desktop (pid $pid: $(readlink "/proc/$pid/exe"))" >&2; exit 1; }
  kill -TERM "$pid"
  for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then echo "test-package: the app did not end 20 s after SIGTERM" >&2; exit 1; fi
'
if pgrep -f "$tmp/home" >/dev/null; then fail "processes of the launched app are left: $(pgrep -af "$tmp/home")"; fi

echo "test-package: removing the package" >&2
DEBIAN_FRONTEND=noninteractive apt-get remove -y devarch >/tmp/devarch-test-package-apt.log 2>&1 \
  || { cat /tmp/devarch-test-package-apt.log >&2; fail "apt-get remove failed"; }
for f in /usr/bin/devarch /usr/lib/devarch /usr/share/applications/devarch.desktop /usr/share/icons/hicolor/256x256/apps/devarch.png; do
  [ ! -e "$f" ] || fail "$f is left after removal"
done
echo "test-package: ok (installed, validated, launched from its desktop entry, removed)" >&2
