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

// -----

// Newton-Schulz's shape: X is read by two products with nothing writing it
// in between, so the second reuses the first's bf16 copy; the polynomial
// between the products (a buffer one elementwise generic fills and only the
// product reads) is written in bf16 by that generic itself, and its f32
// buffer is gone.
// CHECK-LABEL: func.func @newton_schulz
// CHECK-SAME: (%[[X:.*]]: memref<1x8x4xf32>, %[[OUT:.*]]: memref<1x8x4xf32>)
// CHECK: %[[X16:.*]] = memref.alloc() : memref<1x8x4xbf16>
// CHECK: linalg.generic {{.*}} ins(%[[X]] : memref<1x8x4xf32>) outs(%[[X16]] : memref<1x8x4xbf16>)
// CHECK: call @lipt_cuda_gemm_bf16
// CHECK-NOT: memref.alloc() {alignment = 64 : i64} : memref<1x4x4xf32>
// CHECK: %[[P16:.*]] = memref.alloc() : memref<1x4x4xbf16>
// CHECK: linalg.generic {{.*}} outs(%[[P16]] : memref<1x4x4xbf16>)
// CHECK: %[[S:.*]] = arith.addf
// CHECK: %[[R:.*]] = arith.truncf %[[S]] : f32 to bf16
// CHECK: linalg.yield %[[R]] : bf16
// CHECK-NOT: truncf
// CHECK: %[[A:.*]] = memref.cast %[[X16]]
// CHECK: %[[B:.*]] = memref.cast %[[P16]]
// CHECK: call @lipt_cuda_gemm_bf16(%[[A]], %[[B]], {{.*}}, %false, %false, %false)
func.func @newton_schulz(%x: memref<1x8x4xf32>, %out: memref<1x8x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %two = arith.constant 2.0 : f32
  %gram = memref.alloc() {alignment = 64 : i64} : memref<1x4x4xf32>
  linalg.fill ins(%zero : f32) outs(%gram : memref<1x4x4xf32>)
  linalg.generic {indexing_maps = [affine_map<(b, i, j, k) -> (b, k, i)>,
                                   affine_map<(b, i, j, k) -> (b, k, j)>,
                                   affine_map<(b, i, j, k) -> (b, i, j)>],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %x : memref<1x8x4xf32>, memref<1x8x4xf32>) outs(%gram : memref<1x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  %poly = memref.alloc() {alignment = 64 : i64} : memref<1x4x4xf32>
  linalg.generic {indexing_maps = [affine_map<(b, i, j) -> (b, i, j)>,
                                   affine_map<(b, i, j) -> (b, i, j)>],
                  iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%gram : memref<1x4x4xf32>) outs(%poly : memref<1x4x4xf32>) {
  ^bb0(%g: f32, %o: f32):
    %m = arith.mulf %g, %two : f32
    %s = arith.addf %m, %two : f32
    linalg.yield %s : f32
  }
  linalg.fill ins(%zero : f32) outs(%out : memref<1x8x4xf32>)
  linalg.generic {indexing_maps = [affine_map<(b, i, j, k) -> (b, i, k)>,
                                   affine_map<(b, i, j, k) -> (b, k, j)>,
                                   affine_map<(b, i, j, k) -> (b, i, j)>],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %poly : memref<1x8x4xf32>, memref<1x4x4xf32>) outs(%out : memref<1x8x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// X written between two products (here by a fill): the second product
// rounds it again, as it rounds %c, which the first product wrote (a
// function argument: no producer to fuse into).
// CHECK-LABEL: func.func @written_between
// CHECK-COUNT-2: arith.truncf %in : f32 to bf16
// CHECK: call @lipt_cuda_gemm_bf16
// CHECK: linalg.fill
// CHECK-COUNT-2: arith.truncf %in : f32 to bf16
// CHECK: call @lipt_cuda_gemm_bf16
func.func @written_between(%x: memref<1x4x4xf32>, %y: memref<1x4x4xf32>, %c: memref<1x4x4xf32>, %d: memref<1x4x4xf32>) {
  %one = arith.constant 1.0 : f32
  linalg.generic {indexing_maps = [affine_map<(b, i, j, k) -> (b, i, k)>,
                                   affine_map<(b, i, j, k) -> (b, k, j)>,
                                   affine_map<(b, i, j, k) -> (b, i, j)>],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %y : memref<1x4x4xf32>, memref<1x4x4xf32>) outs(%c : memref<1x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  linalg.fill ins(%one : f32) outs(%x : memref<1x4x4xf32>)
  linalg.generic {indexing_maps = [affine_map<(b, i, j, k) -> (b, i, k)>,
                                   affine_map<(b, i, j, k) -> (b, k, j)>,
                                   affine_map<(b, i, j, k) -> (b, i, j)>],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %c : memref<1x4x4xf32>, memref<1x4x4xf32>) outs(%d : memref<1x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  return
}
