// RUN: lipt-opt %s --lipt-linalg-to-blas --split-input-file | FileCheck %s

// W^T W into a zero-filled buffer: symmetric, so one triangle (syrk) with
// transA; the fill is folded away. The shims are declared once per module,
// with MLIR's C interface.
// CHECK-DAG: func.func private @lipt_rt_syrk_f32(memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>, memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>, i1) attributes {llvm.emit_c_interface}
// CHECK-DAG: func.func private @lipt_rt_gemm_f32(memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>, memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>, memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>, i1, i1, i1) attributes {llvm.emit_c_interface}
// CHECK-LABEL: func.func @gram_tall
// CHECK-SAME: (%[[W:.*]]: memref<1x64x16xf32>, %[[C:.*]]: memref<1x16x16xf32>)
// CHECK-NOT: linalg.fill
// CHECK-DAG: %[[T:.*]] = arith.constant true
// CHECK-DAG: %[[A:.*]] = memref.cast %[[W]] : memref<1x64x16xf32> to memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
// CHECK-DAG: %[[CC:.*]] = memref.cast %[[C]]
// CHECK: call @lipt_rt_syrk_f32(%[[A]], %[[CC]], %[[T]])
// CHECK-NOT: linalg.generic
func.func @gram_tall(%w: memref<1x64x16xf32>, %c: memref<1x16x16xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<1x16x16xf32>)
  linalg.generic {indexing_maps = [affine_map<(b, i, j, k) -> (b, k, i)>,
                                   affine_map<(b, i, j, k) -> (b, k, j)>,
                                   affine_map<(b, i, j, k) -> (b, i, j)>],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%w, %w : memref<1x64x16xf32>, memref<1x64x16xf32>) outs(%c : memref<1x16x16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  return
}

// A^T B of two different matrices into a zero-filled buffer: gemm, transA,
// no accumulate.
// CHECK-LABEL: func.func @gemm_transa
// CHECK-NOT: linalg.fill
// CHECK-DAG: %[[T:.*]] = arith.constant true
// CHECK-DAG: %[[F:.*]] = arith.constant false
// CHECK: call @lipt_rt_gemm_f32(%{{.*}}, %{{.*}}, %{{.*}}, %[[T]], %[[F]], %[[F]])
func.func @gemm_transa(%x: memref<1x64x16xf32>, %y: memref<1x64x16xf32>, %c: memref<1x16x16xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<1x16x16xf32>)
  linalg.generic {indexing_maps = [affine_map<(b, i, j, k) -> (b, k, i)>,
                                   affine_map<(b, i, j, k) -> (b, k, j)>,
                                   affine_map<(b, i, j, k) -> (b, i, j)>],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %y : memref<1x64x16xf32>, memref<1x64x16xf32>) outs(%c : memref<1x16x16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// X X^T accumulated into an initialised buffer, f64: symmetric, but syrk
// cannot accumulate into a full matrix, so it stays a gemm.
// CHECK-LABEL: func.func @accumulate_transb
// CHECK: %[[T:.*]] = arith.constant true
// CHECK: call @lipt_rt_gemm_f64(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[T]], %[[T]])
func.func @accumulate_transb(%x: memref<2x8x32xf64>, %c: memref<2x8x8xf64>) {
  linalg.generic {indexing_maps = [affine_map<(b, i, j, k) -> (b, i, k)>,
                                   affine_map<(b, i, j, k) -> (b, j, k)>,
                                   affine_map<(b, i, j, k) -> (b, i, j)>],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %x : memref<2x8x32xf64>, memref<2x8x32xf64>) outs(%c : memref<2x8x8xf64>) {
  ^bb0(%a: f64, %b: f64, %o: f64):
    %p = arith.mulf %a, %b : f64
    %s = arith.addf %p, %o : f64
    linalg.yield %s : f64
  }
  return
}

// -----

// Not a multiply-accumulate (max instead of add): left alone. Tensors too.
// CHECK-LABEL: func.func @not_a_gemm
// CHECK-NOT: call
// CHECK: linalg.generic
// CHECK: arith.maximumf
func.func @not_a_gemm(%x: memref<1x4x4xf32>, %c: memref<1x4x4xf32>) {
  linalg.generic {indexing_maps = [affine_map<(b, i, j, k) -> (b, i, k)>,
                                   affine_map<(b, i, j, k) -> (b, k, j)>,
                                   affine_map<(b, i, j, k) -> (b, i, j)>],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %x : memref<1x4x4xf32>, memref<1x4x4xf32>) outs(%c : memref<1x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.maximumf %o, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A fill separated from the product by another memory op stays (the shim
// then accumulates into the filled buffer).
// CHECK-LABEL: func.func @fill_not_adjacent
// CHECK-DAG: %[[T:.*]] = arith.constant true
// CHECK: linalg.fill
// CHECK: memref.copy
// CHECK: call @lipt_rt_gemm_f32(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[T]])
func.func @fill_not_adjacent(%x: memref<1x4x4xf32>, %c: memref<1x4x4xf32>, %d: memref<1x4x4xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<1x4x4xf32>)
  memref.copy %c, %d : memref<1x4x4xf32> to memref<1x4x4xf32>
  linalg.generic {indexing_maps = [affine_map<(b, i, j, k) -> (b, i, k)>,
                                   affine_map<(b, i, j, k) -> (b, k, j)>,
                                   affine_map<(b, i, j, k) -> (b, i, j)>],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %x : memref<1x4x4xf32>, memref<1x4x4xf32>) outs(%c : memref<1x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  return
}
