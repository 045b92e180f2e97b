// The model ops' forward lowering. Numerics are checked against PyTorch in
// test/Execution/model-forward.test; this checks the structure.
// RUN: lipt-opt --lipt-lower-to-linalg %s | FileCheck %s
// Attention's score tensor is written by its product and overwritten once,
// in place, by the masked exponentials (after bufferization: one buffer).
// RUN: lipt-opt --lipt-lower-to-linalg %s | lipt-opt --one-shot-bufferize=bufferize-function-boundaries | FileCheck %s --check-prefix=INPLACE
// The README's model leaves no lipt op, and its 17 weight and attention
// products (q, k, v, scores, values, o, MLP in, out per layer, and the head)
// become BLAS calls.
// RUN: lipt-opt --lipt-lower-to-linalg %S/../../examples/shakespeare-cpu.mlir | FileCheck %s --check-prefix=EXAMPLE
// RUN: lipt-opt --lipt-cpu-pipeline %S/../../examples/shakespeare-cpu.mlir | FileCheck %s --check-prefix=BLAS
// EXAMPLE: module attributes {lipt.train
// EXAMPLE-NOT: {{lipt\.[a-z_]+ %}}
// BLAS-COUNT-17: llvm.call @lipt_rt_gemm_f32(
// BLAS-NOT: llvm.call @lipt_rt_gemm_f32(

// CHECK-LABEL: func.func @attention
// CHECK-NOT: {{lipt\.[a-z_]+ %}}
// Three projections, then the head split with RoPE (partner (e + 2) mod 4).
// CHECK-COUNT-3: iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK: %[[S:.*]] = linalg.generic {{.*}}"reduction"]} ins(%{{.*}}, %{{.*}} : tensor<4x4x4xf32>, tensor<4x4x4xf32>)
// Row maxima of the scaled scores over unmasked keys, from -inf.
// CHECK: arith.constant 0xFF800000 : f32
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[S]] : tensor<4x4x4xf32>)
// CHECK: arith.maximumf
// CHECK: arith.cmpi ugt
// CHECK: arith.select
// The exponentials overwrite the scores (outs is the score tensor).
// CHECK: %[[E:.*]] = linalg.generic {{.*}} outs(%[[S]] : tensor<4x4x4xf32>)
// CHECK: math.exp
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[E]] : tensor<4x4x4xf32>)
// The values' product reads the exponentials; 1/(3 rowsum) on [T, dh].
// CHECK: %[[O:.*]] = linalg.generic {{.*}} ins(%[[E]], %{{.*}} : tensor<4x4x4xf32>, tensor<4x4x4xf32>)
// CHECK: arith.constant 3.0
// CHECK: linalg.generic {{.*}} ins(%[[O]], %{{.*}} : tensor<4x4x4xf32>, tensor<4x4xf32>) outs(%{{.*}} : tensor<1x8x8xf32>)
// CHECK: arith.divf
// CHECK: return

// INPLACE-LABEL: func.func @attention
// INPLACE: linalg.fill ins(%{{.*}} : f32) outs(%[[SB:.*]] : memref<4x4x4xf32>)
// INPLACE-NEXT: linalg.generic {{.*}}outs(%[[SB]] : memref<4x4x4xf32>)
// INPLACE: math.exp
// INPLACE: linalg.generic {{.*}}ins(%[[SB]] : memref<4x4x4xf32>)
func.func @attention(%x: tensor<2x4x8xf32>, %w: tensor<8x8xf32>) -> tensor<2x4x8xf32> {
  %y = lipt.attention %x, %w, %w, %w, %w {heads = 2} : tensor<2x4x8xf32>, tensor<8x8xf32> -> tensor<2x4x8xf32>
  return %y : tensor<2x4x8xf32>
}

// The gather checks the token against [0, vocab) and yields NaN outside it.
// CHECK-LABEL: func.func @embed
// CHECK: linalg.generic
// CHECK: arith.cmpi sge
// CHECK: arith.cmpi slt
// CHECK: tensor.extract %{{.*}}[%{{.*}}, %{{.*}}] : tensor<5x4xf32>
// CHECK: arith.select %{{.*}}, %{{.*}}, %cst{{.*}} : f32
func.func @embed(%t: tensor<2x3xi32>, %table: tensor<5x4xf32>) -> tensor<2x3x4xf32> {
  %x = lipt.embed %t, %table : tensor<2x3xi32>, tensor<5x4xf32> -> tensor<2x3x4xf32>
  return %x : tensor<2x3x4xf32>
}

// Each convex residual's branch is inlined, then (1 - 1/N) x + (1/N) f(x)
// (N = 2 here); the MLP's GELU is the exact (erf) one divided by 1.1289.
// CHECK-LABEL: func.func @residual_mlp
// CHECK-NOT: {{lipt\.[a-z_]+ %}}
// CHECK: math.rsqrt
// CHECK: arith.constant 0.885818{{[0-9]*}} : f32
// CHECK: math.erf
// CHECK: arith.constant 5.000000e-01 : f32
// CHECK: arith.addf
// CHECK: math.erf
// CHECK: return
func.func @residual_mlp(%x: tensor<2x3x4xf32>, %win: tensor<8x4xf32>, %wout: tensor<4x8xf32>) -> tensor<2x3x4xf32> {
  %y = lipt.convex_residual %x {branches = 2} : tensor<2x3x4xf32> {
  ^bb0(%in: tensor<2x3x4xf32>):
    %n = lipt.layer_norm %in : tensor<2x3x4xf32>
    %f = lipt.mlp %n, %win, %wout : tensor<2x3x4xf32>, tensor<8x4xf32>, tensor<4x8xf32> -> tensor<2x3x4xf32>
    lipt.yield %f : tensor<2x3x4xf32>
  }
  %z = lipt.convex_residual %y {branches = 2} : tensor<2x3x4xf32> {
  ^bb0(%in: tensor<2x3x4xf32>):
    %f = lipt.mlp %in, %win, %wout : tensor<2x3x4xf32>, tensor<8x4xf32>, tensor<4x8xf32> -> tensor<2x3x4xf32>
    lipt.yield %f : tensor<2x3x4xf32>
  }
  return %z : tensor<2x3x4xf32>
}
