//===- FakeDriver.cpp - a host stand-in for libcuda.so.1, for tests -------===//
//
// CI has no GPU, so runtime/cuda's host side (allocations, copies, module
// loading, launches, error propagation) would otherwise run only where one
// is lent. This library answers the driver entry points CudaRuntime.cpp
// resolves, with "device" memory in host memory, and checks what a real
// driver would refuse or what would corrupt memory on a real one:
//
//   - every copy, memset and free stays inside the device allocation it
//     starts in (cuMemcpyAsync may also take host memory: unified
//     addressing);
//   - every launch's grid and block fit the limits of every CUDA GPU
//     (block <= 1024 threads, 1024 x 1024 x 64; grid y, z <= 65535);
//   - a module image is a fatbin, a cubin or PTX text.
//
// Kernels do not run (their PTX cannot run here), so results are not
// numbers to check; the fake cuBLAS (FakeCublas.cpp) does compute. With
// LIPT_FAKE_CUDA_REPORT set, a summary is printed to stderr at exit;
// LIPT_FAKE_CUDA_FAIL=ENTRY:N makes the Nth call of a driver entry point
// (cuMemAllocAsync, cuLaunchKernel, cuModuleLoadData, ...) fail, to test
// that lipt reports the error.
//
//===----------------------------------------------------------------------===//

#include "FakeCuda.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>

namespace {

using CUresult = int;
constexpr CUresult kSuccess = 0, kInvalidValue = 1, kOutOfMemory = 2,
                   kInvalidImage = 200, kNotFound = 500, kLaunchFailed = 719;

struct Fake {
  std::mutex mutex;
  std::map<uintptr_t, size_t> live; // device allocations: start -> bytes
  LiptFakeCudaStats stats{};
  std::string firstViolation;
  std::map<std::string, long> calls; // per entry point, for injection
  std::string failEntry;
  long failAt = 0;

  Fake() {
    if (const char *spec = std::getenv("LIPT_FAKE_CUDA_FAIL")) {
      std::string s = spec;
      size_t colon = s.find(':');
      failEntry = s.substr(0, colon);
      failAt =
          colon == std::string::npos ? 1 : std::atol(s.c_str() + colon + 1);
    }
  }

  /// Whether this call of `entry` is the one LIPT_FAKE_CUDA_FAIL names.
  bool injectFailure(const char *entry) {
    std::lock_guard<std::mutex> lock(mutex);
    return entry == failEntry && ++calls[entry] == failAt;
  }

  CUresult violation(const std::string &what) {
    std::lock_guard<std::mutex> lock(mutex);
    ++stats.violations;
    if (firstViolation.empty())
      firstViolation = what;
    return kInvalidValue;
  }

  /// The live allocation holding address p, if any: its [start, end).
  bool owner(uintptr_t p, uintptr_t &start, uintptr_t &end) {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = live.upper_bound(p);
    if (it == live.begin())
      return false;
    --it;
    start = it->first;
    end = it->first + it->second;
    return p >= start && p < end;
  }

  /// Whether [p, p + bytes) lies inside one live allocation.
  bool inside(uintptr_t p, size_t bytes) {
    uintptr_t start, end;
    return bytes == 0 || (owner(p, start, end) && p + bytes <= end);
  }

  /// Whether a pointer cuMemcpyAsync may take: with unified addressing it
  /// is host memory (no allocation holds it) or device memory, and then the
  /// whole range lies in the allocation it starts in.
  bool unifiedRange(uintptr_t p, size_t bytes) {
    uintptr_t start, end;
    return !owner(p, start, end) || p + bytes <= end;
  }

  CUresult allocate(unsigned long long *out, size_t bytes, const char *entry) {
    if (injectFailure(entry))
      return kOutOfMemory;
    // 256-byte alignment, as cudaMalloc's; never zero bytes.
    void *p = std::aligned_alloc(256, (bytes + 255) / 256 * 256 + 256);
    if (!p)
      return kOutOfMemory;
    std::lock_guard<std::mutex> lock(mutex);
    live[reinterpret_cast<uintptr_t>(p)] = bytes;
    ++stats.allocations;
    *out = reinterpret_cast<uintptr_t>(p);
    return kSuccess;
  }

  CUresult release(unsigned long long p, const char *entry) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      auto it = live.find(p);
      if (it != live.end()) {
        live.erase(it);
        std::free(reinterpret_cast<void *>(p));
        return kSuccess;
      }
    }
    return violation(std::string(entry) + " of a pointer that is not a live "
                                          "device allocation");
  }

  /// A copy; a side that is not `Device` is host memory, or with unified
  /// addressing (`Unified`) either.
  enum Side { Host, Device, Unified };
  bool valid(Side side, uintptr_t p, size_t bytes) {
    return side == Host ||
           (side == Device ? inside(p, bytes) : unifiedRange(p, bytes));
  }

  CUresult copy(const char *entry, uintptr_t dst, Side dstSide, uintptr_t src,
                Side srcSide, size_t bytes) {
    if (injectFailure(entry))
      return kInvalidValue;
    if (!valid(dstSide, dst, bytes) || !valid(srcSide, src, bytes))
      return violation(std::string(entry) + " of " + std::to_string(bytes) +
                       " bytes outside a live device allocation");
    std::memmove(reinterpret_cast<void *>(dst),
                 reinterpret_cast<const void *>(src), bytes);
    std::lock_guard<std::mutex> lock(mutex);
    ++stats.copies;
    return kSuccess;
  }
};

/// Never destroyed: an artifact's destructors unload its modules after
/// every static object is gone.
Fake &fake() {
  static Fake *f = new Fake;
  return *f;
}

/// The summary, when this library is unloaded (at exit, before the
/// artifacts that were loaded before it).
__attribute__((destructor)) void report() {
  if (!std::getenv("LIPT_FAKE_CUDA_REPORT"))
    return;
  Fake &f = fake();
  std::lock_guard<std::mutex> lock(f.mutex);
  const LiptFakeCudaStats &s = f.stats;
  std::fprintf(stderr,
               "fake-cuda: %ld modules, %ld launches, %ld gemms, %ld copies, "
               "%ld allocations, %zu live, %ld violations%s%s\n",
               s.modules, s.launches, s.gemms, s.copies, s.allocations,
               f.live.size(), s.violations,
               f.firstViolation.empty() ? "" : ": ", f.firstViolation.c_str());
}

int dummyContext, dummyEvent;

/// A loaded module: its functions are looked up by name and never run.
struct Module {
  std::map<std::string, std::string> functions;
};

bool validImage(const void *image) {
  const unsigned char *bytes = static_cast<const unsigned char *>(image);
  uint32_t magic;
  std::memcpy(&magic, bytes, sizeof(magic));
  if (magic == 0xBA55ED50u) // a fatbin's header
    return true;
  if (std::memcmp(bytes,
                  "\x7f"
                  "ELF",
                  4) == 0) // a cubin
    return true;
  // PTX text: comments, then .version.
  const char *text = static_cast<const char *>(image);
  return std::strstr(text, ".version") != nullptr;
}

} // namespace

extern "C" {

LiptFakeCudaStats lipt_fake_cuda_stats(void) {
  Fake &f = fake();
  std::lock_guard<std::mutex> lock(f.mutex);
  LiptFakeCudaStats s = f.stats;
  s.live = long(f.live.size());
  return s;
}

int lipt_fake_cuda_inside(const void *p, size_t bytes) {
  return fake().inside(reinterpret_cast<uintptr_t>(p), bytes);
}

void lipt_fake_cuda_violation(const char *what) { fake().violation(what); }

int lipt_fake_cuda_inject(const char *entry) {
  return fake().injectFailure(entry);
}

void lipt_fake_cuda_count_gemm(void) {
  Fake &f = fake();
  std::lock_guard<std::mutex> lock(f.mutex);
  ++f.stats.gemms;
}

CUresult cuInit(unsigned) { return kSuccess; }
CUresult cuDeviceGetCount(int *count) {
  *count = 1;
  return kSuccess;
}
CUresult cuDeviceGet(int *device, int ordinal) {
  *device = ordinal;
  return ordinal == 0 ? kSuccess : kInvalidValue;
}
CUresult cuDeviceGetName(char *name, int length, int) {
  std::snprintf(name, size_t(length), "lipt fake GPU");
  return kSuccess;
}
CUresult cuDeviceGetAttribute(int *value, int attribute, int) {
  // 75, 76: compute capability major, minor (sm_90).
  *value = attribute == 75 ? 9 : attribute == 76 ? 0 : 0;
  return kSuccess;
}
CUresult cuDevicePrimaryCtxRetain(void **context, int) {
  *context = &dummyContext;
  return kSuccess;
}
CUresult cuCtxSetCurrent(void *) { return kSuccess; }

CUresult cuModuleLoadData(void **module, const void *image) {
  if (fake().injectFailure("cuModuleLoadData") || !image || !validImage(image))
    return kInvalidImage;
  *module = new Module;
  std::lock_guard<std::mutex> lock(fake().mutex);
  ++fake().stats.modules;
  return kSuccess;
}
CUresult cuModuleUnload(void *module) {
  delete static_cast<Module *>(module);
  return kSuccess;
}
CUresult cuModuleGetFunction(void **function, void *module, const char *name) {
  if (!module || !name || !*name)
    return kNotFound;
  auto &functions = static_cast<Module *>(module)->functions;
  *function = &functions.emplace(name, name).first->second;
  return kSuccess;
}

CUresult cuLaunchKernel(void *function, unsigned gx, unsigned gy, unsigned gz,
                        unsigned bx, unsigned by, unsigned bz, unsigned smem,
                        void *, void **params, void **extra) {
  Fake &f = fake();
  if (f.injectFailure("cuLaunchKernel"))
    return kLaunchFailed;
  std::string name =
      function ? *static_cast<std::string *>(function) : "(null)";
  unsigned long long threads = 1ull * bx * by * bz;
  if (!function || gx == 0 || gy == 0 || gz == 0 || threads == 0 ||
      threads > 1024 || bx > 1024 || by > 1024 || bz > 64 || gy > 65535 ||
      gz > 65535 || gx > 0x7fffffffu || smem > 48 * 1024)
    return f.violation("launch of " + name + " with grid " +
                       std::to_string(gx) + "x" + std::to_string(gy) + "x" +
                       std::to_string(gz) + ", block " + std::to_string(bx) +
                       "x" + std::to_string(by) + "x" + std::to_string(bz) +
                       ", " + std::to_string(smem) + " bytes shared");
  if (!params && !extra)
    return f.violation("launch of " + name + " without parameters");
  std::lock_guard<std::mutex> lock(f.mutex);
  ++f.stats.launches;
  return kSuccess;
}

CUresult cuStreamSynchronize(void *) { return kSuccess; }
CUresult cuStreamWaitEvent(void *, void *, unsigned) { return kSuccess; }
CUresult cuEventCreate(void **event, unsigned) {
  *event = &dummyEvent;
  return kSuccess;
}
CUresult cuEventDestroy_v2(void *) { return kSuccess; }
CUresult cuEventRecord(void *, void *) { return kSuccess; }
CUresult cuEventSynchronize(void *) { return kSuccess; }

CUresult cuMemAlloc_v2(unsigned long long *p, size_t bytes) {
  return fake().allocate(p, bytes, "cuMemAlloc_v2");
}
CUresult cuMemFree_v2(unsigned long long p) {
  return fake().release(p, "cuMemFree_v2");
}
CUresult cuMemAllocAsync(unsigned long long *p, size_t bytes, void *) {
  return fake().allocate(p, bytes, "cuMemAllocAsync");
}
CUresult cuMemFreeAsync(unsigned long long p, void *) {
  return fake().release(p, "cuMemFreeAsync");
}
CUresult cuMemcpyHtoD_v2(unsigned long long dst, const void *src,
                         size_t bytes) {
  return fake().copy("cuMemcpyHtoD_v2", dst, Fake::Device,
                     reinterpret_cast<uintptr_t>(src), Fake::Host, bytes);
}
CUresult cuMemcpyDtoH_v2(void *dst, unsigned long long src, size_t bytes) {
  return fake().copy("cuMemcpyDtoH_v2", reinterpret_cast<uintptr_t>(dst),
                     Fake::Host, src, Fake::Device, bytes);
}
CUresult cuMemcpyAsync(unsigned long long dst, unsigned long long src,
                       size_t bytes, void *) {
  return fake().copy("cuMemcpyAsync", dst, Fake::Unified, src, Fake::Unified,
                     bytes);
}
CUresult cuMemsetD32Async(unsigned long long dst, unsigned value, size_t count,
                          void *) {
  Fake &f = fake();
  if (!f.inside(dst, count * 4))
    return f.violation("cuMemsetD32Async outside a live device allocation");
  auto *words = reinterpret_cast<uint32_t *>(dst);
  for (size_t i = 0; i < count; ++i)
    words[i] = value;
  return kSuccess;
}

CUresult cuGetErrorString(CUresult rc, const char **text) {
  switch (rc) {
  case kSuccess:
    *text = "no error";
    break;
  case kInvalidValue:
    *text = "invalid argument";
    break;
  case kOutOfMemory:
    *text = "out of memory";
    break;
  case kInvalidImage:
    *text = "device kernel image is invalid";
    break;
  case kNotFound:
    *text = "named symbol not found";
    break;
  case kLaunchFailed:
    *text = "unspecified launch failure";
    break;
  default:
    *text = "unknown error";
  }
  return kSuccess;
}

} // extern "C"
