// RUN: lipt-opt --allow-unregistered-dialect --lipt-import-custom-calls %s | FileCheck %s
// The same through stock mlir-opt with the plugin.

// A JAX export (jax.ffi.ffi_call): api_version 1, backend_config "", the
// attributes in mhlo.backend_config as f32; Python's 0.1 stays 0.1.
// CHECK-LABEL: func.func public @jax
// CHECK: lipt.spectral_soft_cap %{{.*}} {alpha = 1.000000e-01 : f64, mhlo.frontend_attributes = {}} : tensor<16x8xf32>
// CHECK: lipt.orthogonalize %{{.*}} {schedule = #lipt.schedule<"polar_express5">} : tensor<2x8x12xf32>
func.func public @jax(%w: tensor<16x8xf32> {mhlo.layout_mode = "default"}, %g: tensor<2x8x12xf32>) -> (tensor<16x8xf32> {jax.result_info = "result[0]"}, tensor<2x8x12xf32>) {
  %0 = "stablehlo.custom_call"(%w) <{api_version = 1 : i32, backend_config = "", call_target_name = "lipt.spectral_soft_cap", operand_layouts = [dense<[1, 0]> : tensor<2xindex>], result_layouts = [dense<[1, 0]> : tensor<2xindex>]}> {mhlo.backend_config = {alpha = 1.000000e-01 : f32}, mhlo.frontend_attributes = {}} : (tensor<16x8xf32>) -> tensor<16x8xf32>
  %1 = "stablehlo.custom_call"(%g) <{api_version = 1 : i32, backend_config = "", call_target_name = "lipt.orthogonalize", operand_layouts = [dense<[2, 1, 0]> : tensor<3xindex>], result_layouts = [dense<[2, 1, 0]> : tensor<3xindex>]}> {mhlo.backend_config = {schedule = "polar_express5"}} : (tensor<2x8x12xf32>) -> tensor<2x8x12xf32>
  return %0, %1 : tensor<16x8xf32>, tensor<2x8x12xf32>
}

// Typed FFI (api_version 4): integers of any width and signedness, booleans,
// strings for enums, an explicit schedule as attribute text, f16 floats; an
// mhlo.custom_call with a plain attribute dictionary; several results.
// CHECK-LABEL: func.func @typed_ffi
// CHECK: lipt.spectral_hard_cap %{{.*}} {norm = #lipt.norm<rms>, sigma_max = 2.000000e+00 : f64} : tensor<2x8x12xbf16>
// CHECK: lipt.spectral_normalize %{{.*}} {iters = 20 : i64, sigma_max = 1.500000e+00 : f64} : tensor<16x8xf32>
// CHECK: lipt.orthogonalize %{{.*}} {schedule = #lipt.schedule<{{\[\[}}1.500000e+00, -5.000000e-01, 0.000000e+00]], scale = 1.010000e+00>} : tensor<16x8xf32>
// CHECK: = lipt.muon_step %{{.*}}, %{{.*}}, %{{.*}} {beta = 0.94999999999999996 : f64, constraint = #lipt.constraint<soft_cap>, lr = 1.000000e-01 : f64, nesterov = true, norm = #lipt.norm<rms>, schedule = #lipt.schedule<"muon5">, sigma_max = 1.000000e+00 : f64} : tensor<16x8xf32>
func.func @typed_ffi(%w: tensor<16x8xf32>, %b: tensor<2x8x12xbf16>, %g: tensor<16x8xf32>, %m: tensor<16x8xf32>) -> (tensor<2x8x12xbf16>, tensor<16x8xf32>, tensor<16x8xf32>, tensor<16x8xf32>, tensor<16x8xf32>) {
  %0 = "stablehlo.custom_call"(%b) <{api_version = 4 : i32, backend_config = {method = "msign", norm = "rms", sigma_max = 2 : ui32}, call_target_name = "lipt.spectral_hard_cap", has_side_effect = false}> : (tensor<2x8x12xbf16>) -> tensor<2x8x12xbf16>
  %1 = "stablehlo.custom_call"(%w) <{api_version = 4 : i32, backend_config = {sigma_max = 1.5 : f64, iters = 20 : ui8}, call_target_name = "lipt.spectral_normalize"}> : (tensor<16x8xf32>) -> tensor<16x8xf32>
  %2 = "mhlo.custom_call"(%w) {api_version = 4 : i32, backend_config = {schedule = "#lipt.schedule<[[1.5, -0.5, 0.0]], scale = 1.01>", eps = 1.0e-7 : f32}, call_target_name = "lipt.orthogonalize"} : (tensor<16x8xf32>) -> tensor<16x8xf32>
  %3:2 = "stablehlo.custom_call"(%w, %g, %m) <{api_version = 4 : i32, backend_config = {lr = 0.1 : f32, beta = 0.95 : f32, nesterov = true, constraint = "soft_cap", sigma_max = 1 : si64, norm = "rms", schedule = "muon5"}, call_target_name = "lipt.muon_step"}> : (tensor<16x8xf32>, tensor<16x8xf32>, tensor<16x8xf32>) -> (tensor<16x8xf32>, tensor<16x8xf32>)
  return %0, %1, %2, %3#0, %3#1 : tensor<2x8x12xbf16>, tensor<16x8xf32>, tensor<16x8xf32>, tensor<16x8xf32>, tensor<16x8xf32>
}

// Calls to other targets stay as they were, next to an imported lipt call.
// CHECK-LABEL: func.func @others
// CHECK: "stablehlo.custom_call"(%{{.*}}) <{api_version = 4 : i32, backend_config = {lipt = 1 : i32}, call_target_name = "third_party.lipt.kernel"}> : (tensor<16x8xf32>) -> tensor<16x8xf32>
// CHECK: lipt.rms_project %{{.*}} : tensor<16x8xf32>
// CHECK: "stablehlo.custom_call"(%{{.*}}) {backend_config = "bytes", call_target_name = "Sharding"} : (tensor<16x8xf32>) -> tensor<16x8xf32>
func.func @others(%w: tensor<16x8xf32>) -> tensor<16x8xf32> {
  %0 = "stablehlo.custom_call"(%w) <{api_version = 4 : i32, backend_config = {lipt = 1 : i32}, call_target_name = "third_party.lipt.kernel"}> : (tensor<16x8xf32>) -> tensor<16x8xf32>
  %1 = "stablehlo.custom_call"(%0) <{api_version = 4 : i32, backend_config = {max_rms = 1 : i8}, call_target_name = "lipt.rms_project"}> : (tensor<16x8xf32>) -> tensor<16x8xf32>
  %2 = "stablehlo.custom_call"(%1) {backend_config = "bytes", call_target_name = "Sharding"} : (tensor<16x8xf32>) -> tensor<16x8xf32>
  return %2 : tensor<16x8xf32>
}

// torch-mlir: torch.operator "torch.lipt.<op>" (FX importer) and
// "lipt.<op>" (TorchScript), operands by the PyTorch schema, bridged with
// torch_c casts; the schema's defaults fill trailing arguments left out.
// CHECK-LABEL: func.func @torch
// CHECK: %[[B:.*]] = "torch_c.to_builtin_tensor"(%{{.*}}) : (!torch.vtensor<[16,8],f32>) -> tensor<16x8xf32>
// CHECK: %[[C:.*]] = lipt.spectral_hard_cap %[[B]] {sigma_max = 1.000000e+00 : f64} : tensor<16x8xf32>
// CHECK: %[[O:.*]] = lipt.orthogonalize %[[C]] {schedule = #lipt.schedule<"muon5">} : tensor<16x8xf32>
// CHECK: %[[T:.*]] = "torch_c.from_builtin_tensor"(%[[O]]) : (tensor<16x8xf32>) -> !torch.vtensor<[16,8],f32>
// CHECK: "torch.aten.relu"(%[[T]])
// CHECK-NOT: torch.operator
func.func @torch(%v: !torch.vtensor<[16,8],f32>) -> !torch.vtensor<[16,8],f32> {
  %s = "torch.constant.float"() <{value = 1.0 : f64}> : () -> !torch.float
  %m = "torch.constant.str"() <{value = "msign"}> : () -> !torch.str
  %n = "torch.constant.str"() <{value = "spectral"}> : () -> !torch.str
  %0 = "torch.operator"(%v, %s, %m, %n) <{name = "torch.lipt.spectral_hard_cap"}> : (!torch.vtensor<[16,8],f32>, !torch.float, !torch.str, !torch.str) -> !torch.vtensor<[16,8],f32>
  %1 = "torch.operator"(%0) <{name = "lipt.orthogonalize"}> : (!torch.vtensor<[16,8],f32>) -> !torch.vtensor<[16,8],f32>
  %2 = "torch.aten.relu"(%1) : (!torch.vtensor<[16,8],f32>) -> !torch.vtensor<[16,8],f32>
  return %2 : !torch.vtensor<[16,8],f32>
}
