//===- BlasShims.cpp - BLAS entry points called by compiled code ----------===//

#include "lipt/Runtime/BlasShims.h"

#include <cblas.h>

#include <algorithm>
#include <thread>
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

/// Runs body(b) for every matrix b of the batch. With several matrices and
/// several BLAS threads, whole matrices go to threads (each a one-thread
/// BLAS call): small products parallelise far better across a batch than
/// inside one product (at 256x256 OpenBLAS's own threading scales poorly).
template <typename Body> void forEachMatrix(int64_t batch, Body body) {
  int threads = openblas_get_num_threads();
  // Whole matrices per thread only when the rounds come out even enough: 3
  // matrices on 2 threads would idle one thread for a third of the time,
  // worse than OpenBLAS's own threading inside each product.
  bool split = threads >= 2 && batch >= 2 &&
               (batch % threads == 0 || batch >= 2 * threads);
  if (!split) {
    for (int64_t b = 0; b < batch; ++b)
      body(b);
    return;
  }
  openblas_set_num_threads(1);
  int workers = int(std::min<int64_t>(threads, batch));
  std::vector<std::thread> pool;
  for (int t = 1; t < workers; ++t)
    pool.emplace_back([&, t] {
      for (int64_t b = t; b < batch; b += workers)
        body(b);
    });
  for (int64_t b = 0; b < batch; b += workers)
    body(b);
  for (std::thread &t : pool)
    t.join();
  openblas_set_num_threads(threads);
}

template <typename T, typename Gemm>
void gemm(MemRef3<T> *a, MemRef3<T> *b, MemRef3<T> *c, bool transA, bool transB,
          bool accumulate, Gemm blas) {
  int64_t batch = c->sizes[0], m = c->sizes[1], n = c->sizes[2];
  int64_t k = transA ? a->sizes[1] : a->sizes[2];
  if (m == 0 || n == 0)
    return;
  int64_t lda = leadingDim(*a), ldb = leadingDim(*b), ldc = leadingDim(*c);
  bool blasOk = lda && ldb && ldc;
  forEachMatrix(batch, [&](int64_t bi) {
    T *cb = c->aligned + c->offset + bi * c->strides[0];
    if (blasOk && k > 0) {
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
template <typename T, typename Syrk>
void syrk(MemRef3<T> *a, MemRef3<T> *c, bool transA, Syrk blas) {
  int64_t batch = c->sizes[0], n = c->sizes[1];
  int64_t k = transA ? a->sizes[1] : a->sizes[2];
  int64_t lda = leadingDim(*a), ldc = leadingDim(*c);
  forEachMatrix(batch, [&](int64_t bi) {
    T *cb = c->aligned + c->offset + bi * c->strides[0];
    if (lda && ldc && k > 0 && c->strides[2] == 1) {
      blas(CblasRowMajor, CblasUpper, transA ? CblasTrans : CblasNoTrans,
           int(n), int(k), T(1), a->aligned + a->offset + bi * a->strides[0],
           int(lda), T(0), cb, int(ldc));
      for (int64_t i = 0; i < n; ++i) // mirror the upper triangle
        for (int64_t j = 0; j < i; ++j)
          cb[i * ldc + j] = cb[j * ldc + i];
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
