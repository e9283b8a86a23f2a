#!/usr/bin/env bash
# Build the sandbox base image without any image registry: a debootstrap (minbase) root file
# system of Debian, imported with `docker import`. Run by `hweval sandbox build`.
#
# usage: build-base.sh IMAGE [LABEL=VALUE ...]
# env:   HWEVAL_DEBIAN_SUITE   (default bookworm)
#        HWEVAL_DEBIAN_MIRROR  (default: the Debian mirror apt already uses on this machine)
#        HWEVAL_BASE_PACKAGES  (comma separated extra packages, default none: the family images
#                               bind-mount the host's tool installation read-only)
set -euo pipefail
image="${1:?usage: build-base.sh IMAGE [LABEL=VALUE ...]}"
shift
suite="${HWEVAL_DEBIAN_SUITE:-bookworm}"

detect_mirror() {
  # one-line sources (deb URL SUITE ...) first, then deb822 .sources files (URIs: URL)
  local url
  url=$(grep -hsE '^\s*deb\s' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
        | grep -v -- '-security' | awk '{for (i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' | head -1)
  if [ -z "$url" ]; then
    url=$(grep -hsE '^\s*URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null \
          | grep -v -- '-security' | awk '{print $2}' | head -1)
  fi
  echo "${url:-http://deb.debian.org/debian}"
}
mirror="${HWEVAL_DEBIAN_MIRROR:-$(detect_mirror)}"

for tool in debootstrap docker tar; do
  command -v "$tool" >/dev/null 2>&1 || { echo "build-base.sh: $tool not found (apt-get install debootstrap docker.io)" >&2; exit 3; }
done

root="$(mktemp -d -t hweval-rootfs.XXXXXX)"
trap 'rm -rf "$root"' EXIT
include=()
[ -n "${HWEVAL_BASE_PACKAGES:-}" ] && include=(--include="$HWEVAL_BASE_PACKAGES")
echo "debootstrap --variant=minbase ${include[*]} $suite from $mirror"
debootstrap --variant=minbase "${include[@]}" "$suite" "$root" "$mirror" >"$root.log" 2>&1 || {
  tail -20 "$root.log" >&2; rm -f "$root.log"; exit 1; }
rm -f "$root.log"
# Nothing here is needed at run time: package caches, lists, docs.
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* \
       "$root"/usr/share/man/* "$root"/usr/share/info/*

changes=()
for label in "$@"; do changes+=(--change "LABEL $label"); done
tar --numeric-owner -C "$root" -c . | docker import "${changes[@]}" - "$image"
