//===- FakeCuda.h - what the fake driver tells tests -------------*- C++
//-*-===//
//
// The fake CUDA driver and cuBLAS (FakeDriver.cpp, FakeCublas.cpp) export
// these beside the CUDA entry points: counters for tests, and the checks the
// fake cuBLAS shares with the driver (which pointers are device memory).
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_TEST_FAKECUDA_H
#define LIPT_TEST_FAKECUDA_H

#include <cstddef>

extern "C" {

struct LiptFakeCudaStats {
  long modules, launches, gemms, copies, allocations, live, violations;
};

/// What the fake saw so far (live: device allocations not yet freed).
LiptFakeCudaStats lipt_fake_cuda_stats(void);
/// Whether [p, p + bytes) lies inside one live device allocation.
int lipt_fake_cuda_inside(const void *p, size_t bytes);
/// Records a misuse (counted; the first one is reported).
void lipt_fake_cuda_violation(const char *what);
/// Whether this call of `entry` is the one LIPT_FAKE_CUDA_FAIL names.
int lipt_fake_cuda_inject(const char *entry);
void lipt_fake_cuda_count_gemm(void);
}

#endif // LIPT_TEST_FAKECUDA_H
