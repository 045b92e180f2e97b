//===- BlasShimsTest.cpp - BLAS shims, scratch cache, compute pool --------===//
//
// The shims give whole matrices of a batch to the compute pool's threads
// when the batch divides evenly among them, else run the products one after
// another on OpenBLAS's threads. Either way they must give the product a
// plain loop gives, for every shape the lowering can produce.
//
//===----------------------------------------------------------------------===//

#include "lipt/Runtime/BlasShims.h"
#include "lipt/Runtime/Scratch.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <random>
#include <thread>
#include <vector>

using lipt_runtime::MemRef3;

namespace {

/// A dense row-major [batch, rows, cols] buffer and its memref descriptor.
struct Batch {
  int64_t batch, rows, cols;
  std::vector<double> data;
  Batch(int64_t b, int64_t r, int64_t c, uint32_t seed)
      : batch(b), rows(r), cols(c), data(b * r * c) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    for (double &x : data)
      x = u(rng);
  }
  double at(int64_t b, int64_t i, int64_t j) const {
    return data[(b * rows + i) * cols + j];
  }
  MemRef3<double> ref() {
    return {data.data(),
            data.data(),
            0,
            {batch, rows, cols},
            {rows * cols, cols, 1}};
  }
};

struct Shape {
  int64_t batch, m, n, k;
};

class GemmShapes : public ::testing::TestWithParam<Shape> {};

TEST_P(GemmShapes, MatchesLoopsForEveryTransposeAndAccumulate) {
  Shape s = GetParam();
  for (bool transA : {false, true})
    for (bool transB : {false, true})
      for (bool accumulate : {false, true}) {
        Batch a(s.batch, transA ? s.k : s.m, transA ? s.m : s.k, 1);
        Batch b(s.batch, transB ? s.n : s.k, transB ? s.k : s.n, 2);
        Batch c(s.batch, s.m, s.n, 3);
        Batch expected = c;
        for (int64_t bi = 0; bi < s.batch; ++bi)
          for (int64_t i = 0; i < s.m; ++i)
            for (int64_t j = 0; j < s.n; ++j) {
              double sum = 0;
              for (int64_t p = 0; p < s.k; ++p)
                sum += (transA ? a.at(bi, p, i) : a.at(bi, i, p)) *
                       (transB ? b.at(bi, j, p) : b.at(bi, p, j));
              double &out = expected.data[(bi * s.m + i) * s.n + j];
              out = accumulate ? out + sum : sum;
            }
        auto ra = a.ref(), rb = b.ref(), rc = c.ref();
        _mlir_ciface_lipt_rt_gemm_f64(&ra, &rb, &rc, transA, transB,
                                      accumulate);
        for (size_t i = 0; i < c.data.size(); ++i)
          ASSERT_NEAR(c.data[i], expected.data[i], 1e-12)
              << "transA " << transA << " transB " << transB << " accumulate "
              << accumulate << " element " << i;
      }
}

TEST_P(GemmShapes, SyrkMatchesLoopsAndIsSymmetric) {
  Shape s = GetParam();
  for (bool transA : {false, true}) {
    // C = A A^T (A: n x k), or A^T A (A: k x n).
    Batch a(s.batch, transA ? s.k : s.n, transA ? s.n : s.k, 4);
    Batch c(s.batch, s.n, s.n, 5);
    auto ra = a.ref(), rc = c.ref();
    _mlir_ciface_lipt_rt_syrk_f64(&ra, &rc, transA);
    for (int64_t bi = 0; bi < s.batch; ++bi)
      for (int64_t i = 0; i < s.n; ++i)
        for (int64_t j = 0; j < s.n; ++j) {
          double sum = 0;
          for (int64_t p = 0; p < s.k; ++p)
            sum += transA ? a.at(bi, p, i) * a.at(bi, p, j)
                          : a.at(bi, i, p) * a.at(bi, j, p);
          ASSERT_NEAR(c.at(bi, i, j), sum, 1e-12)
              << "transA " << transA << " at " << bi << "," << i << "," << j;
        }
  }
}

// Batches that divide among 2 threads and ones that do not, single rows and
// columns, sizes around the mirroring tile (32).
INSTANTIATE_TEST_SUITE_P(
    Shapes, GemmShapes,
    ::testing::Values(Shape{1, 1, 1, 1}, Shape{1, 1, 7, 3}, Shape{1, 7, 1, 3},
                      Shape{2, 5, 6, 4}, Shape{3, 33, 31, 8},
                      Shape{1, 65, 70, 40}, Shape{4, 16, 16, 16},
                      Shape{5, 3, 64, 2}, Shape{1, 100, 9, 1}));

TEST(ScratchCache, ReusesFreedBlocksAlignedAndBounded) {
  size_t before = lipt_runtime::scratchCachedBytes();
  void *first = lipt_rt_scratch_alloc(1000);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(first) % 64, 0u);
  static_cast<char *>(first)[999] = 1; // the whole size is usable
  lipt_rt_scratch_free(first);
  EXPECT_EQ(lipt_runtime::scratchCachedBytes(), before + 1000);
  void *again = lipt_rt_scratch_alloc(1000);
  EXPECT_EQ(again, first);
  EXPECT_EQ(lipt_runtime::scratchCachedBytes(), before);
  // A block past the cache's limit goes back to the system.
  void *huge = lipt_rt_scratch_alloc(lipt_runtime::kScratchCacheLimit + 64);
  ASSERT_NE(huge, nullptr);
  lipt_rt_scratch_free(huge);
  EXPECT_EQ(lipt_runtime::scratchCachedBytes(), before);
  lipt_rt_scratch_free(again);
  lipt_rt_scratch_free(nullptr);
}

TEST(ComputePool, RunsEveryTaskOnceAcrossRepeatedJobs) {
  EXPECT_GE(lipt_runtime::computeThreads(), 1);
  for (int64_t count : {0, 1, 2, 3, 17, 1000}) {
    std::vector<std::atomic<int>> hits(count);
    for (auto &h : hits)
      h = 0;
    lipt_runtime::parallelFor(count, [&](int64_t i) { ++hits[i]; });
    for (int64_t i = 0; i < count; ++i)
      ASSERT_EQ(hits[i].load(), 1) << "task " << i << " of " << count;
  }
}

TEST(ComputePool, CallersOnSeveralThreadsEachGetTheirWholeJob) {
  std::vector<std::atomic<int>> hits(4 * 500);
  for (auto &h : hits)
    h = 0;
  std::vector<std::thread> callers;
  for (int c = 0; c < 4; ++c)
    callers.emplace_back([&, c] {
      for (int round = 0; round < 5; ++round)
        lipt_runtime::parallelFor(
            100, [&](int64_t i) { ++hits[c * 500 + round * 100 + i]; });
    });
  for (std::thread &t : callers)
    t.join();
  for (size_t i = 0; i < hits.size(); ++i)
    ASSERT_EQ(hits[i].load(), 1) << "slot " << i;
}

} // namespace
