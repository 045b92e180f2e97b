// RUN: lipt-opt %s --split-input-file --verify-diagnostics
// Every verifier of the model ops and of lipt.train.

func.func @embed_dims(%t: tensor<4x8xi32>, %e: tensor<11x16xf32>) -> tensor<4x8x32xf32> {
  // expected-error @below {{result must be 'tensor<4x8x16xf32>' (tokens shape, then d), got 'tensor<4x8x32xf32>'}}
  %x = lipt.embed %t, %e : tensor<4x8xi32>, tensor<11x16xf32> -> tensor<4x8x32xf32>
  return %x : tensor<4x8x32xf32>
}

// -----

func.func @linear_fan_in(%x: tensor<4x8x16xf32>, %w: tensor<64x32xf32>) -> tensor<4x8x64xf32> {
  // expected-error @below {{input's last dim must be the weight's fan_in 32}}
  %y = lipt.linear %x, %w : tensor<4x8x16xf32>, tensor<64x32xf32> -> tensor<4x8x64xf32>
  return %y : tensor<4x8x64xf32>
}

// -----

func.func @linear_constraint_without_bound(%x: tensor<4x16xf32>, %w: tensor<8x16xf32>) -> tensor<4x8xf32> {
  // expected-error @below {{a constraint needs 'sigma_max'}}
  %y = lipt.linear %x, %w {constraint = #lipt.constraint<hard_cap>} : tensor<4x16xf32>, tensor<8x16xf32> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

func.func @linear_unknown_method(%x: tensor<4x16xf32>, %w: tensor<8x16xf32>) -> tensor<4x8xf32> {
  // expected-error @below {{failed to parse Lipt_ConstraintAttr parameter 'value'}}
  // expected-error @below {{expected ::mlir::lipt::ConstraintKind to be one of: none, soft_cap, hard_cap, hammer, normalize}}
  %y = lipt.linear %x, %w {constraint = #lipt.constraint<spectral_clip>, sigma_max = 1.0} : tensor<4x16xf32>, tensor<8x16xf32> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

func.func @heads_do_not_divide(%x: tensor<2x8x16xf32>, %w: tensor<16x16xf32>) -> tensor<2x8x16xf32> {
  // expected-error @below {{heads (3) must divide d (16)}}
  %y = lipt.attention %x, %w, %w, %w, %w {heads = 3} : tensor<2x8x16xf32>, tensor<16x16xf32> -> tensor<2x8x16xf32>
  return %y : tensor<2x8x16xf32>
}

// -----

func.func @attention_weight_dims(%x: tensor<2x8x16xf32>, %w: tensor<16x8xf32>) -> tensor<2x8x16xf32> {
  // expected-error @below {{wq must be [d, d] = [16, 16], got 'tensor<16x8xf32>'}}
  %y = lipt.attention %x, %w, %w, %w, %w {heads = 2} : tensor<2x8x16xf32>, tensor<16x8xf32> -> tensor<2x8x16xf32>
  return %y : tensor<2x8x16xf32>
}

// -----

func.func @mlp_dims(%x: tensor<2x8x16xf32>, %win: tensor<64x16xf32>, %wout: tensor<16x32xf32>) -> tensor<2x8x16xf32> {
  // expected-error @below {{w_in must be [hidden, d] and w_out [d, hidden] for d = 16}}
  %y = lipt.mlp %x, %win, %wout : tensor<2x8x16xf32>, tensor<64x16xf32>, tensor<16x32xf32> -> tensor<2x8x16xf32>
  return %y : tensor<2x8x16xf32>
}

// -----

func.func @head_dims(%x: tensor<2x8x16xf32>, %w: tensor<11x8xf32>) -> tensor<2x8x11xf32> {
  // expected-error @below {{weight must be [vocab, d] with d = 16}}
  %y = lipt.head %x, %w : tensor<2x8x16xf32>, tensor<11x8xf32> -> tensor<2x8x11xf32>
  return %y : tensor<2x8x11xf32>
}

// -----

func.func @branch_count(%x: tensor<2x8x16xf32>) -> tensor<2x8x16xf32> {
  // expected-error @below {{'branches' is 4 but the model has 1 convex_residual branches}}
  %y = lipt.convex_residual %x {branches = 4} : tensor<2x8x16xf32> {
  ^bb0(%in: tensor<2x8x16xf32>):
    lipt.yield %in : tensor<2x8x16xf32>
  }
  return %y : tensor<2x8x16xf32>
}

// -----

func.func @branches_disagree(%x: tensor<2x8x16xf32>) -> tensor<2x8x16xf32> {
  // expected-error @below {{all convex_residual ops of a model must have the same 'branches'}}
  %y = lipt.convex_residual %x {branches = 2} : tensor<2x8x16xf32> {
  ^bb0(%in: tensor<2x8x16xf32>):
    lipt.yield %in : tensor<2x8x16xf32>
  }
  %z = lipt.convex_residual %y {branches = 3} : tensor<2x8x16xf32> {
  ^bb0(%in: tensor<2x8x16xf32>):
    lipt.yield %in : tensor<2x8x16xf32>
  }
  return %z : tensor<2x8x16xf32>
}

// -----

// expected-error @below {{'lipt.train' field 'optimizer' must be "muon" or "adamw"}}
module attributes {lipt.train = {optimizer = "sgd"}} {
}

// -----

// expected-error @below {{'lipt.train' field 'steps' must be an integer >= 1}}
module attributes {lipt.train = {steps = 0}} {
}

// -----

// expected-error @below {{'lipt.train' has unknown field 'learning_rate'}}
module attributes {lipt.train = {learning_rate = 0.1}} {
}

// -----

func.func @attention_bound_without_constraint(%x: tensor<2x8x16xf32>, %w: tensor<16x16xf32>) -> tensor<2x8x16xf32> {
  // expected-error @below {{'sigma_max' needs a constraint}}
  %y = lipt.attention %x, %w, %w, %w, %w {heads = 2, sigma_max = 1.0} : tensor<2x8x16xf32>, tensor<16x16xf32> -> tensor<2x8x16xf32>
  return %y : tensor<2x8x16xf32>
}

// -----

func.func @mlp_method_without_hard_cap(%x: tensor<2x8x16xf32>, %win: tensor<64x16xf32>, %wout: tensor<16x64xf32>) -> tensor<2x8x16xf32> {
  // expected-error @below {{attribute 'hard_cap_method' needs constraint = hard_cap}}
  %y = lipt.mlp %x, %win, %wout {constraint = #lipt.constraint<soft_cap>, sigma_max = 1.0, hard_cap_method = #lipt.hard_cap_method<msign>} : tensor<2x8x16xf32>, tensor<64x16xf32>, tensor<16x64xf32> -> tensor<2x8x16xf32>
  return %y : tensor<2x8x16xf32>
}

// -----

func.func @mlp_negative_bound(%x: tensor<2x8x16xf32>, %wi: tensor<64x16xf32>, %wo: tensor<16x64xf32>) -> tensor<2x8x16xf32> {
  // expected-error @below {{attribute 'sigma_max' must be > 0}}
  %y = lipt.mlp %x, %wi, %wo {constraint = #lipt.constraint<soft_cap>, sigma_max = -1.0} : tensor<2x8x16xf32>, tensor<64x16xf32>, tensor<16x64xf32> -> tensor<2x8x16xf32>
  return %y : tensor<2x8x16xf32>
}

// -----

func.func @layer_norm_eps(%x: tensor<2x8x16xf32>) -> tensor<2x8x16xf32> {
  // expected-error @below {{attribute 'eps' must be > 0}}
  %y = lipt.layer_norm %x {eps = 0.0} : tensor<2x8x16xf32>
  return %y : tensor<2x8x16xf32>
}

// -----

// expected-error @below {{'lipt.train' field 'max_inflation' must be a float >= 1}}
module attributes {lipt.train = {max_inflation = 0.5}} {
}

// -----

// expected-error @below {{'lipt.train' field 'orthogonalize' must be a #lipt.schedule}}
module attributes {lipt.train = {orthogonalize = "muon5"}} {
}
