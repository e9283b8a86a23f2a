#!/usr/bin/env bash
# Make a local Docker engine available for `make test`: install docker.io and debootstrap when
# missing, start dockerd in the background when no engine answers, wait until it is ready.
# Idempotent: on a machine where the engine already runs it only checks `docker info`.
set -euo pipefail

if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
missing=""
command -v dockerd >/dev/null 2>&1 || missing="$missing docker.io"
command -v debootstrap >/dev/null 2>&1 || missing="$missing debootstrap"
if [ -n "$missing" ]; then
  echo "installing:$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi

ready() { docker info >/dev/null 2>&1; }
if ! ready; then
  log="${HWEVAL_DOCKERD_LOG:-$(mktemp -t hweval-dockerd.XXXXXX)}"
  echo "starting dockerd (log: $log)"
  # setsid: the engine outlives this script and is not killed with make's process group.
  $SUDO setsid dockerd >"$log" 2>&1 </dev/null &
  for _ in $(seq 120); do ready && break; sleep 0.5; done
  if ! ready; then
    echo "dockerd did not become ready; last lines of $log:" >&2
    tail -20 "$log" >&2 || true
    exit 1
  fi
fi
