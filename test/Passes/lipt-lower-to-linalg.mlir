// RUN: lipt-opt %s --lipt-lower-to-linalg --split-input-file | FileCheck %s
// Every lipt op lowers to linalg/tensor/arith/math only.

// CHECK-LABEL: func.func @all_ops
// CHECK-NOT: lipt.
// CHECK: return
func.func @all_ops(%w: tensor<2x8x6xf32>, %v: tensor<2x6xf32>, %e: tensor<16x8xbf16>)
    -> (tensor<2x8x6xf32>, tensor<2x8x6xf32>, tensor<2x8x6xf32>, tensor<2x8x6xf32>,
        tensor<2x8x6xf32>, tensor<2x8x6xf32>, tensor<2xf32>, tensor<16x8xbf16>) {
  %0 = lipt.spectral_soft_cap %w {alpha = 0.1} : tensor<2x8x6xf32>
  %1 = lipt.spectral_hard_cap %w {sigma_max = 1.0} : tensor<2x8x6xf32>
  %2 = lipt.orthogonalize %w {schedule = #lipt.schedule<"polar_express5">} : tensor<2x8x6xf32>
  %3 = lipt.spectral_hammer %w {sigma_max = 1.0, iters = 2} : tensor<2x8x6xf32>
  %4 = lipt.spectral_normalize %w {sigma_max = 1.0, iters = 2} : tensor<2x8x6xf32>
  %5 = lipt.spectral_weight_decay %w {rate = 0.1, iters = 2} : tensor<2x8x6xf32>
  %s, %u, %v1 = lipt.power_iteration %w, %v {iters = 2}
      : tensor<2x8x6xf32>, tensor<2x6xf32> -> tensor<2xf32>, tensor<2x8xf32>, tensor<2x6xf32>
  %6 = lipt.rms_project %e : tensor<16x8xbf16>
  return %0, %1, %2, %3, %4, %5, %s, %6 : tensor<2x8x6xf32>, tensor<2x8x6xf32>, tensor<2x8x6xf32>,
      tensor<2x8x6xf32>, tensor<2x8x6xf32>, tensor<2x8x6xf32>, tensor<2xf32>, tensor<16x8xbf16>
}

// -----

// Orthogonalize: one Frobenius normalisation, then per step of muon5 a Gram
// matrix (4x4, the short side of 4x9), its square and the accumulated
// product: 3 contractions per step.
// CHECK-LABEL: func.func @orthogonalize_muon5
// CHECK: math.sqrt
// CHECK-COUNT-15: iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK-NOT: iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK: return
func.func @orthogonalize_muon5(%g: tensor<4x9xf32>) -> tensor<4x9xf32> {
  %0 = lipt.orthogonalize %g {schedule = #lipt.schedule<"muon5">} : tensor<4x9xf32>
  return %0 : tensor<4x9xf32>
}

// -----

// A single matrix's sigma is rank 0; u and v drop the unit batch.
// CHECK-LABEL: func.func @power_iteration_single
// CHECK: %[[S:.*]] = tensor.collapse_shape %{{.*}} [] : tensor<1xf32> into tensor<f32>
// CHECK: %[[U:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<1x8xf32> into tensor<8xf32>
// CHECK: %[[V:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<1x6xf32> into tensor<6xf32>
// CHECK: return %[[S]], %[[U]], %[[V]]
func.func @power_iteration_single(%w: tensor<8x6xf32>, %v: tensor<6xf32>)
    -> (tensor<f32>, tensor<8xf32>, tensor<6xf32>) {
  %s, %u, %v1 = lipt.power_iteration %w, %v {iters = 1}
      : tensor<8x6xf32>, tensor<6xf32> -> tensor<f32>, tensor<8xf32>, tensor<6xf32>
  return %s, %u, %v1 : tensor<f32>, tensor<8xf32>, tensor<6xf32>
}

// -----

// rms_project reduces over the chosen axis only.
// CHECK-DAG: #[[$DROP0:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @rms_project_axis0
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[$DROP0]]], iterator_types = ["reduction", "parallel"]}
// CHECK-SAME: outs(%{{.*}} : tensor<8xf32>)
func.func @rms_project_axis0(%e: tensor<16x8xf32>) -> tensor<16x8xf32> {
  %0 = lipt.rms_project %e {axis = 0} : tensor<16x8xf32>
  return %0 : tensor<16x8xf32>
}

// -----

// The Muon step is decomposed (momentum, orthogonalized update, decayed
// weight, constraint) and everything is lowered; both results keep the
// caller's shape and element type.
// CHECK-LABEL: func.func @muon_step
// CHECK-NOT: lipt.
// CHECK: arith.truncf %{{.*}} : f32 to bf16
// CHECK: return %{{.*}}, %{{.*}} : tensor<3x8x8xbf16>, tensor<3x8x8xbf16>
func.func @muon_step(%w: tensor<3x8x8xbf16>, %g: tensor<3x8x8xbf16>, %m: tensor<3x8x8xbf16>)
    -> (tensor<3x8x8xbf16>, tensor<3x8x8xbf16>) {
  %0, %1 = lipt.muon_step %w, %g, %m {lr = 0.05, nesterov = true, wd = 0.1,
      constraint = #lipt.constraint<soft_cap>, sigma_max = 1.0,
      norm = #lipt.norm<rms>} : tensor<3x8x8xbf16>
  return %0, %1 : tensor<3x8x8xbf16>, tensor<3x8x8xbf16>
}

// -----

// Every constraint of the Muon step lowers.
// CHECK-LABEL: func.func @muon_constraints
// CHECK-NOT: lipt.
func.func @muon_constraints(%w: tensor<8x4xf32>) -> (tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>) {
  %a, %ma = lipt.muon_step %w, %w, %w {lr = 0.1, constraint = #lipt.constraint<hard_cap>, sigma_max = 1.0} : tensor<8x4xf32>
  %b, %mb = lipt.muon_step %w, %w, %w {lr = 0.1, constraint = #lipt.constraint<hard_cap>, hard_cap_method = #lipt.hard_cap_method<msign>, sigma_max = 1.0} : tensor<8x4xf32>
  %c, %mc = lipt.muon_step %w, %w, %w {lr = 0.1, constraint = #lipt.constraint<hammer>, sigma_max = 1.0, iters = 2} : tensor<8x4xf32>
  %d, %md = lipt.muon_step %w, %w, %w {lr = 0.1, constraint = #lipt.constraint<normalize>, sigma_max = 1.0, iters = 2} : tensor<8x4xf32>
  return %a, %b, %c, %d : tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>
}
