// Every lipt pass and pipeline on third-party IR (Inputs/third-party.mlir:
// generic-form StableHLO with properties and attribute dictionaries,
// !stablehlo.token, tuples, torch-mlir types and attributes, custom calls to
// other targets) next to lipt ops: the foreign ops, types and attributes
// come out exactly as they went in, and nothing crashes (this used to be a
// segmentation fault in --lipt-lower-to-linalg).
//
// RUN: lipt-opt --allow-unregistered-dialect --lower-spectral-cap %S/Inputs/third-party.mlir | FileCheck %s
// RUN: lipt-opt --allow-unregistered-dialect --lipt-lower-to-linalg %S/Inputs/third-party.mlir | FileCheck %s --implicit-check-not='= lipt.'
// RUN: lipt-opt --allow-unregistered-dialect --lipt-batch-same-shape %S/Inputs/third-party.mlir | FileCheck %s
// RUN: lipt-opt --allow-unregistered-dialect --lipt-decompose-muon-step %S/Inputs/third-party.mlir | FileCheck %s
// RUN: lipt-opt --allow-unregistered-dialect --lipt-fuse-polynomials %S/Inputs/third-party.mlir | FileCheck %s
// RUN: lipt-opt --allow-unregistered-dialect --lipt-import-custom-calls %S/Inputs/third-party.mlir | FileCheck %s
// RUN: lipt-opt --allow-unregistered-dialect --lipt-export-custom-calls %S/Inputs/third-party.mlir | FileCheck %s --implicit-check-not='= lipt.'
// RUN: lipt-opt --allow-unregistered-dialect --lipt-import-and-lower %S/Inputs/third-party.mlir | FileCheck %s --implicit-check-not='= lipt.'
// RUN: lipt-opt --allow-unregistered-dialect --lipt-linalg-to-blas %S/Inputs/third-party.mlir | FileCheck %s
//
// The CPU pipeline compiles to LLVM, which it cannot do for ops nobody
// registered: a located error naming the op, not a crash.
// RUN: not lipt-opt --allow-unregistered-dialect --lipt-cpu-pipeline %S/Inputs/third-party.mlir 2>&1 | FileCheck %s --check-prefix=CPU
// CPU: third-party.mlir:7:10: error: lipt's CPU pipeline cannot compile 'stablehlo.custom_call' (its dialect is not registered)

// CHECK-DAG: module attributes {mhlo.num_partitions = 1 : i32, torch.debug_module_name = "M"} {
// CHECK-DAG: func.func @main({{%[^ ,)]+}}: tensor<16x8xf32>, {{%[^ ,)]+}}: !stablehlo.token, {{%[^ ,)]+}}: !torch.vtensor<[4],f32>) -> (tensor<16x8xf32>, tensor<16x8xf32>, !stablehlo.token, tuple<tensor<16x8xf32>, !stablehlo.token>, !torch.vtensor<[4],f32>) {
// CHECK-DAG: {{%[^ ,)]+}} = "stablehlo.custom_call"({{%[^ ,)]+}}) <{api_version = 4 : i32, backend_config = {level = 3 : i32}, call_target_name = "third_party.kernel", has_side_effect = false, operand_layouts = [dense<[1, 0]> : tensor<2xindex>], output_operand_aliases = [#stablehlo.output_operand_alias<output_tuple_indices = [], operand_index = 0, operand_tuple_indices = []>], result_layouts = [dense<[1, 0]> : tensor<2xindex>]}> {mhlo.frontend_attributes = {_xla_stream = "0"}} : (tensor<16x8xf32>) -> tensor<16x8xf32>
// CHECK-DAG: {{%[^ ,)]+}} = "stablehlo.add"({{%[^ ,)]+}}, {{%[^ ,)]+}}) : (tensor<16x8xf32>, tensor<16x8xf32>) -> tensor<16x8xf32>
// CHECK-DAG: {{%[^ ,)]+}} = "stablehlo.after_all"({{%[^ ,)]+}}) : (!stablehlo.token) -> !stablehlo.token
// CHECK-DAG: {{%[^ ,)]+}} = "stablehlo.tuple"({{%[^ ,)]+}}, {{%[^ ,)]+}}) : (tensor<16x8xf32>, !stablehlo.token) -> tuple<tensor<16x8xf32>, !stablehlo.token>
// CHECK-DAG: {{%[^ ,)]+}} = "torch.aten.relu"({{%[^ ,)]+}}) {torch.note = #torch.opaque<"x">} : (!torch.vtensor<[4],f32>) -> !torch.vtensor<[4],f32>
// CHECK-DAG: {{%[^ ,)]+}} = "stablehlo.custom_call"({{%[^ ,)]+}}) {api_version = 1 : i32, backend_config = "opaque-bytes", call_target_name = "Sharding", mhlo.sharding = "{replicated}"} : (tensor<16x8xf32>) -> tensor<16x8xf32>
// CHECK-DAG: return {{%[^ ,)]+}}, {{%[^ ,)]+}}, {{%[^ ,)]+}}, {{%[^ ,)]+}}, {{%[^ ,)]+}} : tensor<16x8xf32>, tensor<16x8xf32>, !stablehlo.token, tuple<tensor<16x8xf32>, !stablehlo.token>, !torch.vtensor<[4],f32>
