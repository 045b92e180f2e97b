// RUN: lipt-opt %s --lipt-batch-same-shape --split-input-file | FileCheck %s

// Two soft caps of one shape and strength become one batched op; a third
// with another strength, one of another shape, and one that reads a
// member's result stay apart.
// CHECK-LABEL: func.func @group
// CHECK-SAME: (%[[W0:.*]]: tensor<8x4xf32>, %[[W1:.*]]: tensor<8x4xf32>, %[[W2:.*]]: tensor<8x4xf32>, %[[G:.*]]: tensor<4x4xf32>)
// CHECK: %[[E0:.*]] = tensor.expand_shape %[[W0]] {{\[\[}}0, 1], [2]] output_shape [1, 8, 4]
// CHECK: %[[E1:.*]] = tensor.expand_shape %[[W1]]
// CHECK: %[[S:.*]] = tensor.concat dim(0) %[[E0]], %[[E1]] : (tensor<1x8x4xf32>, tensor<1x8x4xf32>) -> tensor<2x8x4xf32>
// CHECK: %[[B:.*]] = lipt.spectral_soft_cap %[[S]] {alpha = 1.000000e-01 : f64} : tensor<2x8x4xf32>
// CHECK: %[[A:.*]] = tensor.extract_slice %[[B]][0, 0, 0] [1, 8, 4] [1, 1, 1] : tensor<2x8x4xf32> to tensor<8x4xf32>
// CHECK: %[[BB:.*]] = tensor.extract_slice %[[B]][1, 0, 0] [1, 8, 4] [1, 1, 1] : tensor<2x8x4xf32> to tensor<8x4xf32>
// CHECK: %[[C:.*]] = lipt.spectral_soft_cap %[[W2]] {alpha = 2.000000e-01 : f64} : tensor<8x4xf32>
// CHECK: %[[D:.*]] = lipt.spectral_soft_cap %[[G]] {alpha = 1.000000e-01 : f64} : tensor<4x4xf32>
// CHECK: %[[E:.*]] = lipt.spectral_soft_cap %[[A]] {alpha = 1.000000e-01 : f64} : tensor<8x4xf32>
// CHECK: return %[[A]], %[[BB]], %[[C]], %[[D]], %[[E]]
func.func @group(%w0: tensor<8x4xf32>, %w1: tensor<8x4xf32>, %w2: tensor<8x4xf32>, %g: tensor<4x4xf32>)
    -> (tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<4x4xf32>, tensor<8x4xf32>) {
  %a = lipt.spectral_soft_cap %w0 {alpha = 0.1} : tensor<8x4xf32>
  %b = lipt.spectral_soft_cap %w1 {alpha = 0.1} : tensor<8x4xf32>
  %c = lipt.spectral_soft_cap %w2 {alpha = 0.2} : tensor<8x4xf32>
  %d = lipt.spectral_soft_cap %g {alpha = 0.1} : tensor<4x4xf32>
  %e = lipt.spectral_soft_cap %a {alpha = 0.1} : tensor<8x4xf32>
  return %a, %b, %c, %d, %e : tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<4x4xf32>, tensor<8x4xf32>
}

// -----

// Muon steps of one shape: three operands stacked, two results sliced.
// CHECK-LABEL: func.func @muon
// CHECK-COUNT-3: tensor.concat dim(0)
// CHECK: %[[W:.*]], %[[M:.*]] = lipt.muon_step %{{.*}}, %{{.*}}, %{{.*}} {{{.*}}} : tensor<2x16x16xf32>
// CHECK-COUNT-4: tensor.extract_slice
// CHECK-NOT: lipt.muon_step
func.func @muon(%w0: tensor<16x16xf32>, %g0: tensor<16x16xf32>, %m0: tensor<16x16xf32>,
                %w1: tensor<16x16xf32>, %g1: tensor<16x16xf32>, %m1: tensor<16x16xf32>)
    -> (tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>) {
  %a, %am = lipt.muon_step %w0, %g0, %m0 {lr = 0.1} : tensor<16x16xf32>
  %b, %bm = lipt.muon_step %w1, %g1, %m1 {lr = 0.1} : tensor<16x16xf32>
  return %a, %am, %b, %bm : tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>
}
