// A tiny Lipschitz transformer (d 16, 2 layers, 2 heads) for the
// training tests: Muon with a soft cap at sigma_max 1 on every block weight.
module attributes {lipt.train = {optimizer = "muon", lr = 0.05, schedule = "linear",
    beta = 0.9, wd = 0.0, block_mass = 4.0, steps = 40, eval_interval = 10,
    eval_batches = 2, seed = 7, data = "tiny-corpus.txt"}} {
  func.func @model(%tokens: tensor<8x16xi32>, %embed: tensor<24x16xf32>, %q0: tensor<16x16xf32>, %k0: tensor<16x16xf32>, %v0: tensor<16x16xf32>, %o0: tensor<16x16xf32>, %in0: tensor<64x16xf32>, %out0: tensor<16x64xf32>, %q1: tensor<16x16xf32>, %k1: tensor<16x16xf32>, %v1: tensor<16x16xf32>, %o1: tensor<16x16xf32>, %in1: tensor<64x16xf32>, %out1: tensor<16x64xf32>, %head: tensor<24x16xf32>) -> tensor<8x16x24xf32> {
    %x0 = lipt.embed %tokens, %embed : tensor<8x16xi32>, tensor<24x16xf32> -> tensor<8x16x16xf32>
    %a0 = lipt.convex_residual %x0 {branches = 4} : tensor<8x16x16xf32> {
    ^bb0(%in: tensor<8x16x16xf32>):
      %f = lipt.attention %in, %q0, %k0, %v0, %o0 {heads = 2, constraint = #lipt.constraint<soft_cap>, sigma_max = 1.0}
          : tensor<8x16x16xf32>, tensor<16x16xf32> -> tensor<8x16x16xf32>
      lipt.yield %f : tensor<8x16x16xf32>
    }
    %m0 = lipt.convex_residual %a0 {branches = 4} : tensor<8x16x16xf32> {
    ^bb0(%in: tensor<8x16x16xf32>):
      %f = lipt.mlp %in, %in0, %out0 {constraint = #lipt.constraint<soft_cap>, sigma_max = 1.0}
          : tensor<8x16x16xf32>, tensor<64x16xf32>, tensor<16x64xf32> -> tensor<8x16x16xf32>
      lipt.yield %f : tensor<8x16x16xf32>
    }
    %a1 = lipt.convex_residual %m0 {branches = 4} : tensor<8x16x16xf32> {
    ^bb0(%in: tensor<8x16x16xf32>):
      %f = lipt.attention %in, %q1, %k1, %v1, %o1 {heads = 2, constraint = #lipt.constraint<soft_cap>, sigma_max = 1.0}
          : tensor<8x16x16xf32>, tensor<16x16xf32> -> tensor<8x16x16xf32>
      lipt.yield %f : tensor<8x16x16xf32>
    }
    %m1 = lipt.convex_residual %a1 {branches = 4} : tensor<8x16x16xf32> {
    ^bb0(%in: tensor<8x16x16xf32>):
      %f = lipt.mlp %in, %in1, %out1 {constraint = #lipt.constraint<soft_cap>, sigma_max = 1.0}
          : tensor<8x16x16xf32>, tensor<64x16xf32>, tensor<16x64xf32> -> tensor<8x16x16xf32>
      lipt.yield %f : tensor<8x16x16xf32>
    }
    %logits = lipt.head %m1, %head : tensor<8x16x16xf32>, tensor<24x16xf32> -> tensor<8x16x24xf32>
    return %logits : tensor<8x16x24xf32>
  }
}
