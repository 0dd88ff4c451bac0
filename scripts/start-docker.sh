#!/usr/bin/env bash
# Starts the Docker engine when it is not answering (machines without systemd: containers,
# VMs, CI), and waits until it does. Leaves a running engine alone.
set -euo pipefail

if docker info >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  $SUDO systemctl start docker
else
  echo "start-docker: starting dockerd (log: /var/log/dockerd.log)" >&2
  $SUDO sh -c 'setsid dockerd >/var/log/dockerd.log 2>&1 < /dev/null &'
fi
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    echo "start-docker: engine ready" >&2
    exit 0
  fi
  sleep 1
done
echo "start-docker: the Docker engine did not become ready within 60 s; see /var/log/dockerd.log" >&2
tail -20 /var/log/dockerd.log >&2 2>/dev/null || true
exit 1
