// RUN: lipt-opt %s --verify-roundtrip | FileCheck %s
// RUN: lipt-opt %s --mlir-print-op-generic | lipt-opt | FileCheck %s
// Every op parses, prints, and round-trips through the generic form.

// CHECK-LABEL: func.func @soft_cap
func.func @soft_cap(%w: tensor<64x16xf32>, %b: tensor<4x8x8xbf16>)
    -> (tensor<64x16xf32>, tensor<4x8x8xbf16>) {
  // CHECK: lipt.spectral_soft_cap %{{.*}} {alpha = 1.000000e-01 : f64} : tensor<64x16xf32>
  %0 = lipt.spectral_soft_cap %w {alpha = 0.1} : tensor<64x16xf32>
  // CHECK: lipt.spectral_soft_cap %{{.*}} {lr = 1.000000e-01 : f64, norm = #lipt.norm<rms>, sigma_max = 6.000000e+00 : f64, wd = 0.000000e+00 : f64} : tensor<4x8x8xbf16>
  %1 = lipt.spectral_soft_cap %b {sigma_max = 6.0, lr = 0.1, wd = 0.0,
                                  norm = #lipt.norm<rms>} : tensor<4x8x8xbf16>
  return %0, %1 : tensor<64x16xf32>, tensor<4x8x8xbf16>
}

// CHECK-LABEL: func.func @hard_cap
func.func @hard_cap(%w: tensor<16x64xf16>, %d: tensor<2x3x5x7xf64>)
    -> (tensor<16x64xf16>, tensor<2x3x5x7xf64>) {
  // CHECK: lipt.spectral_hard_cap %{{.*}} {sigma_max = 1.000000e+00 : f64} : tensor<16x64xf16>
  %0 = lipt.spectral_hard_cap %w {sigma_max = 1.0} : tensor<16x64xf16>
  // CHECK: lipt.spectral_hard_cap %{{.*}} {schedule = #lipt.schedule<"polar_express5">, sigma_max = 2.000000e+00 : f64}
  %1 = lipt.spectral_hard_cap %d {sigma_max = 2.0,
      method = #lipt.hard_cap_method<msign>,
      schedule = #lipt.schedule<"polar_express5">} : tensor<2x3x5x7xf64>
  return %0, %1 : tensor<16x64xf16>, tensor<2x3x5x7xf64>
}

// CHECK-LABEL: func.func @orthogonalize
func.func @orthogonalize(%g: tensor<8x32xf32>) -> (tensor<8x32xf32>, tensor<8x32xf32>, tensor<8x32xf32>, tensor<8x32xf32>) {
  // CHECK: lipt.orthogonalize %{{.*}} {schedule = #lipt.schedule<"muon5">} : tensor<8x32xf32>
  %0 = lipt.orthogonalize %g {schedule = #lipt.schedule<"muon5">} : tensor<8x32xf32>
  // CHECK: schedule = #lipt.schedule<"paper6">
  %1 = lipt.orthogonalize %g {schedule = #lipt.schedule<"paper6">} : tensor<8x32xf32>
  // CHECK: eps = 9.9999999999999995E-7 : f64, schedule = #lipt.schedule<"nanogpt5">
  %2 = lipt.orthogonalize %g {schedule = #lipt.schedule<"nanogpt5">, eps = 1.0e-6} : tensor<8x32xf32>
  // Explicit steps keep full precision.
  // CHECK: schedule = #lipt.schedule<{{\[\[3.444500e\+00, -4.775000e\+00, 2.031500e\+00\], \[1.500000e\+00, -5.000000e-01, 0.000000e\+00\]\]}}, scale = 1.010000e+00>
  %3 = lipt.orthogonalize %g {schedule = #lipt.schedule<[[3.4445, -4.775, 2.0315], [1.5, -0.5, 0.0]], scale = 1.01>} : tensor<8x32xf32>
  return %0, %1, %2, %3 : tensor<8x32xf32>, tensor<8x32xf32>, tensor<8x32xf32>, tensor<8x32xf32>
}

// CHECK-LABEL: func.func @power_iteration
func.func @power_iteration(%w: tensor<3x16x8xf32>, %v: tensor<3x8xf32>)
    -> (tensor<3xf32>, tensor<3x16xf32>, tensor<3x8xf32>) {
  // CHECK: lipt.power_iteration %{{.*}}, %{{.*}} {iters = 2 : i64} : tensor<3x16x8xf32>, tensor<3x8xf32> -> tensor<3xf32>, tensor<3x16xf32>, tensor<3x8xf32>
  %s, %u, %v1 = lipt.power_iteration %w, %v {iters = 2}
      : tensor<3x16x8xf32>, tensor<3x8xf32> -> tensor<3xf32>, tensor<3x16xf32>, tensor<3x8xf32>
  return %s, %u, %v1 : tensor<3xf32>, tensor<3x16xf32>, tensor<3x8xf32>
}

// CHECK-LABEL: func.func @power_iteration_constraints
func.func @power_iteration_constraints(%w: tensor<16x8xf32>)
    -> (tensor<16x8xf32>, tensor<16x8xf32>, tensor<16x8xf32>) {
  // CHECK: lipt.spectral_hammer %{{.*}} {norm = #lipt.norm<rms>, sigma_max = 1.000000e+00 : f64} : tensor<16x8xf32>
  %0 = lipt.spectral_hammer %w {sigma_max = 1.0, norm = #lipt.norm<rms>} : tensor<16x8xf32>
  // CHECK: lipt.spectral_normalize %{{.*}} {iters = 4 : i64, sigma_max = 2.000000e+00 : f64} : tensor<16x8xf32>
  %1 = lipt.spectral_normalize %w {sigma_max = 2.0, iters = 4} : tensor<16x8xf32>
  // CHECK: lipt.spectral_weight_decay %{{.*}} {rate = 1.000000e-01 : f64} : tensor<16x8xf32>
  %2 = lipt.spectral_weight_decay %w {rate = 0.1} : tensor<16x8xf32>
  return %0, %1, %2 : tensor<16x8xf32>, tensor<16x8xf32>, tensor<16x8xf32>
}

// CHECK-LABEL: func.func @rms_project
func.func @rms_project(%e: tensor<65x256xf32>) -> (tensor<65x256xf32>, tensor<65x256xf32>) {
  // CHECK: lipt.rms_project %{{.*}} : tensor<65x256xf32>
  %0 = lipt.rms_project %e : tensor<65x256xf32>
  // CHECK: lipt.rms_project %{{.*}} {axis = 0 : i64, max_rms = 5.000000e-01 : f64} : tensor<65x256xf32>
  %1 = lipt.rms_project %e {axis = 0, max_rms = 0.5} : tensor<65x256xf32>
  return %0, %1 : tensor<65x256xf32>, tensor<65x256xf32>
}

// CHECK-LABEL: func.func @muon_step
func.func @muon_step(%w: tensor<256x1024xf32>, %g: tensor<256x1024xf32>, %m: tensor<256x1024xf32>)
    -> (tensor<256x1024xf32>, tensor<256x1024xf32>) {
  // CHECK: lipt.muon_step %{{.*}}, %{{.*}}, %{{.*}} {constraint = #lipt.constraint<soft_cap>, lr = 1.000000e-01 : f64, nesterov = true, norm = #lipt.norm<rms>, schedule = #lipt.schedule<"polar_express5">, sigma_max = 6.000000e+00 : f64, target_norm = 1.600000e+01 : f64} : tensor<256x1024xf32>
  %w1, %m1 = lipt.muon_step %w, %g, %m {lr = 0.1, nesterov = true,
      constraint = #lipt.constraint<soft_cap>, sigma_max = 6.0,
      norm = #lipt.norm<rms>, target_norm = 16.0,
      schedule = #lipt.schedule<"polar_express5">} : tensor<256x1024xf32>
  // CHECK: lipt.muon_step {{.*}}constraint = #lipt.constraint<hard_cap>, hard_cap_method = #lipt.hard_cap_method<msign>
  %w2, %m2 = lipt.muon_step %w1, %g, %m1 {lr = 0.01, beta = 0.95, wd = 0.1,
      constraint = #lipt.constraint<hard_cap>, sigma_max = 1.0,
      hard_cap_method = #lipt.hard_cap_method<msign>} : tensor<256x1024xf32>
  return %w2, %m2 : tensor<256x1024xf32>, tensor<256x1024xf32>
}

// CHECK-LABEL: func.func @odd_polynomial
func.func @odd_polynomial(%w: tensor<2x64x16xf32>) -> tensor<2x64x16xf32> {
  // CHECK: lipt.odd_polynomial %{{.*}} {coefficients = array<f64: 1.000000e+00, 0.000000e+00, -3.000000e-02>} : tensor<2x64x16xf32>
  %0 = lipt.odd_polynomial %w {coefficients = array<f64: 1.0, 0.0, -0.03>} : tensor<2x64x16xf32>
  return %0 : tensor<2x64x16xf32>
}

// CHECK-LABEL: func.func @muon_step_operands
func.func @muon_step_operands(%w: tensor<4x64x32xf32>, %lr: tensor<f64>, %a: tensor<f32>)
    -> (tensor<4x64x32xf32>, tensor<4x64x32xf32>) {
  // CHECK: lipt.muon_step %{{.*}}, %{{.*}}, %{{.*}} step_scalars(%{{.*}}, %{{.*}} : tensor<f64>, tensor<f32>) {constraint = #lipt.constraint<soft_cap>, norm = #lipt.norm<rms>, sigma_max = 2.000000e+00 : f64} : tensor<4x64x32xf32>
  %0, %1 = lipt.muon_step %w, %w, %w step_scalars(%lr, %a : tensor<f64>, tensor<f32>) {constraint = #lipt.constraint<soft_cap>, sigma_max = 2.0, norm = #lipt.norm<rms>} : tensor<4x64x32xf32>
  return %0, %1 : tensor<4x64x32xf32>, tensor<4x64x32xf32>
}

// CHECK-LABEL: func.func @adamw_step
func.func @adamw_step(%w: tensor<4x64x32xf32>, %lr: tensor<f64>, %t: tensor<f64>)
    -> (tensor<4x64x32xf32>, tensor<4x64x32xf32>, tensor<4x64x32xf32>) {
  // CHECK: lipt.adamw_step %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {beta2 = 0.94999999999999996 : f64, constraint = #lipt.constraint<hard_cap>, sigma_max = 1.000000e+00 : f64} : tensor<4x64x32xf32>, tensor<f64>, tensor<f64>
  %0, %1, %2 = lipt.adamw_step %w, %w, %w, %w, %lr, %t {beta2 = 0.95, constraint = #lipt.constraint<hard_cap>, sigma_max = 1.0} : tensor<4x64x32xf32>, tensor<f64>, tensor<f64>
  return %0, %1, %2 : tensor<4x64x32xf32>, tensor<4x64x32xf32>, tensor<4x64x32xf32>
}

// CHECK-LABEL: func.func @row_normalized_step
func.func @row_normalized_step(%e: tensor<65x128xbf16>, %lr: tensor<f32>)
    -> (tensor<65x128xbf16>, tensor<65x128xbf16>) {
  // CHECK: lipt.row_normalized_step %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {max_inflation = 8.000000e+00 : f64} : tensor<65x128xbf16>, tensor<f32>
  %0, %1 = lipt.row_normalized_step %e, %e, %e, %lr {max_inflation = 8.0} : tensor<65x128xbf16>, tensor<f32>
  return %0, %1 : tensor<65x128xbf16>, tensor<65x128xbf16>
}
