// RUN: lipt-opt %s --lipt-lower-to-linalg --split-input-file --verify-diagnostics
// RUN: not lipt-opt %s --lower-spectral-cap --split-input-file 2>&1 | FileCheck %s
// Lowerings need static shapes; they say so at the op and fail the pass.

// CHECK: lipt-lower-to-linalg-invalid.mlir:[[@LINE+3]]:8: error: 'lipt.spectral_soft_cap' op lowering needs static shapes, got 'tensor<?x8xf32>'
func.func @dynamic(%w: tensor<?x8xf32>) -> tensor<?x8xf32> {
  // expected-error @below {{lowering needs static shapes, got 'tensor<?x8xf32>'}}
  %0 = lipt.spectral_soft_cap %w {alpha = 0.1} : tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

func.func @dynamic_batch(%w: tensor<?x8x8xf32>) -> tensor<?x8x8xf32> {
  // expected-error @below {{lowering needs static shapes, got 'tensor<?x8x8xf32>'}}
  %0 = lipt.orthogonalize %w {schedule = #lipt.schedule<"muon5">} : tensor<?x8x8xf32>
  return %0 : tensor<?x8x8xf32>
}
