// RUN: lipt-opt %s --lipt-cpu-pipeline | FileCheck %s
// lipt all the way to the LLVM dialect: nothing but llvm ops remain.

// CHECK-LABEL: llvm.func @step
// CHECK-NOT: lipt.
// CHECK-NOT: linalg.
// CHECK-NOT: tensor.
// CHECK-NOT: memref.
func.func @step(%w: tensor<16x8xf32>, %g: tensor<16x8xf32>, %m: tensor<16x8xf32>)
    -> (tensor<16x8xf32>, tensor<16x8xf32>) {
  %0, %1 = lipt.muon_step %w, %g, %m {lr = 0.1, constraint = #lipt.constraint<soft_cap>,
      sigma_max = 1.0, norm = #lipt.norm<rms>} : tensor<16x8xf32>
  return %0, %1 : tensor<16x8xf32>, tensor<16x8xf32>
}
