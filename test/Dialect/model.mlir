// RUN: lipt-opt %s --verify-roundtrip | FileCheck %s
// RUN: lipt-opt %s --mlir-print-op-generic | lipt-opt | FileCheck %s
// A one-layer Lipschitz transformer (d 16, 2 heads, vocab 11) as the
// training driver reads it: two convex residual branches (N = 2).

// CHECK: module attributes {lipt.train = {batch = 4 : i64, {{.*}}optimizer = "muon"{{.*}}}}
module attributes {lipt.train = {optimizer = "muon", lr = 0.1, schedule = "linear",
    beta = 0.9, wd = 0.0, steps = 100, batch = 4, seq_len = 8,
    eval_interval = 10, eval_batches = 2, seed = 0, block_mass = 16.0,
    embed_mass = 1.0, max_inflation = 16.0,
    orthogonalize = #lipt.schedule<"polar_express5">,
    data = "tinyshakespeare.txt"}} {
  // CHECK-LABEL: func.func @model
  func.func @model(%tokens: tensor<4x8xi32>, %embed: tensor<11x16xf32>,
                   %wq: tensor<16x16xf32>, %wk: tensor<16x16xf32>,
                   %wv: tensor<16x16xf32>, %wo: tensor<16x16xf32>,
                   %win: tensor<64x16xf32>, %wout: tensor<16x64xf32>,
                   %head: tensor<11x16xf32>) -> tensor<4x8x11xf32> {
    // CHECK: lipt.embed %{{.*}}, %{{.*}} : tensor<4x8xi32>, tensor<11x16xf32> -> tensor<4x8x16xf32>
    %x = lipt.embed %tokens, %embed : tensor<4x8xi32>, tensor<11x16xf32> -> tensor<4x8x16xf32>
    // CHECK: lipt.convex_residual %{{.*}} {branches = 2 : i64} : tensor<4x8x16xf32> {
    // CHECK: lipt.attention %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {constraint = #lipt.constraint<soft_cap>, heads = 2 : i64, sigma_max = 6.000000e+00 : f64} : tensor<4x8x16xf32>, tensor<16x16xf32> -> tensor<4x8x16xf32>
    %a = lipt.convex_residual %x {branches = 2} : tensor<4x8x16xf32> {
    ^bb0(%in: tensor<4x8x16xf32>):
      %f = lipt.attention %in, %wq, %wk, %wv, %wo {heads = 2, constraint = #lipt.constraint<soft_cap>, sigma_max = 6.0}
          : tensor<4x8x16xf32>, tensor<16x16xf32> -> tensor<4x8x16xf32>
      lipt.yield %f : tensor<4x8x16xf32>
    }
    // CHECK: lipt.layer_norm %{{.*}} {eps = {{.*}} : f64} : tensor<4x8x16xf32>
    // CHECK: lipt.mlp %{{.*}}, %{{.*}}, %{{.*}} {constraint = #lipt.constraint<hard_cap>, sigma_max = 1.000000e+00 : f64}
    %m = lipt.convex_residual %a {branches = 2} : tensor<4x8x16xf32> {
    ^bb0(%in: tensor<4x8x16xf32>):
      %n = lipt.layer_norm %in {eps = 1.0e-6} : tensor<4x8x16xf32>
      %f = lipt.mlp %n, %win, %wout {constraint = #lipt.constraint<hard_cap>, sigma_max = 1.0} : tensor<4x8x16xf32>, tensor<64x16xf32>, tensor<16x64xf32> -> tensor<4x8x16xf32>
      lipt.yield %f : tensor<4x8x16xf32>
    }
    // CHECK: lipt.head %{{.*}}, %{{.*}} {final_scale = 5.000000e-01 : f64} : tensor<4x8x16xf32>, tensor<11x16xf32> -> tensor<4x8x11xf32>
    %logits = lipt.head %m, %head {final_scale = 0.5} : tensor<4x8x16xf32>, tensor<11x16xf32> -> tensor<4x8x11xf32>
    return %logits : tensor<4x8x11xf32>
  }

  // CHECK-LABEL: func.func @linear
  // CHECK: lipt.linear %{{.*}}, %{{.*}} {constraint = #lipt.constraint<soft_cap>, sigma_max = 6.000000e+00 : f64} : tensor<4x8x16xf32>, tensor<64x16xf32> -> tensor<4x8x64xf32>
  func.func @linear(%x: tensor<4x8x16xf32>, %w: tensor<64x16xf32>) -> tensor<4x8x64xf32> {
    %y = lipt.linear %x, %w {constraint = #lipt.constraint<soft_cap>, sigma_max = 6.0}
        : tensor<4x8x16xf32>, tensor<64x16xf32> -> tensor<4x8x64xf32>
    return %y : tensor<4x8x64xf32>
  }
}
