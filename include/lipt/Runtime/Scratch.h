//===- Scratch.h - temporaries and threads for compiled code ----*- C++ -*-===//
//
// Compiled steps allocate the same temporaries at every call (a Gram matrix,
// a polynomial, ...), several MiB each. Through malloc each one is a fresh
// mmap: page faults and zeroing at every step (~30% of a compiled Muon step
// on the paper's shapes). CpuExecutable points compiled code's malloc/free
// at lipt_rt_scratch_alloc/free, which keep freed blocks for reuse.
//
// The BLAS shims give the matrices of an evenly divisible batch to a
// persistent pool of threads, one-thread BLAS calls each: creating threads
// per call cost more than a 256x256 product takes.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_RUNTIME_SCRATCH_H
#define LIPT_RUNTIME_SCRATCH_H

#include <cstddef>
#include <cstdint>
#include <functional>

extern "C" {
/// 64-byte-aligned memory, reused from earlier frees of the same size.
void *lipt_rt_scratch_alloc(uint64_t bytes);
/// Returns a block from lipt_rt_scratch_alloc to the cache (or to the system
/// when the cache already holds kScratchCacheLimit bytes). Null is ignored.
void lipt_rt_scratch_free(void *ptr);
}

namespace lipt_runtime {

/// The most bytes of freed blocks the scratch cache keeps.
constexpr size_t kScratchCacheLimit = size_t(1) << 30;

/// Bytes the scratch cache holds now (freed, kept for reuse).
size_t scratchCachedBytes();

/// Runs task(i) for i in [0, count) on the compute pool: the calling thread
/// and (threads - 1) persistent workers, threads = the BLAS thread count when
/// the pool was first used. Returns when every task has run. Tasks must not
/// call parallelFor themselves.
void parallelFor(int64_t count, const std::function<void(int64_t)> &task);

/// The number of threads parallelFor runs on.
int computeThreads();

} // namespace lipt_runtime

#endif // LIPT_RUNTIME_SCRATCH_H
