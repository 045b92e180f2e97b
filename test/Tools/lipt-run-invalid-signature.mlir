// A function lipt-run cannot call is reported at its location.
// RUN: not lipt-run %s --function=f 2>&1 | FileCheck %s
// CHECK: lipt-run-invalid-signature.mlir:[[@LINE+1]]:1: error: function 'f' argument #0 has type 'tensor<4xi16>'; compiled functions take and return statically shaped tensors of f32, f64, f16, bf16, i32 or i64
func.func @f(%x: tensor<4xi16>) -> tensor<4xi16> {
  return %x : tensor<4xi16>
}
