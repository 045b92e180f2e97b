//===- Scratch.cpp - temporaries and threads for compiled code ------------===//

#include "lipt/Runtime/Scratch.h"

#include "OpenBlas.h"

#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

using namespace lipt_runtime;

namespace {

/// Each block starts with this header, so free knows the block's size; 64
/// bytes keep the payload as aligned as the block (vector loads, BLAS).
struct alignas(64) BlockHeader {
  uint64_t bytes;
};

class ScratchCache {
public:
  void *allocate(uint64_t bytes) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      auto it = freeBlocks.find(bytes);
      if (it != freeBlocks.end() && !it->second.empty()) {
        BlockHeader *block = it->second.back();
        it->second.pop_back();
        cached -= bytes;
        return block + 1;
      }
    }
    void *raw = std::aligned_alloc(64, sizeof(BlockHeader) + roundUp(bytes));
    if (!raw)
      return nullptr;
    auto *block = static_cast<BlockHeader *>(raw);
    block->bytes = bytes;
    return block + 1;
  }

  void release(void *ptr) {
    if (!ptr)
      return;
    BlockHeader *block = static_cast<BlockHeader *>(ptr) - 1;
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (cached + block->bytes <= kScratchCacheLimit) {
        freeBlocks[block->bytes].push_back(block);
        cached += block->bytes;
        return;
      }
    }
    std::free(block);
  }

  size_t cachedBytes() {
    std::lock_guard<std::mutex> lock(mutex);
    return cached;
  }

private:
  static uint64_t roundUp(uint64_t bytes) { return (bytes + 63) / 64 * 64; }

  std::mutex mutex;
  std::unordered_map<uint64_t, std::vector<BlockHeader *>> freeBlocks;
  size_t cached = 0;
};

ScratchCache &scratchCache() {
  // Never destroyed: compiled code may free scratch during static teardown.
  static ScratchCache *cache = new ScratchCache;
  return *cache;
}

/// Persistent workers that sleep on a condition variable between jobs (no
/// spinning: on 2 cores a spinning worker steals the core the caller needs).
class ComputePool {
public:
  explicit ComputePool(int threads) : threads(threads < 1 ? 1 : threads) {
    for (int t = 1; t < this->threads; ++t)
      workers.emplace_back([this] { work(); });
  }

  int size() const { return threads; }

  void run(int64_t count, const std::function<void(int64_t)> &task) {
    if (count <= 0)
      return;
    if (threads == 1 || count == 1) {
      for (int64_t i = 0; i < count; ++i)
        task(i);
      return;
    }
    // One job at a time: callers on several threads (two executables, say)
    // queue here rather than overwrite each other's job.
    std::lock_guard<std::mutex> oneJob(jobMutex);
    std::unique_lock<std::mutex> lock(mutex);
    job = &task;
    jobCount = count;
    next = 0;
    unfinished = count;
    ++generation;
    wake.notify_all();
    // The caller works too, then waits for the stragglers.
    drain(lock);
    done.wait(lock, [this] { return unfinished == 0; });
    job = nullptr;
  }

private:
  /// Claims and runs tasks of the current job until none are left.
  void drain(std::unique_lock<std::mutex> &lock) {
    while (job && next < jobCount) {
      int64_t i = next++;
      const std::function<void(int64_t)> *fn = job;
      lock.unlock();
      (*fn)(i);
      lock.lock();
      if (--unfinished == 0)
        done.notify_all();
    }
  }

  void work() {
    std::unique_lock<std::mutex> lock(mutex);
    uint64_t seen = 0;
    for (;;) {
      wake.wait(lock, [&] { return generation != seen; });
      seen = generation;
      drain(lock);
    }
  }

  int threads;
  std::vector<std::thread> workers;
  std::mutex jobMutex, mutex;
  std::condition_variable wake, done;
  const std::function<void(int64_t)> *job = nullptr;
  int64_t jobCount = 0, next = 0, unfinished = 0;
  uint64_t generation = 0;
};

ComputePool &computePool() {
  // Never destroyed: detached workers would otherwise be joined at exit.
  static ComputePool *pool = [] {
    auto *p = new ComputePool(openblas_get_num_threads());
    return p;
  }();
  return *pool;
}

} // namespace

extern "C" void *lipt_rt_scratch_alloc(uint64_t bytes) {
  return scratchCache().allocate(bytes);
}

extern "C" void lipt_rt_scratch_free(void *ptr) { scratchCache().release(ptr); }

size_t lipt_runtime::scratchCachedBytes() {
  return scratchCache().cachedBytes();
}

void lipt_runtime::parallelFor(int64_t count,
                               const std::function<void(int64_t)> &task) {
  computePool().run(count, task);
}

int lipt_runtime::computeThreads() { return computePool().size(); }
