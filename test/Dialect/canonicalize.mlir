// RUN: lipt-opt %s --canonicalize --split-input-file | FileCheck %s
// Only sound identities fold.

// A soft cap of strength 0 is the identity.
// CHECK-LABEL: func.func @soft_cap_zero_alpha
// CHECK-SAME: (%[[W:.*]]: tensor<8x4xf32>)
// CHECK-NEXT: return %[[W]]
func.func @soft_cap_zero_alpha(%w: tensor<8x4xf32>) -> tensor<8x4xf32> {
  %0 = lipt.spectral_soft_cap %w {alpha = 0.0} : tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}

// -----

// A step that cannot grow the weight past its bound (lr = 0, wd = 0: k = 1)
// needs no cap.
// CHECK-LABEL: func.func @soft_cap_coupled_identity
// CHECK-NEXT: return %arg0
func.func @soft_cap_coupled_identity(%w: tensor<8x4xf32>) -> tensor<8x4xf32> {
  %0 = lipt.spectral_soft_cap %w {sigma_max = 1.0, lr = 0.0} : tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}

// -----

// CHECK-LABEL: func.func @soft_cap_nonzero_kept
// CHECK: lipt.spectral_soft_cap
func.func @soft_cap_nonzero_kept(%w: tensor<8x4xf32>) -> tensor<8x4xf32> {
  %0 = lipt.spectral_soft_cap %w {sigma_max = 1.0, lr = 0.1} : tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}

// -----

// CHECK-LABEL: func.func @weight_decay_zero_rate
// CHECK-NEXT: return %arg0
func.func @weight_decay_zero_rate(%w: tensor<8x4xf32>) -> tensor<8x4xf32> {
  %0 = lipt.spectral_weight_decay %w {rate = 0.0} : tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}

// -----

// Hard caps are not idempotent under approximation: never folded.
// CHECK-LABEL: func.func @hard_cap_twice_kept
// CHECK-COUNT-2: lipt.spectral_hard_cap
func.func @hard_cap_twice_kept(%w: tensor<8x4xf32>) -> tensor<8x4xf32> {
  %0 = lipt.spectral_hard_cap %w {sigma_max = 1.0} : tensor<8x4xf32>
  %1 = lipt.spectral_hard_cap %0 {sigma_max = 1.0} : tensor<8x4xf32>
  return %1 : tensor<8x4xf32>
}
