// Third-party IR as other frameworks write it: generic-form StableHLO with
// properties and plain attribute dictionaries, opaque types (!stablehlo.token,
// tuples), torch-mlir value types, a custom call to another target, and lipt
// ops in between. Every lipt pass must leave the foreign parts as they are.
module attributes {mhlo.num_partitions = 1 : i32, torch.debug_module_name = "M"} {
  func.func @main(%w: tensor<16x8xf32>, %tok: !stablehlo.token, %t: !torch.vtensor<[4],f32>) -> (tensor<16x8xf32>, tensor<16x8xf32>, !stablehlo.token, tuple<tensor<16x8xf32>, !stablehlo.token>, !torch.vtensor<[4],f32>) {
    %0 = "stablehlo.custom_call"(%w) <{api_version = 4 : i32, backend_config = {level = 3 : i32}, call_target_name = "third_party.kernel", has_side_effect = false, operand_layouts = [dense<[1, 0]> : tensor<2xindex>], output_operand_aliases = [#stablehlo.output_operand_alias<output_tuple_indices = [], operand_index = 0, operand_tuple_indices = []>], result_layouts = [dense<[1, 0]> : tensor<2xindex>]}> {mhlo.frontend_attributes = {_xla_stream = "0"}} : (tensor<16x8xf32>) -> tensor<16x8xf32>
    %1 = lipt.spectral_soft_cap %0 {alpha = 0.1} : tensor<16x8xf32>
    %2 = "stablehlo.add"(%1, %0) : (tensor<16x8xf32>, tensor<16x8xf32>) -> tensor<16x8xf32>
    %3 = "lipt.orthogonalize"(%2) <{schedule = #lipt.schedule<"muon5">}> : (tensor<16x8xf32>) -> tensor<16x8xf32>
    %4 = "stablehlo.after_all"(%tok) : (!stablehlo.token) -> !stablehlo.token
    %5 = "stablehlo.tuple"(%3, %4) : (tensor<16x8xf32>, !stablehlo.token) -> tuple<tensor<16x8xf32>, !stablehlo.token>
    %6 = "torch.aten.relu"(%t) {torch.note = #torch.opaque<"x">} : (!torch.vtensor<[4],f32>) -> !torch.vtensor<[4],f32>
    %7 = "stablehlo.custom_call"(%1) {api_version = 1 : i32, backend_config = "opaque-bytes", call_target_name = "Sharding", mhlo.sharding = "{replicated}"} : (tensor<16x8xf32>) -> tensor<16x8xf32>
    return %7, %3, %4, %5, %6 : tensor<16x8xf32>, tensor<16x8xf32>, !stablehlo.token, tuple<tensor<16x8xf32>, !stablehlo.token>, !torch.vtensor<[4],f32>
  }
}
