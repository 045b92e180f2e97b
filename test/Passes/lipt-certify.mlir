// --lipt-certify: the bound a model function's IR guarantees, composed from
// its ops' LipschitzOpInterface steps. Weights here are constants whose
// RMS->RMS norms are known by hand: identity [4, 4] (norm 1) and the
// first three rows of the identity as [3, 4] (sigma_1 1, norm sqrt(4/3)).
// Numbers against a checkpoint and lipt-run --certify:
// test/Train/certify-static.test.
// RUN: not lipt-opt %s --split-input-file --allow-unregistered-dialect --lipt-certify 2>&1 | FileCheck %s
// RUN: not lipt-opt %s --split-input-file --allow-unregistered-dialect --lipt-certify=json=- -o /dev/null 2>/dev/null | FileCheck %s --check-prefix=JSON
// RUN: not lipt-opt %s --split-input-file --allow-unregistered-dialect --lipt-certify=checkpoint=%t.missing -o /dev/null 2>&1 | FileCheck %s --check-prefix=MISSING

// One layer (N = 2, alpha 1/2), softmax_scale 1, every block weight the
// identity, sigma_max 2 (soft cap):
//   (a) attention 1/3 (1 + 2 * 1 * 1^2 * 1 * 1) = 1, residual 1/2 + 1/2 = 1;
//       activation bound 1/2 + 1/2 * 1/3 = 2/3; MLP 1, residual 1;
//       head sqrt(4/3) = 1.1547...
//   (a, reference) MLP 1/1.1289: residual 1/2 + 1/2/1.1289 = 0.94291...;
//       times 1.1547 = 1.08877...
//   (b) attention 2/3 (2 + 2 * 2 * 1 * 2 * 2) = 12, residual 6.5;
//       activation 1/2 + 1/2 * 4/3; MLP 4, residual 2.5; head: Muon keeps
//       rows at RMS <= 1, so d = 4: 6.5 * 2.5 * 4 = 65.
// CHECK-LABEL: func.func @model
// CHECK-SAME: lipt.certificate = {bound_a_reference_variant = 1.08877756{{[0-9]*}} : f64, bound_a_sound = 1.15470053{{[0-9]*}} : f64, bound_b_caps = 6.500000e+01 : f64}
// JSON: "applicable": true,
// JSON: "bound_a_sound": 1.1547005383792515,
// JSON: "bound_a_reference_variant": 1.0887775605259935,
// JSON: "bound_b_caps": 65
// MISSING: error: {{.*}}.missing: cannot open file
module attributes {lipt.train = {optimizer = "muon"}} {
func.func @model(%tokens: tensor<2x3xi32>) -> tensor<2x3x3xf32> {
  %id = arith.constant dense<[[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 1.0]]> : tensor<4x4xf32>
  %rows = arith.constant dense<[[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]]> : tensor<3x4xf32>
  %x = lipt.embed %tokens, %rows : tensor<2x3xi32>, tensor<3x4xf32> -> tensor<2x3x4xf32>
  %a = lipt.convex_residual %x {branches = 2} : tensor<2x3x4xf32> {
  ^bb0(%in: tensor<2x3x4xf32>):
    %f = lipt.attention %in, %id, %id, %id, %id {heads = 1, constraint = #lipt.constraint<soft_cap>, sigma_max = 2.0} : tensor<2x3x4xf32>, tensor<4x4xf32> -> tensor<2x3x4xf32>
    lipt.yield %f : tensor<2x3x4xf32>
  }
  %m = lipt.convex_residual %a {branches = 2} : tensor<2x3x4xf32> {
  ^bb0(%in: tensor<2x3x4xf32>):
    %f = lipt.mlp %in, %id, %id {constraint = #lipt.constraint<soft_cap>, sigma_max = 2.0} : tensor<2x3x4xf32>, tensor<4x4xf32>, tensor<4x4xf32> -> tensor<2x3x4xf32>
    lipt.yield %f : tensor<2x3x4xf32>
  }
  %l = lipt.head %m, %rows : tensor<2x3x4xf32>, tensor<3x4xf32> -> tensor<2x3x3xf32>
  return %l : tensor<2x3x3xf32>
}
}

// -----

// Unconstrained weights: (a) exists, (b) does not, and the reason names the
// op. Without lipt.train nothing says the head's rows are bounded either.
// The linear weight is an argument: no value, so no (a) either, but the
// model's structure has a bound (applicable).
// CHECK-LABEL: func.func @unconstrained
// CHECK-SAME: bound_a_reference_variant_reason = "'lipt.linear' at {{.*}}lipt-certify.mlir:{{[0-9]+}}:{{[0-9]+}} breaks it: a weight has no known value: it is neither a constant nor bound by a checkpoint (--lipt-certify=checkpoint=PATH)"
// CHECK-SAME: bound_b_caps_reason = "'lipt.linear' at {{.*}}lipt-certify.mlir:{{[0-9]+}}:{{[0-9]+}} breaks it: its weights are unconstrained
// JSON: "applicable": true,
// JSON: "bound_a_sound": null,
// JSON: "bound_b_caps": null,
func.func @unconstrained(%tokens: tensor<2x3xi32>, %w: tensor<4x4xf32>) -> tensor<2x3x4xf32> {
  %rows = arith.constant dense<[[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]]> : tensor<3x4xf32>
  %x = lipt.embed %tokens, %rows : tensor<2x3xi32>, tensor<3x4xf32> -> tensor<2x3x4xf32>
  %y = lipt.linear %x, %w : tensor<2x3x4xf32>, tensor<4x4xf32> -> tensor<2x3x4xf32>
  return %y : tensor<2x3x4xf32>
}

// -----

// layer_norm has no useful bound: the model is not certifiable at all.
// CHECK-LABEL: func.func @layer_norm
// CHECK-SAME: bound_a_sound_reason = "'lipt.layer_norm' at {{.*}} breaks it: layer_norm's Lipschitz constant grows as 1/sqrt(eps): no useful bound is certified"
// JSON: "applicable": false,
// JSON-NEXT: "reason": "'lipt.layer_norm' at
func.func @layer_norm(%tokens: tensor<2x3xi32>) -> tensor<2x3x4xf32> {
  %rows = arith.constant dense<[[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]]> : tensor<3x4xf32>
  %x = lipt.embed %tokens, %rows : tensor<2x3xi32>, tensor<3x4xf32> -> tensor<2x3x4xf32>
  %n = lipt.layer_norm %x : tensor<2x3x4xf32>
  return %n : tensor<2x3x4xf32>
}

// -----

// An op of another dialect on the activation path breaks the bound unless
// it declares one (lipt.lipschitz = K: K-Lipschitz, 0 -> 0).
// CHECK-LABEL: func.func @foreign
// CHECK-SAME: bound_a_sound_reason = "'foo.relu' at {{.*}} breaks it: it does not declare a Lipschitz bound (LipschitzOpInterface, or a 'lipt.lipschitz' attribute)"
// CHECK-LABEL: func.func @declared
// CHECK-SAME: bound_a_sound = 2.5{{0*}}e+00 : f64
// JSON: "applicable": false,
// JSON: "bound_a_sound": 2.5,
func.func @foreign(%tokens: tensor<2x3xi32>) -> tensor<2x3x4xf32> {
  %rows = arith.constant dense<[[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]]> : tensor<3x4xf32>
  %x = lipt.embed %tokens, %rows : tensor<2x3xi32>, tensor<3x4xf32> -> tensor<2x3x4xf32>
  %y = "foo.relu"(%x) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %y : tensor<2x3x4xf32>
}
func.func @declared(%tokens: tensor<2x3xi32>) -> tensor<2x3x4xf32> {
  %rows = arith.constant dense<[[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]]> : tensor<3x4xf32>
  %x = lipt.embed %tokens, %rows : tensor<2x3xi32>, tensor<3x4xf32> -> tensor<2x3x4xf32>
  %y = "foo.scale"(%x) {lipt.lipschitz = 2.5 : f64} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %y : tensor<2x3x4xf32>
}

// -----

// A constraint op that produces a weight bounds it for every input when it
// can: the polynomial hard cap at 1.0109 sigma_max (RMS->RMS 0.5 here, so
// 0.505..), and even in (a) its result's exact value is not needed. The
// msign hard cap guarantees nothing (its schedule approximates the sign).
// CHECK-LABEL: func.func @capped_weight
// CHECK-SAME: bound_a_sound = 5.05450{{[0-9]*}}e-01 : f64
// CHECK-SAME: bound_b_caps = 5.05450{{[0-9]*}}e-01 : f64
// CHECK-LABEL: func.func @msign_weight
// CHECK-SAME: bound_b_caps_reason = "'lipt.linear' at {{.*}} breaks it: its weight comes from 'lipt.spectral_hard_cap' at {{.*}}, and msign is computed by a polynomial schedule that approximates the sign
func.func @capped_weight(%tokens: tensor<2x3xi32>, %w: tensor<4x4xf32>) -> tensor<2x3x4xf32> {
  %rows = arith.constant dense<[[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]]> : tensor<3x4xf32>
  %x = lipt.embed %tokens, %rows : tensor<2x3xi32>, tensor<3x4xf32> -> tensor<2x3x4xf32>
  %c = lipt.spectral_hard_cap %w {sigma_max = 0.5, method = #lipt.hard_cap_method<polynomial>, norm = #lipt.norm<rms>} : tensor<4x4xf32>
  %y = lipt.linear %x, %c : tensor<2x3x4xf32>, tensor<4x4xf32> -> tensor<2x3x4xf32>
  return %y : tensor<2x3x4xf32>
}
func.func @msign_weight(%tokens: tensor<2x3xi32>, %w: tensor<4x4xf32>) -> tensor<2x3x4xf32> {
  %rows = arith.constant dense<[[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]]> : tensor<3x4xf32>
  %x = lipt.embed %tokens, %rows : tensor<2x3xi32>, tensor<3x4xf32> -> tensor<2x3x4xf32>
  %c = lipt.spectral_hard_cap %w {sigma_max = 0.5} : tensor<4x4xf32>
  %y = lipt.linear %x, %c : tensor<2x3x4xf32>, tensor<4x4xf32> -> tensor<2x3x4xf32>
  return %y : tensor<2x3x4xf32>
}

// -----

// No model function: an error, not an empty certificate.
// CHECK: error: --lipt-certify found no model function (one holding lipt.embed)
func.func @no_model(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

// A model op's own hard cap, as training enforces it: the polynomial (no
// hard_cap_method) at 1.0109 sigma_max, so (b) is 0.505..; the exact msign
// form guarantees no cap, so (b) is absent and the reason says why.
// CHECK-LABEL: func.func @polynomial_model_cap
// CHECK-SAME: bound_b_caps = 5.05450{{[0-9]*}}e-01 : f64
// CHECK-LABEL: func.func @msign_model_cap
// CHECK-SAME: bound_b_caps_reason = "'lipt.linear' at {{.*}} breaks it: the hard cap's msign form approximates the sign by a polynomial schedule, so it does not bound the norm for every weight (hard_cap_method = polynomial does)"
func.func @polynomial_model_cap(%tokens: tensor<2x3xi32>, %w: tensor<4x4xf32>) -> tensor<2x3x4xf32> {
  %rows = arith.constant dense<[[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]]> : tensor<3x4xf32>
  %x = lipt.embed %tokens, %rows : tensor<2x3xi32>, tensor<3x4xf32> -> tensor<2x3x4xf32>
  %y = lipt.linear %x, %w {constraint = #lipt.constraint<hard_cap>, sigma_max = 0.5} : tensor<2x3x4xf32>, tensor<4x4xf32> -> tensor<2x3x4xf32>
  return %y : tensor<2x3x4xf32>
}
func.func @msign_model_cap(%tokens: tensor<2x3xi32>, %w: tensor<4x4xf32>) -> tensor<2x3x4xf32> {
  %rows = arith.constant dense<[[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]]> : tensor<3x4xf32>
  %x = lipt.embed %tokens, %rows : tensor<2x3xi32>, tensor<3x4xf32> -> tensor<2x3x4xf32>
  %y = lipt.linear %x, %w {constraint = #lipt.constraint<hard_cap>, sigma_max = 0.5, hard_cap_method = #lipt.hard_cap_method<msign>} : tensor<2x3x4xf32>, tensor<4x4xf32> -> tensor<2x3x4xf32>
  return %y : tensor<2x3x4xf32>
}
