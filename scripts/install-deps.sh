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
  chromium postgresql-15 docker.io busybox-static util-linux procps iproute2 git acl
  nginx php8.2-fpm php8.2-cli php8.2-mysql curl tzdata
  libgtk-3-bin desktop-file-utils)
# libgtk-3-bin (gtk-launch) and desktop-file-utils check the .deb the way a desktop uses it
# (scripts/test-package.sh).
# nginx, php8.2-*, curl and tzdata are not used on the host: backend/runtime/runtimetest
# copies their files into local test images (devarch-test/nginx:1, devarch-test/php-fpm:1),
# so that the built-in nginx and php-fpm templates are tested with real servers without a
# registry.

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  # Packages such as nginx, php8.2-fpm and postgresql-15 start their service on install.
  # None is wanted (nginx would hold port 80): a policy-rc.d answering 101 ("action not
  # allowed") makes invoke-rc.d / deb-systemd-invoke skip every start. A machine's own
  # policy-rc.d is left as it is; one written here is removed afterwards, even on failure.
  policy=/usr/sbin/policy-rc.d
  made_policy=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# written by DevArch scripts/install-deps.sh for the install only\nexit 101\n' | $SUDO tee "$policy" >/dev/null
    $SUDO chmod 0755 "$policy"
    made_policy=1
    trap '$SUDO rm -f "$policy"' EXIT
  fi
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
  if [ -n "$made_policy" ]; then
    $SUDO rm -f "$policy"
    trap - EXIT
  fi
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
