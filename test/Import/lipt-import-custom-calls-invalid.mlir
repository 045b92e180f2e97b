// Malformed lipt calls: a located error each, a non-zero exit, no crash.
// RUN: lipt-opt --allow-unregistered-dialect --lipt-import-custom-calls --split-input-file --verify-diagnostics %s

func.func @unknown_target(%w: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // expected-error @below {{unknown lipt op 'lipt.spectral_capp' (callable ops: muon_step, odd_polynomial, orthogonalize, power_iteration, rms_project, spectral_hammer, spectral_hard_cap, spectral_normalize, spectral_soft_cap, spectral_weight_decay)}}
  %0 = "stablehlo.custom_call"(%w) <{api_version = 4 : i32, backend_config = {alpha = 0.1 : f32}, call_target_name = "lipt.spectral_capp"}> : (tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @model_op_is_not_callable(%w: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // expected-error @below {{unknown lipt op 'lipt.mlp'}}
  %0 = "stablehlo.custom_call"(%w) <{api_version = 4 : i32, backend_config = {}, call_target_name = "lipt.mlp"}> : (tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @unknown_attribute(%w: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // expected-error @below {{'lipt.spectral_soft_cap' has no attribute 'alpah' (it takes: alpha, lr, norm, sigma_max, wd)}}
  %0 = "stablehlo.custom_call"(%w) <{api_version = 4 : i32, backend_config = {alpah = 0.1 : f32}, call_target_name = "lipt.spectral_soft_cap"}> : (tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @missing_attribute(%w: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // expected-error @below {{'lipt.spectral_hammer' op requires attribute 'sigma_max'}}
  %0 = "stablehlo.custom_call"(%w) <{api_version = 1 : i32, backend_config = "", call_target_name = "lipt.spectral_hammer"}> {mhlo.backend_config = {iters = 4 : i32}} : (tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @wrong_attribute_type(%w: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // expected-error @below {{attribute 'norm' of 'lipt.spectral_hammer' cannot be "operator"}}
  %0 = "stablehlo.custom_call"(%w) <{api_version = 4 : i32, backend_config = {sigma_max = 1.0 : f32, norm = "operator"}, call_target_name = "lipt.spectral_hammer"}> : (tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @attribute_out_of_range(%w: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // expected-error @below {{'lipt.spectral_hammer' op attribute 'sigma_max' must be}}
  %0 = "stablehlo.custom_call"(%w) <{api_version = 4 : i32, backend_config = {sigma_max = -1.0 : f32}, call_target_name = "lipt.spectral_hammer"}> : (tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @wrong_operand_count(%w: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // expected-error @below {{'lipt.spectral_soft_cap' op requires a single operand}}
  %0 = "stablehlo.custom_call"(%w, %w) <{api_version = 4 : i32, backend_config = {alpha = 0.1 : f32}, call_target_name = "lipt.spectral_soft_cap"}> : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @wrong_result_count(%w: tensor<4x4xf32>, %g: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // expected-error @below {{'lipt.muon_step' op expected 2 results}}
  %0 = "stablehlo.custom_call"(%w, %g, %g) <{api_version = 4 : i32, backend_config = {lr = 0.1 : f32}, call_target_name = "lipt.muon_step"}> : (tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @wrong_type(%w: tensor<4x4xi32>) -> tensor<4x4xi32> {
  // expected-error @below {{'lipt.spectral_soft_cap' op operand #0 must be}}
  %0 = "stablehlo.custom_call"(%w) <{api_version = 4 : i32, backend_config = {alpha = 0.1 : f32}, call_target_name = "lipt.spectral_soft_cap"}> : (tensor<4x4xi32>) -> tensor<4x4xi32>
  return %0 : tensor<4x4xi32>
}

// -----

func.func @tuple_result(%w: tensor<4x4xf32>) -> tuple<tensor<4x4xf32>> {
  // expected-error @below {{'lipt.spectral_soft_cap' op result #0 must be}}
  %0 = "stablehlo.custom_call"(%w) <{api_version = 4 : i32, backend_config = {alpha = 0.1 : f32}, call_target_name = "lipt.spectral_soft_cap"}> : (tensor<4x4xf32>) -> tuple<tensor<4x4xf32>>
  return %0 : tuple<tensor<4x4xf32>>
}

// -----

func.func @column_major(%w: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @below {{lipt computes on row-major (dense, minor-to-major [rank-1, ..., 0]) tensors; operand_layouts[0] is dense<[0, 1]> : tensor<2xindex>}}
  %0 = "stablehlo.custom_call"(%w) <{api_version = 1 : i32, backend_config = "", call_target_name = "lipt.spectral_soft_cap", operand_layouts = [dense<[0, 1]> : tensor<2xindex>], result_layouts = [dense<[1, 0]> : tensor<2xindex>]}> {mhlo.backend_config = {alpha = 0.1 : f32}} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @result_layout(%w: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @below {{result_layouts[0] is dense<[0, 1]> : tensor<2xindex>}}
  %0 = "stablehlo.custom_call"(%w) <{api_version = 1 : i32, backend_config = "", call_target_name = "lipt.spectral_soft_cap", operand_layouts = [dense<[1, 0]> : tensor<2xindex>], result_layouts = [dense<[0, 1]> : tensor<2xindex>]}> {mhlo.backend_config = {alpha = 0.1 : f32}} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @string_backend_config(%w: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // expected-error @below {{a string 'backend_config' is opaque bytes that lipt cannot read}}
  %0 = "stablehlo.custom_call"(%w) <{api_version = 2 : i32, backend_config = "alpha=0.1", call_target_name = "lipt.spectral_soft_cap"}> : (tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @side_effect(%w: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // expected-error @below {{'lipt.spectral_soft_cap' is pure; a call with has_side_effect = true cannot become it}}
  %0 = "stablehlo.custom_call"(%w) <{api_version = 4 : i32, backend_config = {alpha = 0.1 : f32}, call_target_name = "lipt.spectral_soft_cap", has_side_effect = true}> : (tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @torch_not_constant(%v: !torch.vtensor<[4,4],f32>, %a: !torch.float) -> !torch.vtensor<[4,4],f32> {
  // expected-error @below {{argument 'alpha' must be a torch.constant}}
  %0 = "torch.operator"(%v, %a) <{name = "torch.lipt.spectral_soft_cap"}> : (!torch.vtensor<[4,4],f32>, !torch.float) -> !torch.vtensor<[4,4],f32>
  return %0 : !torch.vtensor<[4,4],f32>
}

// -----

func.func @torch_unknown(%v: !torch.vtensor<[4,4],f32>) -> !torch.vtensor<[4,4],f32> {
  // expected-error @below {{unknown lipt operator 'torch.lipt.soft_cap'}}
  %0 = "torch.operator"(%v) <{name = "torch.lipt.soft_cap"}> : (!torch.vtensor<[4,4],f32>) -> !torch.vtensor<[4,4],f32>
  return %0 : !torch.vtensor<[4,4],f32>
}

// -----

func.func @torch_dynamic(%v: !torch.vtensor<[?,4],f32>) -> !torch.vtensor<[?,4],f32> {
  %c = "torch.constant.float"() <{value = 0.1 : f64}> : () -> !torch.float
  // expected-error @below {{tensor argument 'weight' must be a statically shaped f64/f32/f16/bf16 !torch.vtensor, got '!torch.vtensor<[?,4],f32>'}}
  %0 = "torch.operator"(%v, %c) <{name = "torch.lipt.spectral_soft_cap"}> : (!torch.vtensor<[?,4],f32>, !torch.float) -> !torch.vtensor<[?,4],f32>
  return %0 : !torch.vtensor<[?,4],f32>
}

// -----

func.func @torch_operand_count(%v: !torch.vtensor<[4,4],f32>) -> !torch.vtensor<[4,4],f32> {
  // expected-error @below {{'torch.lipt.spectral_soft_cap' takes 2 operands, got 1}}
  %0 = "torch.operator"(%v) <{name = "torch.lipt.spectral_soft_cap"}> : (!torch.vtensor<[4,4],f32>) -> !torch.vtensor<[4,4],f32>
  return %0 : !torch.vtensor<[4,4],f32>
}
