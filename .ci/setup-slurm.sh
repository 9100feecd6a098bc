#!/usr/bin/env bash
# System packages of the SLURM tests (tests/cluster): slurm-wlm and munge.
# Idempotent and quiet: installs only what is missing. Needs root (CI runs as root).
set -euo pipefail
missing=()
for pkg in slurm-wlm munge; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The packages' own services are not used: the tests start a private cluster.
