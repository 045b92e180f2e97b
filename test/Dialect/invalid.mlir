// RUN: lipt-opt %s --split-input-file --verify-diagnostics
// One case per verifier and per parser check of the lipt dialect.

func.func @rank_one(%w: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @below {{expects the weight to be a matrix [fan_out, fan_in] or a batch of matrices (rank >= 2), got rank 1}}
  %0 = lipt.spectral_soft_cap %w {alpha = 0.1} : tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

func.func @integer_weight(%w: tensor<8x8xi32>) -> tensor<8x8xi32> {
  // expected-error @below {{must be ranked tensor of 64-bit float or 32-bit float or 16-bit float or bfloat16 type values}}
  %0 = "lipt.spectral_soft_cap"(%w) {alpha = 0.1 : f64} : (tensor<8x8xi32>) -> tensor<8x8xi32>
  return %0 : tensor<8x8xi32>
}

// -----

func.func @result_type_mismatch(%w: tensor<8x8xf32>) -> tensor<8x8xf16> {
  // expected-error @below {{all of {weight, result} have same type}}
  %0 = "lipt.spectral_soft_cap"(%w) {alpha = 0.1 : f64} : (tensor<8x8xf32>) -> tensor<8x8xf16>
  return %0 : tensor<8x8xf16>
}

// -----

func.func @negative_alpha(%w: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{attribute 'alpha' must be >= 0 (a negative strength amplifies singular values), got -1.000000e-01}}
  %0 = lipt.spectral_soft_cap %w {alpha = -0.1} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @soft_cap_no_strength(%w: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{needs 'alpha', or 'sigma_max' with 'lr' (and optionally 'wd') to derive alpha by Theorem 3.1}}
  %0 = lipt.spectral_soft_cap %w {sigma_max = 1.0} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @soft_cap_both_strengths(%w: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{takes either 'alpha', or 'sigma_max' with 'lr'}}
  %0 = lipt.spectral_soft_cap %w {alpha = 0.1, sigma_max = 1.0, lr = 0.1} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @soft_cap_zero_sigma(%w: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{attribute 'sigma_max' must be > 0 (a norm bound), got 0.000000e+00}}
  %0 = lipt.spectral_soft_cap %w {sigma_max = 0.0, lr = 0.1} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @soft_cap_bad_wd(%w: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{attribute 'wd' must be in [0, 1) (the weight is scaled by 1 - wd), got 1.000000e+00}}
  %0 = lipt.spectral_soft_cap %w {sigma_max = 1.0, lr = 0.1, wd = 1.0} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @soft_cap_negative_lr(%w: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{attribute 'lr' must be >= 0 (the norm of the preceding update), got -1.000000e-01}}
  %0 = lipt.spectral_soft_cap %w {sigma_max = 1.0, lr = -0.1} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @soft_cap_step_too_large(%w: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{can grow it to k = 3 x sigma_max; the soft cap guarantees the bound only up to k = 2.6129}}
  %0 = lipt.spectral_soft_cap %w {sigma_max = 1.0, lr = 2.0} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @soft_cap_nan(%w: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{attribute 'alpha' must be finite}}
  %0 = lipt.spectral_soft_cap %w {alpha = 0x7FF8000000000000 : f64} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @hard_cap_negative(%w: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{attribute 'sigma_max' must be > 0 (a norm bound), got -1.000000e+00}}
  %0 = lipt.spectral_hard_cap %w {sigma_max = -1.0} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @hard_cap_missing_bound(%w: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{requires attribute 'sigma_max'}}
  %0 = lipt.spectral_hard_cap %w {method = #lipt.hard_cap_method<msign>} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @hard_cap_unknown_method(%w: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{failed to parse Lipt_HardCapMethodAttr parameter 'value'}}
  // expected-error @below {{expected ::mlir::lipt::HardCapMethod to be one of: polynomial, msign}}
  %0 = lipt.spectral_hard_cap %w {sigma_max = 1.0, method = #lipt.hard_cap_method<svd>} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @hard_cap_schedule_without_msign(%w: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{attribute 'schedule' is only used by method = msign}}
  %0 = lipt.spectral_hard_cap %w {sigma_max = 1.0, method = #lipt.hard_cap_method<polynomial>, schedule = #lipt.schedule<"muon5">} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @unknown_norm(%w: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{failed to parse Lipt_NormAttr parameter 'value'}}
  // expected-error @below {{expected ::mlir::lipt::NormKind to be one of: spectral, rms}}
  %0 = lipt.spectral_hard_cap %w {sigma_max = 1.0, norm = #lipt.norm<frobenius>} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @empty_schedule(%g: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{schedule must have at least one (a, b, c) step}}
  %0 = lipt.orthogonalize %g {schedule = #lipt.schedule<[]>} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @short_schedule_step(%g: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{each schedule step is [a, b, c], got 2 values}}
  %0 = lipt.orthogonalize %g {schedule = #lipt.schedule<[[1.5, -0.5]]>} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @unknown_schedule(%g: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{unknown schedule "muon7"; known schedules: muon5, paper6, nanogpt5, polar_express5, msign_precise}}
  %0 = lipt.orthogonalize %g {schedule = #lipt.schedule<"muon7">} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @schedule_bad_scale(%g: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{schedule scale must be a finite value > 0, got 0}}
  %0 = lipt.orthogonalize %g {schedule = #lipt.schedule<[[1.5, -0.5, 0.0]], scale = 0.0>} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @orthogonalize_no_schedule(%g: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{requires attribute 'schedule'}}
  %0 = lipt.orthogonalize %g : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @orthogonalize_bad_eps(%g: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{attribute 'eps' must be > 0}}
  %0 = lipt.orthogonalize %g {schedule = #lipt.schedule<"muon5">, eps = 0.0} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @power_iteration_zero_iters(%w: tensor<8x4xf32>, %v: tensor<4xf32>) -> tensor<f32> {
  // expected-error @below {{attribute 'iters' must be in [1, 1024] (number of power iterations, unrolled by the lowering), got 0}}
  %s, %u, %v1 = lipt.power_iteration %w, %v {iters = 0} : tensor<8x4xf32>, tensor<4xf32> -> tensor<f32>, tensor<8xf32>, tensor<4xf32>
  return %s : tensor<f32>
}

// -----

func.func @power_iteration_start_shape(%w: tensor<8x4xf32>, %v: tensor<8xf32>) -> tensor<f32> {
  // expected-error @below {{start vector must be batch dims followed by fan_in: 'tensor<4xf32>' for weight 'tensor<8x4xf32>', got 'tensor<8xf32>'}}
  %s, %u, %v1 = lipt.power_iteration %w, %v : tensor<8x4xf32>, tensor<8xf32> -> tensor<f32>, tensor<8xf32>, tensor<4xf32>
  return %s : tensor<f32>
}

// -----

func.func @power_iteration_sigma_shape(%w: tensor<2x8x4xf32>, %v: tensor<2x4xf32>) -> tensor<f32> {
  // expected-error @below {{result sigma must be one value per matrix (the batch dims): 'tensor<2xf32>' for weight 'tensor<2x8x4xf32>', got 'tensor<f32>'}}
  %s, %u, %v1 = lipt.power_iteration %w, %v : tensor<2x8x4xf32>, tensor<2x4xf32> -> tensor<f32>, tensor<2x8xf32>, tensor<2x4xf32>
  return %s : tensor<f32>
}

// -----

func.func @power_iteration_element_type(%w: tensor<8x4xf32>, %v: tensor<4xf16>) -> tensor<f32> {
  // expected-error @below {{start vector must have the weight's element type 'f32', got 'f16'}}
  %s, %u, %v1 = lipt.power_iteration %w, %v : tensor<8x4xf32>, tensor<4xf16> -> tensor<f32>, tensor<8xf32>, tensor<4xf32>
  return %s : tensor<f32>
}

// -----

func.func @hammer_zero_iters(%w: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{attribute 'iters' must be in [1, 1024]}}
  %0 = lipt.spectral_hammer %w {sigma_max = 1.0, iters = 0} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @hammer_bad_bound(%w: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{attribute 'sigma_max' must be > 0}}
  %0 = lipt.spectral_hammer %w {sigma_max = 0.0} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @normalize_bad_bound(%w: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{attribute 'sigma_max' must be > 0}}
  %0 = lipt.spectral_normalize %w {sigma_max = -2.0} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @normalize_rank(%w: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @below {{expects the weight to be a matrix}}
  %0 = lipt.spectral_normalize %w {sigma_max = 1.0} : tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

func.func @weight_decay_rate(%w: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{attribute 'rate' must be in [0, 1] (sigma_1 becomes (1 - rate) sigma_1), got 1.500000e+00}}
  %0 = lipt.spectral_weight_decay %w {rate = 1.5} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @weight_decay_iters(%w: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{attribute 'iters' must be in [1, 1024] (number of power iterations, unrolled by the lowering), got -3}}
  %0 = lipt.spectral_weight_decay %w {rate = 0.1, iters = -3} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @rms_project_axis(%w: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{attribute 'axis' must be a dimension of the weight, in [0, 2), got 2}}
  %0 = lipt.rms_project %w {axis = 2} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @rms_project_max(%w: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{attribute 'max_rms' must be > 0 (a norm bound), got 0.000000e+00}}
  %0 = lipt.rms_project %w {max_rms = 0.0} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @muon_beta(%w: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{attribute 'beta' must be in [0, 1) (momentum averaging factor), got 1.000000e+00}}
  %0, %1 = lipt.muon_step %w, %w, %w {lr = 0.1, beta = 1.0} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @muon_negative_lr(%w: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{attribute 'lr' must be >= 0 (a learning rate), got -1.000000e-01}}
  %0, %1 = lipt.muon_step %w, %w, %w {lr = -0.1} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @muon_missing_lr(%w: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{needs a learning rate: attribute 'lr', or an lr operand (step_scalars)}}
  %0, %1 = lipt.muon_step %w, %w, %w {beta = 0.9} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @muon_lr_twice(%w: tensor<8x8xf32>, %lr: tensor<f32>) -> tensor<8x8xf32> {
  // expected-error @below {{takes the learning rate once: attribute 'lr' or an lr operand, not both}}
  %0, %1 = lipt.muon_step %w, %w, %w step_scalars(%lr : tensor<f32>) {lr = 0.1} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @muon_soft_cap_without_strength(%w: tensor<8x8xf32>, %lr: tensor<f32>) -> tensor<8x8xf32> {
  // expected-error @below {{with an lr operand takes 2 step scalars (lr, then the soft cap's strength alpha), got 1}}
  %0, %1 = lipt.muon_step %w, %w, %w step_scalars(%lr : tensor<f32>) {constraint = #lipt.constraint<soft_cap>, sigma_max = 1.0} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @muon_strength_without_soft_cap(%w: tensor<8x8xf32>, %lr: tensor<f32>) -> tensor<8x8xf32> {
  // expected-error @below {{with an lr operand takes 1 step scalar (lr; only a soft cap adds its strength), got 2}}
  %0, %1 = lipt.muon_step %w, %w, %w step_scalars(%lr, %lr : tensor<f32>, tensor<f32>) {constraint = #lipt.constraint<hard_cap>, sigma_max = 1.0} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @muon_lr_not_scalar(%w: tensor<8x8xf32>, %lr: tensor<1xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{operand #3 must be variadic of 0D tensor of 64-bit float or 32-bit float values}}
  %0, %1 = lipt.muon_step %w, %w, %w step_scalars(%lr : tensor<1xf32>) : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @muon_decay_too_large(%w: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{wd * lr * target_norm must be < 1 (the weight is scaled by 1 minus it), got 1.600000e+00}}
  %0, %1 = lipt.muon_step %w, %w, %w {lr = 0.1, wd = 1.0, target_norm = 16.0} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @muon_constraint_without_bound(%w: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{constraint soft_cap needs attribute 'sigma_max'}}
  %0, %1 = lipt.muon_step %w, %w, %w {lr = 0.1, constraint = #lipt.constraint<soft_cap>} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @muon_bound_without_constraint(%w: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{attribute 'sigma_max' is given but constraint is none}}
  %0, %1 = lipt.muon_step %w, %w, %w {lr = 0.1, sigma_max = 1.0} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @muon_unknown_constraint(%w: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{failed to parse Lipt_ConstraintAttr parameter 'value'}}
  // expected-error @below {{expected ::mlir::lipt::ConstraintKind to be one of: none, soft_cap, hard_cap, hammer, normalize}}
  %0, %1 = lipt.muon_step %w, %w, %w {lr = 0.1, constraint = #lipt.constraint<clip>} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @muon_method_without_hard_cap(%w: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{attribute 'hard_cap_method' needs constraint = hard_cap}}
  %0, %1 = lipt.muon_step %w, %w, %w {lr = 0.1, constraint = #lipt.constraint<hammer>, sigma_max = 1.0, hard_cap_method = #lipt.hard_cap_method<msign>} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @muon_soft_cap_step_too_large(%w: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // lr * target_norm * gain(muon5) = 0.1 * 16 * 1.2 against sigma_max 1.
  // expected-error @below {{the soft cap guarantees the bound only up to k = 2.6129}}
  %0, %1 = lipt.muon_step %w, %w, %w {lr = 0.1, target_norm = 16.0, constraint = #lipt.constraint<soft_cap>, sigma_max = 1.0, norm = #lipt.norm<rms>} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @muon_operand_types(%w: tensor<8x8xf32>, %g: tensor<8x4xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{all of {weight, grad, momentum, new_weight, new_momentum} have same type}}
  %0, %1 = "lipt.muon_step"(%w, %g, %w) {lr = 0.1 : f64} : (tensor<8x8xf32>, tensor<8x4xf32>, tensor<8x8xf32>) -> (tensor<8x8xf32>, tensor<8x8xf32>)
  return %0 : tensor<8x8xf32>
}

// -----

func.func @unranked(%w: tensor<*xf32>) -> tensor<*xf32> {
  // expected-error @below {{must be ranked tensor}}
  %0 = "lipt.spectral_soft_cap"(%w) {alpha = 0.1 : f64} : (tensor<*xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @too_many_iters(%w: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{attribute 'iters' must be in [1, 1024] (number of power iterations, unrolled by the lowering), got 99999999999}}
  %0 = lipt.spectral_normalize %w {sigma_max = 1.0, iters = 99999999999} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @odd_polynomial_empty(%w: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{attribute 'coefficients' must not be empty}}
  %0 = lipt.odd_polynomial %w {coefficients = array<f64>} : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @odd_polynomial_rank(%w: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @below {{expects the weight to be a matrix}}
  %0 = lipt.odd_polynomial %w {coefficients = array<f64: 1.0>} : tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

func.func @adamw_soft_cap(%w: tensor<8x8xf32>, %lr: tensor<f64>) -> tensor<8x8xf32> {
  // expected-error @below {{takes no soft cap: its strength is coupled to Muon's update norm (Theorem 3.1); use hard_cap, normalize or hammer}}
  %0, %1, %2 = lipt.adamw_step %w, %w, %w, %w, %lr, %lr {constraint = #lipt.constraint<soft_cap>, sigma_max = 1.0} : tensor<8x8xf32>, tensor<f64>, tensor<f64>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @adamw_beta2(%w: tensor<8x8xf32>, %lr: tensor<f64>) -> tensor<8x8xf32> {
  // expected-error @below {{attribute 'beta2' must be in [0, 1) (an averaging factor), got 1.000000e+00}}
  %0, %1, %2 = lipt.adamw_step %w, %w, %w, %w, %lr, %lr {beta2 = 1.0} : tensor<8x8xf32>, tensor<f64>, tensor<f64>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @adamw_bound_without_constraint(%w: tensor<8x8xf32>, %lr: tensor<f64>) -> tensor<8x8xf32> {
  // expected-error @below {{attribute 'sigma_max' is given but constraint is none; set 'constraint' or drop 'sigma_max'}}
  %0, %1, %2 = lipt.adamw_step %w, %w, %w, %w, %lr, %lr {sigma_max = 1.0} : tensor<8x8xf32>, tensor<f64>, tensor<f64>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @adamw_zero_eps(%w: tensor<8x8xf32>, %lr: tensor<f64>) -> tensor<8x8xf32> {
  // expected-error @below {{attribute 'eps' must be > 0 (the denominator's floor)}}
  %0, %1, %2 = lipt.adamw_step %w, %w, %w, %w, %lr, %lr {eps = 0.0} : tensor<8x8xf32>, tensor<f64>, tensor<f64>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @row_step_vector(%w: tensor<8xf32>, %lr: tensor<f64>) -> tensor<8xf32> {
  // expected-error @below {{expects the weight to be a matrix [fan_out, fan_in] or a batch of matrices (rank >= 2), got rank 1}}
  %0, %1 = lipt.row_normalized_step %w, %w, %w, %lr : tensor<8xf32>, tensor<f64>
  return %0 : tensor<8xf32>
}

// -----

func.func @row_step_inflation(%w: tensor<8x8xf32>, %lr: tensor<f64>) -> tensor<8x8xf32> {
  // expected-error @below {{attribute 'max_inflation' must be > 0 (the largest gain of a row's normalisation)}}
  %0, %1 = lipt.row_normalized_step %w, %w, %w, %lr {max_inflation = 0.0} : tensor<8x8xf32>, tensor<f64>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @row_step_lr_type(%w: tensor<8x8xf32>, %lr: tensor<i32>) -> tensor<8x8xf32> {
  // expected-error @below {{operand #3 must be 0D tensor of 64-bit float or 32-bit float values}}
  %0, %1 = lipt.row_normalized_step %w, %w, %w, %lr : tensor<8x8xf32>, tensor<i32>
  return %0 : tensor<8x8xf32>
}
