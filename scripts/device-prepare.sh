#!/usr/bin/env bash
# Compiles, on this machine (it has LLVM and the CUDA toolkit), everything
# the GPU check runs: the numerics cases and the step benchmark's programs as
# CUDA artifacts, each kernel's PTX assembled by ptxas first, into
# out/device-prepared (a few MiB: carry it with the checkout). Then, on the
# GPU machine: bash scripts/device-check.sh RESULTS out/device-prepared
#
#   bash scripts/device-prepare.sh [OUT] [--gpu sm_90]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/out/device-prepared}"
shift || true
export CUDA_HOME="${CUDA_HOME:-/usr/local/cuda}"
[ -x "$root/build/bin/lipt-compile" ] || bash "$root/scripts/build.sh"
cmake --build "$root/build" --target lipt-bench-muon-step > /dev/null
rm -rf "$out"
/usr/bin/python3 "$root/scripts/device/prepare.py" "$out" --bench --train \
  --check-cpu --ptxas "$CUDA_HOME/bin/ptxas" "$@"
du -sh "$out"
