// lipt ops -> generic stablehlo.custom_call (typed FFI), every attribute
// spelled out (defaults included, so the host sees the whole op), and import after
// export is the identity: the re-imported module prints exactly as the
// original.
// RUN: lipt-opt --allow-unregistered-dialect --lipt-export-custom-calls %s | FileCheck %s
// RUN: lipt-opt --allow-unregistered-dialect %s > %t.orig
// RUN: lipt-opt --allow-unregistered-dialect --lipt-export-custom-calls %s | lipt-opt --allow-unregistered-dialect --lipt-import-custom-calls > %t.back
// RUN: diff %t.orig %t.back
// Without unregistered dialects (and no StableHLO) there is nothing to export to.
// RUN: not lipt-opt --lipt-export-custom-calls %s 2>&1 | FileCheck %s --check-prefix=NOHLO
// NOHLO: error: exporting to stablehlo.custom_call needs StableHLO registered or unregistered dialects allowed

// CHECK-LABEL: func.func @step
// CHECK: "stablehlo.custom_call"(%{{.*}}) <{api_version = 4 : i32, backend_config = {alpha = 1.000000e-01 : f64, norm = "spectral"}, call_target_name = "lipt.spectral_soft_cap", has_side_effect = false}> {my.note = 1 : i32} : (tensor<16x8xf32>) -> tensor<16x8xf32>
// CHECK: "stablehlo.custom_call"(%{{.*}}) <{api_version = 4 : i32, backend_config = {method = "msign", norm = "rms", schedule = "msign_precise", sigma_max = 2.000000e+00 : f64}, call_target_name = "lipt.spectral_hard_cap", has_side_effect = false}>
// CHECK: backend_config = {eps = 9.9999999999999995E-8 : f64, schedule = "#lipt.schedule<{{\[\[}}1.500000e+00, -5.000000e-01, 0.000000e+00]], scale = 1.010000e+00>"}, call_target_name = "lipt.orthogonalize"
// CHECK: %{{.*}}:2 = "stablehlo.custom_call"(%{{.*}}, %{{.*}}, %{{.*}}) <{api_version = 4 : i32, backend_config = {beta = 0.94999999999999996 : f64, constraint = "soft_cap", iters = 16 : i64, lr = 1.000000e-01 : f64, nesterov = true, norm = "rms", schedule = "muon5", sigma_max = 1.000000e+00 : f64, target_norm = 1.000000e+00 : f64, wd = 0.000000e+00 : f64}, call_target_name = "lipt.muon_step", has_side_effect = false}>
func.func @step(%w: tensor<16x8xf32>, %g: tensor<16x8xf32>, %m: tensor<16x8xf32>, %b: tensor<2x8x12xbf16>) -> (tensor<16x8xf32>, tensor<2x8x12xbf16>, tensor<16x8xf32>, tensor<16x8xf32>, tensor<16x8xf32>) {
  %0 = lipt.spectral_soft_cap %w {alpha = 0.1, my.note = 1 : i32} : tensor<16x8xf32>
  %1 = lipt.spectral_hard_cap %b {sigma_max = 2.0, method = #lipt.hard_cap_method<msign>, schedule = #lipt.schedule<"msign_precise">, norm = #lipt.norm<rms>} : tensor<2x8x12xbf16>
  %2 = lipt.orthogonalize %0 {schedule = #lipt.schedule<[[1.5, -0.5, 0.0]], scale = 1.01>} : tensor<16x8xf32>
  %3:2 = lipt.muon_step %w, %g, %m {lr = 0.1, beta = 0.95, nesterov = true, constraint = #lipt.constraint<soft_cap>, sigma_max = 1.0, norm = #lipt.norm<rms>, schedule = #lipt.schedule<"muon5">} : tensor<16x8xf32>
  return %0, %1, %2, %3#0, %3#1 : tensor<16x8xf32>, tensor<2x8x12xbf16>, tensor<16x8xf32>, tensor<16x8xf32>, tensor<16x8xf32>
}

// Model ops describe a network, not a tensor map: they stay.
// CHECK-LABEL: func.func @model
// CHECK: lipt.embed
func.func @model(%t: tensor<4x8xi32>, %e: tensor<11x16xf32>) -> tensor<4x8x16xf32> {
  %x = lipt.embed %t, %e : tensor<4x8xi32>, tensor<11x16xf32> -> tensor<4x8x16xf32>
  return %x : tensor<4x8x16xf32>
}
