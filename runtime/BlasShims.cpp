//===- BlasShims.cpp - BLAS entry points called by compiled code ----------===//

#include "lipt/Runtime/BlasShims.h"
#include "lipt/Runtime/Scratch.h"

#include <cblas.h>

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

/// Row ranges [bounds[i], bounds[i+1]) of an n-row product, one per thread.
std::vector<int64_t> evenRows(int64_t n, int parts) {
  std::vector<int64_t> bounds;
  for (int i = 0; i <= parts; ++i)
    bounds.push_back(n * i / parts);
  return bounds;
}

/// Row ranges of the upper triangle of an n x n result with equal work:
/// row r holds n - r entries, so the first r rows hold r n - r (r - 1) / 2.
std::vector<int64_t> triangleRows(int64_t n, int parts) {
  std::vector<int64_t> bounds{0};
  double total = double(n) * double(n + 1) / 2;
  int64_t r = 0;
  for (int i = 1; i < parts; ++i) {
    while (r < n && double(r) * n - double(r) * (r - 1) / 2 < total * i / parts)
      ++r;
    bounds.push_back(r);
  }
  bounds.push_back(n);
  return bounds;
}

/// How a batch of products is split into pool tasks: whole matrices when
/// the batch divides evenly among the threads, else every matrix in
/// row blocks (3 matrices on 2 threads would idle one thread a third of the
/// time).
struct Split {
  int64_t batch, parts;
  int64_t tasks() const { return batch * parts; }
};
Split splitFor(int64_t batch) {
  int threads = computeThreads();
  if (threads <= 1 || batch % threads == 0)
    return {batch, 1};
  return {batch, threads};
}

template <typename T, typename Gemm>
void gemm(MemRef3<T> *a, MemRef3<T> *b, MemRef3<T> *c, bool transA, bool transB,
          bool accumulate, Gemm blas) {
  int64_t batch = c->sizes[0], m = c->sizes[1], n = c->sizes[2];
  int64_t k = transA ? a->sizes[1] : a->sizes[2];
  if (m == 0 || n == 0 || batch == 0)
    return;
  int64_t lda = leadingDim(*a), ldb = leadingDim(*b), ldc = leadingDim(*c);
  bool blasOk = lda && ldb && ldc && k > 0;
  Split split = splitFor(batch); // sizes the pool first, from BLAS's count
  SingleThreadedBlas oneThread;
  std::vector<int64_t> rows = evenRows(m, int(split.parts));
  parallelFor(split.tasks(), [&](int64_t task) {
    int64_t bi = task / split.parts, part = task % split.parts;
    int64_t r0 = rows[part], r1 = rows[part + 1];
    if (r0 == r1)
      return;
    T *cb = c->aligned + c->offset + bi * c->strides[0];
    const T *ab = a->aligned + a->offset + bi * a->strides[0];
    if (blasOk) {
      // Rows r0..r1 of op(A): columns of A when it is transposed.
      blas(CblasRowMajor, transA ? CblasTrans : CblasNoTrans,
           transB ? CblasTrans : CblasNoTrans, int(r1 - r0), int(n), int(k),
           T(1), ab + (transA ? r0 : r0 * lda), int(lda),
           b->aligned + b->offset + bi * b->strides[0], int(ldb),
           accumulate ? T(1) : T(0), cb + r0 * ldc, int(ldc));
      return;
    }
    // Strided views BLAS cannot take (and k = 0): plain loops.
    for (int64_t i = r0; i < r1; ++i)
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

/// Copies the upper triangle's rows r0..r1 into the lower triangle's columns
/// r0..r1, in tiles so both sides stay in cache.
template <typename T>
void mirrorRows(T *c, int64_t ldc, int64_t n, int64_t r0, int64_t r1) {
  constexpr int64_t tile = 32;
  for (int64_t cb = r0; cb < n; cb += tile)
    for (int64_t rb = r0; rb < r1 && rb < cb + tile; rb += tile)
      for (int64_t col = cb; col < std::min(cb + tile, n); ++col)
        for (int64_t row = rb; row < std::min({rb + tile, r1, col}); ++row)
          c[col * ldc + row] = c[row * ldc + col];
}

template <typename T, typename Syrk, typename Gemm>
void syrk(MemRef3<T> *a, MemRef3<T> *c, bool transA, Syrk blasSyrk,
          Gemm blasGemm) {
  int64_t batch = c->sizes[0], n = c->sizes[1];
  int64_t k = transA ? a->sizes[1] : a->sizes[2];
  if (n == 0 || batch == 0)
    return;
  int64_t lda = leadingDim(*a), ldc = leadingDim(*c);
  bool blasOk = lda && ldc && k > 0 && c->strides[2] == 1;
  Split split = splitFor(batch); // sizes the pool first, from BLAS's count
  SingleThreadedBlas oneThread;
  std::vector<int64_t> rows = triangleRows(n, int(split.parts));
  parallelFor(split.tasks(), [&](int64_t task) {
    int64_t bi = task / split.parts, part = task % split.parts;
    int64_t r0 = rows[part], r1 = rows[part + 1];
    if (r0 == r1)
      return;
    T *cb = c->aligned + c->offset + bi * c->strides[0];
    const T *ab = a->aligned + a->offset + bi * a->strides[0];
    if (blasOk) {
      // Row i of op(A) (op(A) = A^T when transA): a column of A, else a row.
      auto rowOf = [&](int64_t i) { return ab + (transA ? i : i * lda); };
      CBLAS_TRANSPOSE first = transA ? CblasTrans : CblasNoTrans;
      CBLAS_TRANSPOSE second = transA ? CblasNoTrans : CblasTrans;
      // Diagonal block (one triangle), then the block right of it.
      blasSyrk(CblasRowMajor, CblasUpper, first, int(r1 - r0), int(k), T(1),
               rowOf(r0), int(lda), T(0), cb + r0 * ldc + r0, int(ldc));
      if (r1 < n)
        blasGemm(CblasRowMajor, first, second, int(r1 - r0), int(n - r1),
                 int(k), T(1), rowOf(r0), int(lda), rowOf(r1), int(lda), T(0),
                 cb + r0 * ldc + r1, int(ldc));
      mirrorRows(cb, ldc, n, r0, r1);
      return;
    }
    for (int64_t i = r0; i < r1; ++i)
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
  syrk(a, c, transA, cblas_ssyrk, cblas_sgemm);
}

extern "C" void _mlir_ciface_lipt_rt_syrk_f64(MemRef3<double> *a,
                                              MemRef3<double> *c, bool transA) {
  syrk(a, c, transA, cblas_dsyrk, cblas_dgemm);
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
