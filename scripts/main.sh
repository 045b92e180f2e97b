#!/usr/bin/env bash
# The main job: build, then lower examples/constrain-weights.mlir with
# lipt-opt and run it on the CPU (until the lipt-run training driver lands).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
LLVM_BIN=/usr/lib/llvm-22/bin
LLVM_LIB=/usr/lib/llvm-22/lib
echo "== examples/constrain-weights.mlir (sigma_1 of a weight with singular values 3, 1.5, 0.5)"
build/bin/lipt-opt examples/constrain-weights.mlir --lipt-cpu-pipeline |
  "$LLVM_BIN/mlir-runner" -e main -entry-point-result=void \
    -shared-libs="$LLVM_LIB/libmlir_runner_utils.so,$LLVM_LIB/libmlir_c_runner_utils.so,build/lib/liblipt_blas_shims.so"
