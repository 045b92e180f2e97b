#!/usr/bin/env bash
# Installs the system packages lipt builds and tests with (Debian 12).
# Idempotent: installs only what is missing. --fuzz adds the fuzzing
# compiler (scripts/fuzz.sh). Runs apt as root, or through sudo.
set -euo pipefail

PACKAGES=(
  cmake ninja-build g++ git pkg-config
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools
  libtorch-dev libgloo-dev libopenblas-dev libopenblas0-pthread
  libgtest-dev libbenchmark-dev
  python3-torch python3-numpy python3-matplotlib
)
# scripts/fuzz.sh also needs clang-22 and its libFuzzer/sanitizer runtimes.
if [ "${1:-}" = "--fuzz" ]; then
  PACKAGES+=(clang-22 libclang-rt-22-dev)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || {
    echo "setup-deps: need root or sudo to install: ${missing[*]}" >&2
    exit 1
  }
  SUDO=sudo
fi
echo "setup-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
