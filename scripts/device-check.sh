#!/usr/bin/env bash
# The GPU check: one command for a machine with an NVIDIA GPU, nvcc, CMake,
# ninja and PyTorch with CUDA, but no LLVM and no package registry.
#
#   Here (with LLVM), once:   bash scripts/device-prepare.sh   # -> out/device-prepared
#   Carry the checkout and out/device-prepared (a few MiB) to the GPU machine.
#   There:                    bash scripts/device-check.sh RESULTS [PREPARED]
#
# On the GPU machine it builds liblipt_cuda_runtime.so (LLVM-free; CMake's
# LIPT_CUDA_RUNTIME_ONLY), tries the runtime-only build against that
# PyTorch's LibTorch (recorded, not required), then runs
# scripts/device/device_check.py: numerics of every constraint op and
# optimizer step against float64 SVD references, and the Muon + soft cap
# step over the Shakespeare weights and a NanoGPT-124M-sized set against
# PyTorch eager and torch.compile per matrix in bf16. Then, with the
# lipt-run it built, scripts/device/train_check.py: the tiny model trained on
# the GPU against the CPU, and the paper's Shakespeare model for
# LIPT_DEVICE_CHECK_PAPER_STEPS steps (default 200). Everything lands as
# JSON in RESULTS (device-check.json, build.json, training/training.json).
# Exit 1 if a case or a training check fails.
#
# LIPT_DEVICE_CHECK_QUICK=1 skips the LibTorch build and times with fewer
# iterations (the lit test runs it so on a CPU-prepared folder);
# LIPT_DEVICE_CHECK_LIPT_RUN=PATH trains with that lipt-run instead.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
results="${1:?usage: device-check.sh RESULTS [PREPARED]}"
prepared="${2:-$root/out/device-prepared}"
mkdir -p "$results"
results="$(cd "$results" && pwd)"
if [ ! -f "$prepared/cases.json" ]; then
  echo "device-check.sh: $prepared has no cases.json; prepare it on a" \
       "machine with LLVM: bash scripts/device-prepare.sh" >&2
  exit 1
fi
quick="${LIPT_DEVICE_CHECK_QUICK:-0}"
py="${PYTHON:-python3}"
build="$results/build"
generator=()
command -v ninja > /dev/null && generator=(-G Ninja)

# LibTorch's CMake config finds the CUDA toolkit through nvcc: put the
# usual one on PATH where nothing else is.
if ! command -v nvcc > /dev/null && [ -x /usr/local/cuda/bin/nvcc ]; then
  export PATH="/usr/local/cuda/bin:$PATH"
  export CUDA_HOME="${CUDA_HOME:-/usr/local/cuda}"
fi

step() { echo "== $*"; }
elapsed() { echo $(( $(date +%s) - $1 )); }

step "liblipt_cuda_runtime.so (no LLVM, LibTorch or BLAS)"
t0=$(date +%s)
cmake -S "$root" -B "$build/cuda-runtime" "${generator[@]}" \
  -DCMAKE_BUILD_TYPE=Release -DLIPT_CUDA_RUNTIME_ONLY=ON > "$results/cuda-runtime-build.log" 2>&1
cmake --build "$build/cuda-runtime" >> "$results/cuda-runtime-build.log" 2>&1
runtime_lib="$build/cuda-runtime/lib"
echo "built in $(elapsed "$t0") s: $runtime_lib/liblipt_cuda_runtime.so"

torch_build="skipped"
trainer="${LIPT_DEVICE_CHECK_LIPT_RUN:-}"
if [ "$quick" != 1 ]; then
  step "runtime-only lipt-run against this PyTorch's LibTorch (best effort)"
  prefix="$("$py" -c 'import torch; print(torch.utils.cmake_prefix_path)' 2>/dev/null || true)"
  t0=$(date +%s)
  if timeout 300 cmake -S "$root" -B "$build/runtime-only" "${generator[@]}" \
       -DCMAKE_BUILD_TYPE=Release -DLIPT_RUNTIME_ONLY=ON -DLIPT_DISTRIBUTED=OFF \
       -DCMAKE_PREFIX_PATH="$prefix" > "$results/runtime-only-build.log" 2>&1 &&
     timeout 300 cmake --build "$build/runtime-only" >> "$results/runtime-only-build.log" 2>&1; then
    torch_build="ok"
    trainer="$build/runtime-only/bin/lipt-run"
  else
    torch_build="failed (see runtime-only-build.log)"
  fi
  echo "$torch_build, $(elapsed "$t0") s"
fi
"$py" - "$results/build.json" "$torch_build" <<'EOF'
import json, sys
json.dump({"cuda_runtime": "ok", "runtime_only_with_libtorch": sys.argv[2]},
          open(sys.argv[1], "w"), indent=1)
EOF

step "numerics and timing"
iters=20
[ "$quick" = 1 ] && iters=2
status=0
LD_LIBRARY_PATH="$runtime_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
  "$py" "$root/scripts/device/device_check.py" "$prepared" "$results" \
  --iters "$iters" ${LIPT_DEVICE_CHECK_SUITES:+--suites "$LIPT_DEVICE_CHECK_SUITES"} ||
  status=1

step "training"
if [ -z "$trainer" ]; then
  echo "skipped: no lipt-run built against this PyTorch's LibTorch"
elif [ ! -f "$prepared/train/train.json" ]; then
  echo "skipped: $prepared has no train/ (prepare.py --train)"
else
  # The prepared target: cuda, or cpu where the lit test runs it all here.
  device="$("$py" -c 'import json, sys; print(json.load(open(sys.argv[1]))["target"])' \
    "$prepared/train/train.json")"
  LD_LIBRARY_PATH="$runtime_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    "$py" "$root/scripts/device/train_check.py" "$prepared/train" "$results/training" \
    --lipt-run "$trainer" --device "$device" \
    --paper-steps "${LIPT_DEVICE_CHECK_PAPER_STEPS:-200}" || status=1
fi
exit $status
