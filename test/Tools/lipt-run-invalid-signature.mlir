// A function lipt-run or lipt-compile cannot call is reported at its
// location, once: the source line, not the function again in generic form.
// RUN: not lipt-run %s --function=f 2>&1 | FileCheck %s
// RUN: not lipt-compile %s -o %t.lipt.so 2>&1 | FileCheck %s
// RUN: not lipt-compile %s --target=cuda -o %t.lipt.so 2>&1 | FileCheck %s
// CHECK: lipt-run-invalid-signature.mlir:[[@LINE+2]]:1: error: function 'f' argument #0 has type 'tensor<4xi16>'; compiled functions take and return statically shaped tensors of f32, f64, f16, bf16, i32 or i64
// CHECK-NOT: see current operation
func.func @f(%x: tensor<4xi16>) -> tensor<4xi16> {
  return %x : tensor<4xi16>
}
