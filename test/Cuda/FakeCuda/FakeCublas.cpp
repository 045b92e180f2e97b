//===- FakeCublas.cpp - a host cuBLAS for tests -----------------*- C++ -*-===//
//
// The cuBLAS entry points runtime/cuda resolves, on the fake driver's
// host-memory "device" (FakeDriver.cpp). cublasGemmStridedBatchedEx
// computes, as cuBLAS's documentation defines it (column-major; op(A) is
// m x k; lda >= m for an untransposed A, >= k for a transposed one; beta = 0
// does not read C), in double, so a test can check lipt's row-major shims
// against a plain row-major product. It refuses what cuBLAS refuses (leading
// dimensions too small, type combinations it does not support) and records
// any operand that reaches outside a device allocation.
// LIPT_FAKE_CUBLAS_NO_MATH skips the arithmetic (checks only).
//
//===----------------------------------------------------------------------===//

#include "FakeCuda.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

constexpr int kSuccess = 0, kInvalidValue = 7, kExecutionFailed = 13,
              kNotSupported = 15;
constexpr int kOpN = 0, kOpT = 1;
constexpr int kR32F = 0, kR64F = 1, kR16BF = 14;
constexpr int kCompute32F = 68, kCompute32FFastTf32 = 77, kCompute64F = 70;

int handle;

double load(const void *base, int type, int64_t index) {
  switch (type) {
  case kR64F:
    return static_cast<const double *>(base)[index];
  case kR16BF: {
    uint32_t bits = uint32_t(static_cast<const uint16_t *>(base)[index]) << 16;
    float f;
    std::memcpy(&f, &bits, sizeof(f));
    return f;
  }
  default:
    return static_cast<const float *>(base)[index];
  }
}

void store(void *base, int type, int64_t index, double value) {
  if (type == kR64F)
    static_cast<double *>(base)[index] = value;
  else
    static_cast<float *>(base)[index] = float(value);
}

int elementBytes(int type) {
  return type == kR64F ? 8 : type == kR16BF ? 2 : 4;
}

/// The type combinations lipt uses that cuBLAS supports.
bool supported(int a, int b, int c, int compute) {
  if (a != b)
    return false;
  if (compute == kCompute64F)
    return a == kR64F && c == kR64F;
  if (compute == kCompute32FFastTf32)
    return a == kR32F && c == kR32F;
  if (compute == kCompute32F)
    return (a == kR32F || a == kR16BF) && c == kR32F;
  return false;
}

/// Whether every batch of a rows x cols column-major operand with leading
/// dimension ld lies in device memory.
bool onDevice(const void *base, int type, int64_t rows, int64_t cols,
              int64_t ld, int64_t stride, int64_t batch) {
  if (rows == 0 || cols == 0)
    return true;
  int64_t extent = ((cols - 1) * ld + rows) * elementBytes(type);
  for (int64_t b = 0; b < batch; ++b)
    if (!lipt_fake_cuda_inside(static_cast<const char *>(base) +
                                   b * stride * elementBytes(type),
                               size_t(extent)))
      return false;
  return true;
}

} // namespace

extern "C" {

int cublasCreate_v2(void **h) {
  *h = &handle;
  return kSuccess;
}
int cublasSetStream_v2(void *, void *) { return kSuccess; }
int cublasSetMathMode(void *, int) { return kSuccess; }
const char *cublasGetStatusString(int status) {
  switch (status) {
  case kSuccess:
    return "CUBLAS_STATUS_SUCCESS";
  case kInvalidValue:
    return "CUBLAS_STATUS_INVALID_VALUE";
  case kExecutionFailed:
    return "CUBLAS_STATUS_EXECUTION_FAILED";
  case kNotSupported:
    return "CUBLAS_STATUS_NOT_SUPPORTED";
  default:
    return "CUBLAS_STATUS_UNKNOWN";
  }
}

int cublasGemmStridedBatchedEx(void *, int transa, int transb, int m, int n,
                               int k, const void *alpha, const void *a,
                               int aType, int lda, long long strideA,
                               const void *b, int bType, int ldb,
                               long long strideB, const void *beta, void *c,
                               int cType, int ldc, long long strideC, int batch,
                               int compute, int /*algo*/) {
  if (lipt_fake_cuda_inject("cublasGemmStridedBatchedEx"))
    return kExecutionFailed;
  if (m < 0 || n < 0 || k < 0 || batch < 0 ||
      (transa != kOpN && transa != kOpT) || (transb != kOpN && transb != kOpT))
    return kInvalidValue;
  // op(A) = A (m x k) or A^T (A is k x m); likewise B (k x n).
  int64_t aRows = transa == kOpN ? m : k, aCols = transa == kOpN ? k : m;
  int64_t bRows = transb == kOpN ? k : n, bCols = transb == kOpN ? n : k;
  if (lda < (aRows > 1 ? aRows : 1) || ldb < (bRows > 1 ? bRows : 1) ||
      ldc < (m > 1 ? m : 1))
    return kInvalidValue;
  if (!supported(aType, bType, cType, compute))
    return kNotSupported;
  bool f64 = compute == kCompute64F;
  double al = f64 ? *static_cast<const double *>(alpha)
                  : *static_cast<const float *>(alpha);
  double be = f64 ? *static_cast<const double *>(beta)
                  : *static_cast<const float *>(beta);
  if (!onDevice(a, aType, aRows, aCols, lda, strideA, batch) ||
      !onDevice(b, bType, bRows, bCols, ldb, strideB, batch) ||
      !onDevice(c, cType, m, n, ldc, strideC, batch)) {
    lipt_fake_cuda_violation("cublasGemmStridedBatchedEx: an operand reaches "
                             "outside device memory");
    return kInvalidValue;
  }
  lipt_fake_cuda_count_gemm();
  // Where the fake runs no kernels either (whole artifacts), the numbers
  // mean nothing and a NanoGPT-sized product takes minutes in this loop.
  if (std::getenv("LIPT_FAKE_CUBLAS_NO_MATH"))
    return kSuccess;
  for (int64_t p = 0; p < batch; ++p) {
    const char *ap =
        static_cast<const char *>(a) + p * strideA * elementBytes(aType);
    const char *bp =
        static_cast<const char *>(b) + p * strideB * elementBytes(bType);
    char *cp = static_cast<char *>(c) + p * strideC * elementBytes(cType);
    for (int64_t j = 0; j < n; ++j)
      for (int64_t i = 0; i < m; ++i) {
        double sum = 0;
        for (int64_t l = 0; l < k; ++l)
          sum += load(ap, aType, transa == kOpN ? i + l * lda : l + i * lda) *
                 load(bp, bType, transb == kOpN ? l + j * ldb : j + l * ldb);
        double out = al * sum;
        if (be != 0)
          out += be * load(cp, cType, i + j * ldc);
        store(cp, cType, i + j * ldc, out);
      }
  }
  return kSuccess;
}

} // extern "C"
