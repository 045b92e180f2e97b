// Functions for test/Cuda/fake-device.test: every constraint op and step,
// chained, odd and tall shapes, f16 and f64, a user's own matmul and slices.
func.func @chain(%w: tensor<3x40x24xf32>) -> tensor<3x40x24xf32> {
  %0 = lipt.spectral_soft_cap %w {alpha = 0.1, sigma_max = 2.0} : tensor<3x40x24xf32>
  %1 = lipt.spectral_hard_cap %0 {sigma_max = 1.0} : tensor<3x40x24xf32>
  %2 = lipt.rms_project %1 {axis = 2, max_rms = 0.5} : tensor<3x40x24xf32>
  %3 = lipt.spectral_normalize %2 {sigma_max = 1.0, iters = 3} : tensor<3x40x24xf32>
  %4 = lipt.spectral_hammer %3 {sigma_max = 1.0, iters = 2} : tensor<3x40x24xf32>
  %5 = lipt.spectral_weight_decay %4 {rate = 0.1, iters = 2} : tensor<3x40x24xf32>
  %6 = lipt.orthogonalize %5 {schedule = #lipt.schedule<"polar_express5">} : tensor<3x40x24xf32>
  return %6 : tensor<3x40x24xf32>
}
func.func @one(%w: tensor<1x1xf32>) -> tensor<1x1xf32> {
  %0 = lipt.spectral_soft_cap %w {alpha = 0.1} : tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}
func.func @column(%w: tensor<7x1xf32>) -> tensor<7x1xf32> {
  %0 = lipt.orthogonalize %w {schedule = #lipt.schedule<"muon5">} : tensor<7x1xf32>
  return %0 : tensor<7x1xf32>
}
func.func @half(%w: tensor<16x48xf16>) -> tensor<16x48xf16> {
  %0 = lipt.spectral_hard_cap %w {sigma_max = 1.0, method = #lipt.hard_cap_method<msign>} : tensor<16x48xf16>
  return %0 : tensor<16x48xf16>
}
func.func @power(%w: tensor<3x10x16xf64>, %v: tensor<3x16xf64>) -> (tensor<3xf64>, tensor<3x10xf64>, tensor<3x16xf64>) {
  %s, %u, %v1 = lipt.power_iteration %w, %v {iters = 5} : tensor<3x10x16xf64>, tensor<3x16xf64> -> tensor<3xf64>, tensor<3x10xf64>, tensor<3x16xf64>
  return %s, %u, %v1 : tensor<3xf64>, tensor<3x10xf64>, tensor<3x16xf64>
}
func.func @adamw(%w: tensor<2x10x16xf32>, %g: tensor<2x10x16xf32>, %m: tensor<2x10x16xf32>, %v: tensor<2x10x16xf32>, %lr: tensor<f64>, %t: tensor<f64>) -> (tensor<2x10x16xf32>, tensor<2x10x16xf32>, tensor<2x10x16xf32>) {
  %0:3 = lipt.adamw_step %w, %g, %m, %v, %lr, %t {beta2 = 0.95, constraint = #lipt.constraint<hard_cap>, sigma_max = 1.0} : tensor<2x10x16xf32>, tensor<f64>, tensor<f64>
  return %0#0, %0#1, %0#2 : tensor<2x10x16xf32>, tensor<2x10x16xf32>, tensor<2x10x16xf32>
}
func.func @muon(%w: tensor<5x33x17xf32>, %g: tensor<5x33x17xf32>, %m: tensor<5x33x17xf32>, %lr: tensor<f32>) -> (tensor<5x33x17xf32>, tensor<5x33x17xf32>) {
  %0:2 = lipt.muon_step %w, %g, %m step_scalars(%lr : tensor<f32>) {constraint = #lipt.constraint<normalize>, sigma_max = 1.0, iters = 3, schedule = #lipt.schedule<"paper6">} : tensor<5x33x17xf32>
  return %0#0, %0#1 : tensor<5x33x17xf32>, tensor<5x33x17xf32>
}
// More rows than a grid's y or z dimension may hold (65535).
func.func @tall_rows(%w: tensor<70000x16xf32>, %g: tensor<70000x16xf32>, %m: tensor<70000x16xf32>, %lr: tensor<f64>) -> (tensor<70000x16xf32>, tensor<70000x16xf32>) {
  %0:2 = lipt.row_normalized_step %w, %g, %m, %lr {max_inflation = 4.0, max_rms = 0.5} : tensor<70000x16xf32>, tensor<f64>
  return %0#0, %0#1 : tensor<70000x16xf32>, tensor<70000x16xf32>
}
func.func @tall_batch(%w: tensor<70000x4x4xf32>) -> tensor<70000x4x4xf32> {
  %0 = lipt.spectral_hard_cap %w {sigma_max = 1.0} : tensor<70000x4x4xf32>
  return %0 : tensor<70000x4x4xf32>
}
func.func @user_matmul(%a: tensor<32x64xf32>, %b: tensor<64x16xf32>) -> tensor<32x16xf32> {
  %z = tensor.empty() : tensor<32x16xf32>
  %c0 = arith.constant 0.0 : f32
  %f = linalg.fill ins(%c0 : f32) outs(%z : tensor<32x16xf32>) -> tensor<32x16xf32>
  %m = linalg.matmul ins(%a, %b : tensor<32x64xf32>, tensor<64x16xf32>) outs(%f : tensor<32x16xf32>) -> tensor<32x16xf32>
  %0 = lipt.spectral_soft_cap %m {alpha = 0.1} : tensor<32x16xf32>
  return %0 : tensor<32x16xf32>
}
func.func @slices(%w: tensor<4x32x16xf32>) -> tensor<4x32x16xf32> {
  %s = tensor.extract_slice %w[1, 0, 0] [2, 32, 16] [1, 1, 1] : tensor<4x32x16xf32> to tensor<2x32x16xf32>
  %0 = lipt.spectral_soft_cap %s {alpha = 0.1} : tensor<2x32x16xf32>
  %r = tensor.insert_slice %0 into %w[1, 0, 0] [2, 32, 16] [1, 1, 1] : tensor<2x32x16xf32> into tensor<4x32x16xf32>
  return %r : tensor<4x32x16xf32>
}
