// RUN: lipt-opt %s --lipt-fuse-polynomials --split-input-file | FileCheck %s

// A tall weight: one polynomial in W^T W replaces the two steps.
// alpha 0.1: q = 1 - 0.03 A^2 + 0.003 A^3 - 0.0001 A^4.
// CHECK-LABEL: func.func @tall
// CHECK: lipt.odd_polynomial %{{.*}} {coefficients = array<f64: 1.000000e+00, 0.000000e+00, -0.0300000{{[0-9]*}}, 0.0030000{{[0-9]*}}, -1.00000{{[0-9]*}}E-4>} : tensor<1024x256xf32>
// CHECK-NOT: lipt.spectral_soft_cap
func.func @tall(%w: tensor<1024x256xf32>) -> tensor<1024x256xf32> {
  %0 = lipt.spectral_soft_cap %w {alpha = 0.1} : tensor<1024x256xf32>
  return %0 : tensor<1024x256xf32>
}

// -----

// Bounds fold into the coefficients: sigma_max 2 (spectral) is alpha / 4 on
// W, so 1 - 3 (0.025)^2 A^2 + ...
// CHECK-LABEL: func.func @wide_bounded
// CHECK: lipt.odd_polynomial %{{.*}} {coefficients = array<f64: 1.000000e+00, 0.000000e+00, -0.0018750{{[0-9]*}}, {{.*}}>} : tensor<3x8x32xbf16>
func.func @wide_bounded(%w: tensor<3x8x32xbf16>) -> tensor<3x8x32xbf16> {
  %0 = lipt.spectral_soft_cap %w {alpha = 0.1, sigma_max = 2.0} : tensor<3x8x32xbf16>
  return %0 : tensor<3x8x32xbf16>
}

// -----

// Square: the fused form costs as much as the two steps; left alone.
// CHECK-LABEL: func.func @square
// CHECK: lipt.spectral_soft_cap
// CHECK-NOT: lipt.odd_polynomial
func.func @square(%w: tensor<256x256xf32>) -> tensor<256x256xf32> {
  %0 = lipt.spectral_soft_cap %w {alpha = 0.1} : tensor<256x256xf32>
  return %0 : tensor<256x256xf32>
}
