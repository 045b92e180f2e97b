//===- BlasShims.cpp - BLAS entry points called by compiled code ----------===//

#include "lipt/Runtime/BlasShims.h"
#include "lipt/Runtime/Scratch.h"

#include "OpenBlas.h"

#include <algorithm>
#include <vector>

using namespace lipt_runtime;

namespace {
/// The leading dimension of a row-major matrix view, or 0 when the view is
/// not row-major with unit inner stride (then the loop fallback runs).
template <typename T> int64_t leadingDim(const MemRef3<T> &m) {
  if (m.strides[2] != 1 && m.sizes[2] > 1)
    return 0;
  return m.strides[1] < 1 ? 1 : m.strides[1];
}

template <typename T>
T at(const MemRef3<T> &m, int64_t b, int64_t i, int64_t j) {
  return m.aligned[m.offset + b * m.strides[0] + i * m.strides[1] +
                   j * m.strides[2]];
}

/// One-thread BLAS for the duration of a shim call: the shims parallelise
/// over the compute pool themselves (Scratch.h), and OpenBLAS's own threads
/// inside each call would compete with the pool for the same cores.
class SingleThreadedBlas {
public:
  SingleThreadedBlas() : saved(openblas_get_num_threads()) {
    if (saved != 1)
      openblas_set_num_threads(1);
  }
  ~SingleThreadedBlas() {
    if (saved != 1)
      openblas_set_num_threads(saved);
  }

private:
  int saved;
};

/// Runs body(b) for every matrix b of the batch. When the batch divides
/// evenly among the compute pool's threads, whole matrices go to the pool,
/// each a one-thread BLAS call: small products parallelise far better across
/// a batch than inside one product (OpenBLAS's threading scales poorly at
/// 256x256). Otherwise the products run one after another on OpenBLAS's own
/// threads. Row blocks on the pool measured slower there: OpenBLAS's
/// workers, left spinning by the process's last threaded BLAS call (LibTorch
/// in training), take the cores the pool needs.
template <typename Body> void forEachMatrix(int64_t batch, Body body) {
  int threads = computeThreads();
  if (threads <= 1 || batch < threads || batch % threads != 0) {
    for (int64_t b = 0; b < batch; ++b)
      body(b);
    return;
  }
  SingleThreadedBlas oneThread;
  parallelFor(batch, [&](int64_t b) { body(b); });
}

template <typename T, typename Gemm>
void gemm(MemRef3<T> *a, MemRef3<T> *b, MemRef3<T> *c, bool transA, bool transB,
          bool accumulate, Gemm blas) {
  int64_t batch = c->sizes[0], m = c->sizes[1], n = c->sizes[2];
  int64_t k = transA ? a->sizes[1] : a->sizes[2];
  if (m == 0 || n == 0)
    return;
  int64_t lda = leadingDim(*a), ldb = leadingDim(*b), ldc = leadingDim(*c);
  bool blasOk = kHaveOpenBlas && lda && ldb && ldc && k > 0;
  forEachMatrix(batch, [&](int64_t bi) {
    T *cb = c->aligned + c->offset + bi * c->strides[0];
    if (blasOk) {
      blas(CblasRowMajor, transA ? CblasTrans : CblasNoTrans,
           transB ? CblasTrans : CblasNoTrans, int(m), int(n), int(k), T(1),
           a->aligned + a->offset + bi * a->strides[0], int(lda),
           b->aligned + b->offset + bi * b->strides[0], int(ldb),
           accumulate ? T(1) : T(0), cb, int(ldc));
      return;
    }
    // Strided views BLAS cannot take (and k = 0): plain loops.
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        T sum = 0;
        for (int64_t p = 0; p < k; ++p)
          sum += (transA ? at(*a, bi, p, i) : at(*a, bi, i, p)) *
                 (transB ? at(*b, bi, j, p) : at(*b, bi, p, j));
        T &out = cb[i * c->strides[1] + j * c->strides[2]];
        out = accumulate ? out + sum : sum;
      }
  });
}

/// Copies the upper triangle into the lower one, in tiles so both the rows
/// read and the columns written stay in cache.
template <typename T> void mirrorUpper(T *c, int64_t ldc, int64_t n) {
  constexpr int64_t tile = 32;
  for (int64_t cb = 0; cb < n; cb += tile)
    for (int64_t rb = 0; rb <= cb; rb += tile)
      for (int64_t col = cb; col < std::min(cb + tile, n); ++col)
        for (int64_t row = rb; row < std::min(rb + tile, col); ++row)
          c[col * ldc + row] = c[row * ldc + col];
}

template <typename T, typename Syrk>
void syrk(MemRef3<T> *a, MemRef3<T> *c, bool transA, Syrk blas) {
  int64_t batch = c->sizes[0], n = c->sizes[1];
  int64_t k = transA ? a->sizes[1] : a->sizes[2];
  int64_t lda = leadingDim(*a), ldc = leadingDim(*c);
  bool blasOk = kHaveOpenBlas && lda && ldc && k > 0 && c->strides[2] == 1;
  forEachMatrix(batch, [&](int64_t bi) {
    T *cb = c->aligned + c->offset + bi * c->strides[0];
    if (blasOk) {
      blas(CblasRowMajor, CblasUpper, transA ? CblasTrans : CblasNoTrans,
           int(n), int(k), T(1), a->aligned + a->offset + bi * a->strides[0],
           int(lda), T(0), cb, int(ldc));
      mirrorUpper(cb, ldc, n);
      return;
    }
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < n; ++j) {
        T sum = 0;
        for (int64_t p = 0; p < k; ++p)
          sum += transA ? at(*a, bi, p, i) * at(*a, bi, p, j)
                        : at(*a, bi, i, p) * at(*a, bi, j, p);
        cb[i * c->strides[1] + j * c->strides[2]] = sum;
      }
  });
}
} // namespace

extern "C" void _mlir_ciface_lipt_rt_syrk_f32(MemRef3<float> *a,
                                              MemRef3<float> *c, bool transA) {
  syrk(a, c, transA, cblas_ssyrk);
}

extern "C" void _mlir_ciface_lipt_rt_syrk_f64(MemRef3<double> *a,
                                              MemRef3<double> *c, bool transA) {
  syrk(a, c, transA, cblas_dsyrk);
}

extern "C" void _mlir_ciface_lipt_rt_gemm_f32(MemRef3<float> *a,
                                              MemRef3<float> *b,
                                              MemRef3<float> *c, bool transA,
                                              bool transB, bool accumulate) {
  gemm(a, b, c, transA, transB, accumulate, cblas_sgemm);
}

extern "C" void _mlir_ciface_lipt_rt_gemm_f64(MemRef3<double> *a,
                                              MemRef3<double> *b,
                                              MemRef3<double> *c, bool transA,
                                              bool transB, bool accumulate) {
  gemm(a, b, c, transA, transB, accumulate, cblas_dgemm);
}
