// RUN: lipt-opt %s --lipt-linalg-to-blas="library=cublas bf16=true" --split-input-file | FileCheck %s
// RUN: not lipt-opt %s --lipt-linalg-to-blas="library=blas bf16=true" --split-input-file 2>&1 | FileCheck %s --check-prefix=BLAS

// bf16 products: each f32 operand is rounded into a new bf16 buffer by an
// elementwise generic (a kernel once lipt-linalg-to-gpu runs), and the
// product reads them on tensor cores, writing the f32 result. A Gram
// product converts its one operand once, and cuBLAS has no batched syrk,
// so it stays a gemm.
// CHECK-DAG: func.func private @lipt_cuda_gemm_bf16(memref<?x?x?xbf16, strided<[?, ?, ?], offset: ?>>, memref<?x?x?xbf16, strided<[?, ?, ?], offset: ?>>, memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>, i1, i1, i1) attributes {llvm.emit_c_interface}
// CHECK-LABEL: func.func @gram
// CHECK-SAME: (%[[W:.*]]: memref<2x64x16xf32>, %[[C:.*]]: memref<2x16x16xf32>)
// CHECK-NOT: linalg.fill
// CHECK: %[[W16:.*]] = memref.alloc() : memref<2x64x16xbf16>
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[W]] : memref<2x64x16xf32>) outs(%[[W16]] : memref<2x64x16xbf16>)
// CHECK: arith.truncf %{{.*}} : f32 to bf16
// CHECK-NOT: memref.alloc
// CHECK: %[[A:.*]] = memref.cast %[[W16]]
// CHECK: %[[B:.*]] = memref.cast %[[W16]]
// CHECK: %[[CC:.*]] = memref.cast %[[C]]
// CHECK: call @lipt_cuda_gemm_bf16(%[[A]], %[[B]], %[[CC]], %true, %false, %false)
func.func @gram(%w: memref<2x64x16xf32>, %c: memref<2x16x16xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<2x16x16xf32>)
  linalg.generic {indexing_maps = [affine_map<(b, i, j, k) -> (b, k, i)>,
                                   affine_map<(b, i, j, k) -> (b, k, j)>,
                                   affine_map<(b, i, j, k) -> (b, i, j)>],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%w, %w : memref<2x64x16xf32>, memref<2x64x16xf32>) outs(%c : memref<2x16x16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Two operands, one of them a strided view with a dynamic size: each gets
// its own contiguous bf16 copy (sized from the view), and an accumulating
// product keeps beta = 1.
// CHECK-LABEL: func.func @accumulate
// CHECK-SAME: (%[[X:.*]]: memref<1x?x16xf32, strided<[?, 16, 1], offset: ?>>, %[[Y:.*]]: memref<1x16x8xf32>, %[[C:.*]]: memref<1x?x8xf32>)
// CHECK: %[[N:.*]] = memref.dim %[[X]], %c1
// CHECK: %[[X16:.*]] = memref.alloc(%[[N]]) : memref<1x?x16xbf16>
// CHECK: %[[Y16:.*]] = memref.alloc() : memref<1x16x8xbf16>
// CHECK: call @lipt_cuda_gemm_bf16({{.*}}, %false, %false, %true)
func.func @accumulate(%x: memref<1x?x16xf32, strided<[?, 16, 1], offset: ?>>, %y: memref<1x16x8xf32>, %c: memref<1x?x8xf32>) {
  linalg.generic {indexing_maps = [affine_map<(b, i, j, k) -> (b, i, k)>,
                                   affine_map<(b, i, j, k) -> (b, k, j)>,
                                   affine_map<(b, i, j, k) -> (b, i, j)>],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %y : memref<1x?x16xf32, strided<[?, 16, 1], offset: ?>>, memref<1x16x8xf32>) outs(%c : memref<1x?x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// f64 products stay f64.
// CHECK-LABEL: func.func @f64
// CHECK-NOT: truncf
// CHECK: call @lipt_cuda_gemm_f64
func.func @f64(%x: memref<1x4x4xf64>, %c: memref<1x4x4xf64>) {
  linalg.generic {indexing_maps = [affine_map<(b, i, j, k) -> (b, i, k)>,
                                   affine_map<(b, i, j, k) -> (b, k, j)>,
                                   affine_map<(b, i, j, k) -> (b, i, j)>],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %x : memref<1x4x4xf64>, memref<1x4x4xf64>) outs(%c : memref<1x4x4xf64>) {
  ^bb0(%a: f64, %b: f64, %o: f64):
    %p = arith.mulf %a, %b : f64
    %s = arith.addf %o, %p : f64
    linalg.yield %s : f64
  }
  return
}

// BLAS: error: --lipt-linalg-to-blas: bf16=true needs library=cublas (OpenBLAS has no bf16 products)
