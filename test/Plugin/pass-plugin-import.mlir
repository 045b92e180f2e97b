// Stock mlir-opt with only the pass plugin: a host that knows nothing of
// lipt runs lipt-import-and-lower on generic StableHLO from JAX. The lipt
// dialect comes in as the import's dependent dialect; the third-party call
// stays.
// RUN: %stock_mlir_opt --allow-unregistered-dialect --load-pass-plugin=%lipt_plugin --pass-pipeline='builtin.module(lipt-import-and-lower)' %s | FileCheck %s --implicit-check-not='= lipt.'

// CHECK-LABEL: func.func public @main
// CHECK: "stablehlo.custom_call"(%{{.*}}) <{api_version = 4 : i32, backend_config = {}, call_target_name = "other.kernel"}>
// CHECK: linalg.generic
// CHECK: return
func.func public @main(%w: tensor<16x8xf32>) -> tensor<16x8xf32> {
  %0 = "stablehlo.custom_call"(%w) <{api_version = 4 : i32, backend_config = {}, call_target_name = "other.kernel"}> : (tensor<16x8xf32>) -> tensor<16x8xf32>
  %1 = "stablehlo.custom_call"(%0) <{api_version = 1 : i32, backend_config = "", call_target_name = "lipt.spectral_soft_cap"}> {mhlo.backend_config = {alpha = 1.000000e-01 : f32}} : (tensor<16x8xf32>) -> tensor<16x8xf32>
  return %1 : tensor<16x8xf32>
}
