//===- BlasShims.h - BLAS entry points called by compiled code --*- C++ -*-===//
//
// lipt-linalg-to-blas replaces batched matrix products with calls to these
// functions (through MLIR's C interface: one pointer to a memref descriptor
// per operand). They run OpenBLAS on each matrix of the batch.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_RUNTIME_BLASSHIMS_H
#define LIPT_RUNTIME_BLASSHIMS_H

#include <cstdint>

namespace lipt_runtime {

/// A rank-3 memref descriptor, as MLIR's C interface passes it.
template <typename T> struct MemRef3 {
  T *allocated;
  T *aligned;
  int64_t offset;
  int64_t sizes[3];
  int64_t strides[3];
};

} // namespace lipt_runtime

extern "C" {
/// C[b] = beta C[b] + op(A[b]) op(B[b]) for every b, op = transpose when
/// the flag is set; beta is 0 or 1 (C is overwritten or accumulated into).
void _mlir_ciface_lipt_rt_gemm_f32(lipt_runtime::MemRef3<float> *a,
                                   lipt_runtime::MemRef3<float> *b,
                                   lipt_runtime::MemRef3<float> *c, bool transA,
                                   bool transB, bool accumulate);
void _mlir_ciface_lipt_rt_gemm_f64(lipt_runtime::MemRef3<double> *a,
                                   lipt_runtime::MemRef3<double> *b,
                                   lipt_runtime::MemRef3<double> *c,
                                   bool transA, bool transB, bool accumulate);
/// C[b] = A[b] A[b]^T (or A[b]^T A[b] when transA): one triangle by syrk,
/// half the flops of a gemm, then mirrored so C is a full matrix.
void _mlir_ciface_lipt_rt_syrk_f32(lipt_runtime::MemRef3<float> *a,
                                   lipt_runtime::MemRef3<float> *c,
                                   bool transA);
void _mlir_ciface_lipt_rt_syrk_f64(lipt_runtime::MemRef3<double> *a,
                                   lipt_runtime::MemRef3<double> *c,
                                   bool transA);
}

#endif // LIPT_RUNTIME_BLASSHIMS_H
