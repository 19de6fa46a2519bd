#!/usr/bin/env bash
# Installs the Debian packages moeplan needs, only those missing (idempotent). Runs `apt-get update` once,
# and only when something is missing. Uses sudo when not root.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libyaml-cpp-dev libcli11-dev libfmt-dev libeigen3-dev nlohmann-json3-dev libsqlite3-dev
  libgtest-dev libgmock-dev libbenchmark-dev zlib1g-dev libmimalloc-dev
  clang libclang-rt-dev
)
# Optional extras: MPI for sweeps across ranks, Chromium for the report rendering test.
if [[ "${MOEPLAN_SKIP_OPTIONAL:-0}" != "1" ]]; then
  packages+=(libopenmpi-dev openmpi-bin chromium)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all packages present"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
