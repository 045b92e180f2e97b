// The README's main job: examples/constrain-weights.mlir lowers, runs and
// prints the singular values its comments promise.
// RUN: lipt-opt %lipt_src_root/examples/constrain-weights.mlir --lipt-cpu-pipeline | %run_cpu | FileCheck %s

// CHECK: original          sigma_1 = 3
// CHECK-NEXT: soft cap (0.05)   sigma_1 = 1.8746
// CHECK-NEXT: hard cap (1)      sigma_1 = 1{{$}}
// CHECK-NEXT: hammer (1)        sigma_1 = 1.5
// CHECK-NEXT: normalize (1)     sigma_1 = 1{{$}}
// CHECK-NEXT: msign (muon5)     sigma_1 = 1.1
// CHECK-NEXT: msign (precise)   sigma_1 = 1{{$}}
