// RUN: lipt-opt %s --lipt-decompose-muon-step | FileCheck %s

// The step becomes momentum and weight updates around lipt.orthogonalize
// (muon5 by default) and the constraint op, on the batched f32 form; the
// soft cap's coupling is explicit: lr * target_norm * gain(muon5).
// CHECK-LABEL: func.func @step
// CHECK: lipt.orthogonalize %{{.*}} {schedule = #lipt.schedule<"muon5">} : tensor<1x64x16xf32>
// CHECK: lipt.spectral_soft_cap %{{.*}} {lr = 1.923{{[0-9]*}} : f64, norm = #lipt.norm<rms>, sigma_max = 6.000000e+00 : f64, wd = 0.000000e+00 : f64} : tensor<1x64x16xf32>
// CHECK-NOT: lipt.muon_step
func.func @step(%w: tensor<64x16xf32>, %g: tensor<64x16xf32>, %m: tensor<64x16xf32>)
    -> (tensor<64x16xf32>, tensor<64x16xf32>) {
  %0, %1 = lipt.muon_step %w, %g, %m {lr = 0.1, target_norm = 16.0,
      constraint = #lipt.constraint<soft_cap>, sigma_max = 6.0,
      norm = #lipt.norm<rms>} : tensor<64x16xf32>
  return %0, %1 : tensor<64x16xf32>, tensor<64x16xf32>
}

// With lr and the soft cap's strength as operands, both are read at run time
// (no coupling folded in) and the cap is two polynomial steps on W.
// CHECK-LABEL: func.func @step_with_operands
// CHECK: lipt.orthogonalize
// CHECK: tensor.extract %{{.*}}[] : tensor<f32>
// CHECK: tensor.extract %{{.*}}[] : tensor<f64>
// CHECK-NOT: lipt.spectral_soft_cap
// CHECK-NOT: lipt.muon_step
func.func @step_with_operands(%w: tensor<4x64x16xf32>, %g: tensor<4x64x16xf32>,
    %m: tensor<4x64x16xf32>, %lr: tensor<f32>, %alpha: tensor<f64>)
    -> (tensor<4x64x16xf32>, tensor<4x64x16xf32>) {
  %0, %1 = lipt.muon_step %w, %g, %m step_scalars(%lr, %alpha : tensor<f32>, tensor<f64>) {
      target_norm = 16.0, constraint = #lipt.constraint<soft_cap>,
      sigma_max = 6.0, norm = #lipt.norm<rms>} : tensor<4x64x16xf32>
  return %0, %1 : tensor<4x64x16xf32>, tensor<4x64x16xf32>
}
