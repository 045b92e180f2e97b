// --lipt-linalg-to-gpu: buffers on the device, one kernel per linalg op,
// reductions split across a block's threads, host reads of device memory
// refused.
// RUN: lipt-opt %s --split-input-file --lipt-linalg-to-gpu --cse -verify-diagnostics | FileCheck %s

#id = affine_map<(b, i, j) -> (b, i, j)>
#per_b = affine_map<(b, i, j) -> (b)>

// An elementwise op: one thread per element, blocks of 256, the last block
// guarded; the scalar read from the rank-0 argument (host memory) stays on
// the host and reaches the kernel as a value.
// CHECK-LABEL: func.func @scale
// CHECK: %[[LR:.*]] = memref.load %arg1[] : memref<f64>
// CHECK: %[[TMP:.*]] = gpu.alloc () : memref<2x64x32xf32>
// CHECK: gpu.launch blocks({{.*}}) in ({{.*}} = %c16, {{.*}} = %c1{{.*}}, {{.*}} = %c1{{.*}}) threads({{.*}}) in ({{.*}} = %c256
// CHECK:   arith.cmpi ult, {{.*}}, %c4096
// CHECK:   scf.if
// CHECK:     memref.load %arg0
// CHECK:     memref.store {{.*}}, %[[TMP]]
// CHECK: gpu.dealloc %[[TMP]]
func.func @scale(%x: memref<2x64x32xf32>, %lr: memref<f64>, %out: memref<2x64x32xf32>) {
  %s = memref.load %lr[] : memref<f64>
  %f = arith.truncf %s : f64 to f32
  %tmp = memref.alloc() : memref<2x64x32xf32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x : memref<2x64x32xf32>) outs(%tmp : memref<2x64x32xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.mulf %a, %f : f32
    linalg.yield %m : f32
  }
  memref.copy %tmp, %out : memref<2x64x32xf32> to memref<2x64x32xf32>
  memref.dealloc %tmp : memref<2x64x32xf32>
  return
}

// -----

#id = affine_map<(b, i, j) -> (b, i, j)>
#per_b = affine_map<(b, i, j) -> (b)>

// A Frobenius norm per matrix: one block per matrix; each thread folds a
// strided slice, gpu.all_reduce combines them, thread 0 adds the result to
// the output's old value.
// CHECK-LABEL: func.func @frobenius
// CHECK: gpu.launch blocks({{.*}}) in ({{.*}} = %c2, {{.*}}) threads({{.*}}) in ({{.*}} = %c256
// CHECK:   scf.for {{.*}} step %c256 iter_args(%{{.*}} = %cst{{.*}}) -> (f32)
// CHECK:     arith.mulf
// CHECK:     arith.addf
// CHECK:   %[[SUM:.*]] = gpu.all_reduce add %{{.*}} uniform
// CHECK:   arith.cmpi eq
// CHECK:   scf.if
// CHECK:     %[[OLD:.*]] = memref.load %arg1
// CHECK:     arith.addf %[[OLD]], %[[SUM]]
func.func @frobenius(%x: memref<2x64x32xf32>, %n: memref<2xf32>) {
  linalg.generic {indexing_maps = [#id, #per_b], iterator_types = ["parallel", "reduction", "reduction"]}
      ins(%x : memref<2x64x32xf32>) outs(%n : memref<2xf32>) {
  ^bb0(%a: f32, %o: f32):
    %sq = arith.mulf %a, %a : f32
    %s = arith.addf %o, %sq : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A maximum: the same, with its own identity (-inf) and combiner.
// CHECK-LABEL: func.func @row_max
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %cst) -> (f32)
// CHECK:   arith.maximumf
// CHECK: gpu.all_reduce maximumf
func.func @row_max(%x: memref<8x100xf32>, %r: memref<8xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<8x100xf32>) outs(%r : memref<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maximumf %o, %a : f32
    linalg.yield %m : f32
  }
  return
}

// -----

// A reduction whose body is no single combiner (the running value is used
// twice): one thread per output, reading and writing it at every step.
// CHECK-LABEL: func.func @odd_reduction
// CHECK-NOT: gpu.all_reduce
// CHECK: gpu.launch
// CHECK:   scf.for %{{.*}} = %c0 to %c100 step %c1
// CHECK:     memref.load %arg1
// CHECK:     memref.store
func.func @odd_reduction(%x: memref<8x100xf32>, %r: memref<8xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<8x100xf32>) outs(%r : memref<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %p = arith.mulf %o, %o : f32
    %s = arith.addf %p, %a : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A constant table (RoPE's) is copied to the device where it is used and
// freed on return.
// CHECK-LABEL: func.func @table
// CHECK: %[[HOST:.*]] = memref.get_global @cos
// CHECK: %[[DEV:.*]] = gpu.alloc ()
// CHECK: gpu.memcpy %[[DEV]], %[[HOST]]
// CHECK: gpu.launch
// CHECK: gpu.dealloc %[[DEV]]
// CHECK-NEXT: return
memref.global "private" constant @cos : memref<4xf32> = dense<[1.0, 0.5, 0.0, -0.5]>
func.func @table(%x: memref<4xf32>, %out: memref<4xf32>) {
  %t = memref.get_global @cos : memref<4xf32>
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]}
      ins(%x, %t : memref<4xf32>, memref<4xf32>) outs(%out : memref<4xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %m = arith.mulf %a, %c : f32
    linalg.yield %m : f32
  }
  return
}

// -----

// The host may not read what kernels wrote.
func.func @host_read(%x: memref<4xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{host code would access device memory here}}
  %v = memref.load %x[%c0] : memref<4xf32>
  return %v : f32
}
