// RUN: lipt-opt %s --lower-spectral-cap --split-input-file | FileCheck %s

// A tall weight is capped through its small Gram matrix W^T W (16x16). The
// scaled identity joins the small matrix: W + W (-a W^T W) = W (I - a W^T W),
// one pass over the 16x16 matrix (its diagonal gets +1) and one product into
// a zeroed buffer, with no pass over W for an accumulator.
// CHECK-DAG: #[[$TL:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d1)>
// CHECK-DAG: #[[$TR:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>
// CHECK-LABEL: func.func @soft_cap_tall
// CHECK-SAME: (%[[W:.*]]: tensor<64x16xf32>)
// CHECK: %[[X:.*]] = tensor.expand_shape %[[W]] {{\[\[}}0, 1], [2]] output_shape [1, 64, 16]
// CHECK: %[[G:.*]] = linalg.generic {indexing_maps = [#[[$TL]], #[[$TR]], #{{.*}}]{{.*}} ins(%[[X]], %[[X]] : {{.*}}) outs(%{{.*}} : tensor<1x16x16xf32>)
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG: %[[NEGA:.*]] = arith.constant -1.000000e-01 : f32
// CHECK: %[[Q1:.*]] = linalg.generic {{.*}} ins(%[[G]] : tensor<1x16x16xf32>)
// CHECK: %[[S1:.*]] = arith.mulf %[[NEGA]], %{{.*}} : f32
// CHECK: %[[I1:.*]] = linalg.index 1
// CHECK: %[[J1:.*]] = linalg.index 2
// CHECK: %[[D1:.*]] = arith.cmpi eq, %[[I1]], %[[J1]]
// CHECK: %[[P1D:.*]] = arith.addf %[[S1]], %[[ONE]]
// CHECK: arith.select %[[D1]], %[[P1D]], %[[S1]]
// CHECK: %[[Z1:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x64x16xf32>)
// CHECK: %[[P1:.*]] = linalg.generic {{.*}} ins(%[[X]], %[[Q1]] : tensor<1x64x16xf32>, tensor<1x16x16xf32>) outs(%[[Z1]] : tensor<1x64x16xf32>)
// CHECK: arith.constant 1.000000e-01 : f32
// CHECK: %[[P2:.*]] = linalg.generic {{.*}} ins(%[[P1]], %{{.*}} : tensor<1x64x16xf32>, tensor<1x16x16xf32>) outs(%{{.*}} : tensor<1x64x16xf32>)
// CHECK: %[[R:.*]] = tensor.collapse_shape %[[P2]] {{\[\[}}0, 1], [2]] : tensor<1x64x16xf32> into tensor<64x16xf32>
// CHECK: return %[[R]]
// CHECK-NOT: lipt.
func.func @soft_cap_tall(%w: tensor<64x16xf32>) -> tensor<64x16xf32> {
  %0 = lipt.spectral_soft_cap %w {alpha = 0.1} : tensor<64x16xf32>
  return %0 : tensor<64x16xf32>
}

// -----

// A wide bf16 batch of rank 4: batch dims collapse to one, values widen to
// f32, the Gram matrix is W W^T (8x8), and (I - a W W^T) W multiplies from
// the left; results narrow back to bf16 and the batch dims are restored.
// CHECK-DAG: #[[$WL:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[$WR:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-LABEL: func.func @soft_cap_wide_bf16_batched
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1], [2], [3]] : tensor<2x3x8x32xbf16> into tensor<6x8x32xbf16>
// CHECK: arith.extf %{{.*}} : bf16 to f32
// CHECK: linalg.generic {indexing_maps = [#[[$WL]], #[[$WR]], #{{.*}}]{{.*}} outs(%{{.*}} : tensor<6x8x8xf32>)
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<6x8x8xf32>, tensor<6x8x32xf32>) outs(%{{.*}} : tensor<6x8x32xf32>)
// CHECK: arith.truncf %{{.*}} : f32 to bf16
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2], [3]] output_shape [2, 3, 8, 32] : tensor<6x8x32xbf16> into tensor<2x3x8x32xbf16>
func.func @soft_cap_wide_bf16_batched(%w: tensor<2x3x8x32xbf16>) -> tensor<2x3x8x32xbf16> {
  %0 = lipt.spectral_soft_cap %w {alpha = 0.1} : tensor<2x3x8x32xbf16>
  return %0 : tensor<2x3x8x32xbf16>
}

// -----

// The coupled strength is computed on the host and folded into the
// coefficients: sigma_max 2 with lr 0.2 gives k = 1.1, alpha = 0.158864...
// on W / 2, i.e. 0.0397161... on W.
// CHECK-LABEL: func.func @soft_cap_coupled
// CHECK: arith.constant -0.0397161{{[0-9]*}} : f32
// CHECK: arith.constant 0.0397161{{[0-9]*}} : f32
func.func @soft_cap_coupled(%w: tensor<16x16xf32>) -> tensor<16x16xf32> {
  %0 = lipt.spectral_soft_cap %w {sigma_max = 2.0, lr = 0.2} : tensor<16x16xf32>
  return %0 : tensor<16x16xf32>
}

// -----

// RMS->RMS bounds become spectral ones: sigma_max 1 on a 64x16 weight is
// sigma_1 <= sqrt(64 / 16) = 2; alpha 0.1 on W / 2 is 0.025 on W.
// CHECK-LABEL: func.func @soft_cap_rms
// CHECK: arith.constant -2.500000e-02 : f32
func.func @soft_cap_rms(%w: tensor<64x16xf32>) -> tensor<64x16xf32> {
  %0 = lipt.spectral_soft_cap %w {alpha = 0.1, sigma_max = 1.0, norm = #lipt.norm<rms>} : tensor<64x16xf32>
  return %0 : tensor<64x16xf32>
}

// -----

// The polynomial hard cap: first the rescale into the polynomial's valid
// range (divide by max(1, ||A^2||_F^(1/4) / (3.5 sigma_max))), then 4 steps,
// coefficients of paper-notes scaled by the bound (sigma_max 2: b / 4,
// c / 16), each with a Gram matrix and its square, and a I + b A + c A^2
// formed in one pass (a, b, c in that order).
// CHECK-LABEL: func.func @hard_cap_polynomial
// CHECK: math.sqrt
// CHECK: math.sqrt
// CHECK: arith.constant 7.000000e+00 : f32
// CHECK: arith.maximumf
// CHECK: arith.constant 8.050320e-01 : f32
// CHECK: arith.constant 0.0515902{{[0-9]*}} : f32
// CHECK: arith.constant -0.00123518{{[0-9]*}} : f32
// CHECK: arith.constant 0.64986{{[0-9]*}} : f32
// CHECK: arith.constant 0.0407337{{[0-9]*}} : f32
// CHECK: arith.constant 1.810258{{[0-9]*}} : f32
// CHECK: arith.constant 1.004384{{[0-9]*}} : f32
// CHECK-NOT: lipt.
func.func @hard_cap_polynomial(%w: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %0 = lipt.spectral_hard_cap %w {sigma_max = 2.0, method = #lipt.hard_cap_method<polynomial>} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

// The exact hard cap: two Frobenius normalisations (msign of M and of
// Q - M), f64 kept as f64.
// CHECK-LABEL: func.func @hard_cap_msign
// CHECK-COUNT-2: math.sqrt %{{.*}} : f64
// CHECK-NOT: lipt.
func.func @hard_cap_msign(%w: tensor<6x10xf64>) -> tensor<6x10xf64> {
  %0 = lipt.spectral_hard_cap %w {sigma_max = 1.0, method = #lipt.hard_cap_method<msign>} : tensor<6x10xf64>
  return %0 : tensor<6x10xf64>
}

// -----

// Only the caps are lowered by this pass.
// CHECK-LABEL: func.func @other_ops_untouched
// CHECK: lipt.orthogonalize
// CHECK-NOT: lipt.spectral_soft_cap
func.func @other_ops_untouched(%w: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %0 = lipt.orthogonalize %w {schedule = #lipt.schedule<"muon5">} : tensor<8x8xf32>
  %1 = lipt.spectral_soft_cap %0 {alpha = 0.1} : tensor<8x8xf32>
  return %1 : tensor<8x8xf32>
}
