// The whole path with no lipt binary but the plugin: stock mlir-opt lowers
// lipt IR and compiles it with upstream passes; mlir-runner executes it.
// RUN: %lipt_case soft_cap --shape 2x24x12 --attrs 'alpha = 0.1' --tol 1e-5 --generic \
// RUN:   | %stock_mlir_opt --load-dialect-plugin=%lipt_plugin --pass-pipeline='builtin.module(lipt-lower-to-linalg)' \
// RUN:   | %stock_mlir_opt --one-shot-bufferize="bufferize-function-boundaries=1 function-boundary-type-conversion=identity-layout-map" \
// RUN:       --buffer-deallocation-pipeline --convert-linalg-to-loops --convert-scf-to-cf --expand-strided-metadata \
// RUN:       --lower-affine --convert-to-llvm --reconcile-unrealized-casts \
// RUN:   | %run_cpu | FileCheck %s
// RUN: %lipt_case orthogonalize --shape 12x30 --attrs 'schedule = muon5' --tol 1e-5 --seed 1 \
// RUN:   | %stock_mlir_opt --load-dialect-plugin=%lipt_plugin --pass-pipeline='builtin.module(lipt-cpu-pipeline)' \
// RUN:   | %run_cpu | FileCheck %s

// CHECK: err:
// CHECK-NEXT: PASS
