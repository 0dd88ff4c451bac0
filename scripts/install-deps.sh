#!/usr/bin/env bash
# Installs what DevArch needs to build, run and test on Debian 12 / Ubuntu: system packages,
# the compose v2 plugin (built from the Go module proxy when absent) and npm dependencies.
# Idempotent: each step is skipped when its result is already present.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

pkgs=(build-essential pkg-config libgtk-3-dev libwebkit2gtk-4.1-dev
  xvfb xauth x11-utils xdotool imagemagick fonts-dejavu-core
  dbus dbus-bin dbus-daemon libglib2.0-bin gnome-keyring libsecret-tools
  chromium postgresql-15 docker.io busybox-static util-linux procps iproute2 git acl)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi

# The postgresql-15 package may start a cluster through its init scripts on some machines;
# DevArch runs its own server and never uses that one.

COMPOSE_VERSION=v2.40.3
plugin_dir=/usr/local/lib/docker/cli-plugins
if ! docker compose version >/dev/null 2>&1; then
  echo "install-deps: building docker compose ${COMPOSE_VERSION} from the Go module proxy (several minutes)" >&2
  tmp=$(mktemp -d)
  ( cd "$tmp" && printf 'module cb\n\ngo 1.24\n' > go.mod \
    && go get "github.com/docker/compose/v2/cmd@${COMPOSE_VERSION}" \
    && go build -ldflags "-X github.com/docker/compose/v2/internal.Version=${COMPOSE_VERSION}" -o docker-compose github.com/docker/compose/v2/cmd )
  $SUDO mkdir -p "$plugin_dir"
  $SUDO install -m 0755 "$tmp/docker-compose" "$plugin_dir/docker-compose"
  rm -rf "$tmp"
  docker compose version
fi

if [ -f frontend/package-lock.json ] && [ ! -d frontend/node_modules ]; then
  (cd frontend && npm ci --no-audit --no-fund)
fi
if [ -f tests/e2e/package-lock.json ] && [ ! -d tests/e2e/node_modules ]; then
  (cd tests/e2e && npm ci --no-audit --no-fund)
fi
echo "install-deps: done" >&2
