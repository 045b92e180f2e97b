//===- CudaRuntime.cpp - mgpu* entry points and cuBLAS shims --------------===//
//
// The CUDA driver API and cuBLAS through dlopen (see Cuda.h for why), as
// CudaApi.h declares them.
//
// Errors: CUDA calls made by compiled code cannot return one (MLIR's mgpu*
// functions return nothing), so the first error of a call is kept in
// thread-local state, everything after it on that thread is skipped, and
// endCall() reports it. Module loads happen in the artifact's constructors
// when dlopen opens it; their error is global (moduleLoadStatus).
//
//===----------------------------------------------------------------------===//

#include "lipt-c/CudaRuntime.h"
#include "CudaApi.h"
#include "lipt/Runtime/BlasShims.h"
#include "lipt/Runtime/Cuda.h"

#include <cstdint>
#include <cstdlib>
#include <dlfcn.h>
#include <mutex>
#include <string>
#include <type_traits>

using namespace lipt_runtime::cuda_api;

namespace {

/// The process's CUDA state: the driver, device 0's primary context.
struct State {
  std::once_flag once;
  lipt_runtime::Status status; // why CUDA is unusable, if it is
  Driver driver{};
  CUdevice device = 0;
  CUcontext context = nullptr;
  std::mutex mutex; // guards moduleError and the cuBLAS fields
  std::string moduleError;
  std::once_flag cublasOnce;
  lipt_runtime::Status cublasStatus;
  Cublas cublas{};
};

State &state() {
  static State *s = new State; // never destroyed: artifacts unload at exit
  return *s;
}

template <typename F> bool resolve(void *lib, const char *name, F &fn) {
  fn = reinterpret_cast<F>(dlsym(lib, name));
  return fn != nullptr;
}

std::string driverError(CUresult rc) {
  const char *text = nullptr;
  State &s = state();
  if (s.driver.getErrorString)
    s.driver.getErrorString(rc, &text);
  return std::string(text ? text : "unknown CUDA error") + " (" +
         std::to_string(rc) + ")";
}

lipt_runtime::Status openDriver(State &s) {
  using lipt_runtime::Status;
  void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_GLOBAL);
  if (!lib)
    return Status::error("no CUDA driver on this machine (" +
                         std::string(dlerror()) +
                         "); CUDA code needs an NVIDIA GPU and its driver");
  Driver &d = s.driver;
  bool ok = resolve(lib, "cuInit", d.init) &&
            resolve(lib, "cuDeviceGetCount", d.deviceGetCount) &&
            resolve(lib, "cuDeviceGet", d.deviceGet) &&
            resolve(lib, "cuDeviceGetName", d.deviceGetName) &&
            resolve(lib, "cuDeviceGetAttribute", d.deviceGetAttribute) &&
            resolve(lib, "cuDevicePrimaryCtxRetain", d.primaryCtxRetain) &&
            resolve(lib, "cuCtxSetCurrent", d.ctxSetCurrent) &&
            resolve(lib, "cuModuleLoadData", d.moduleLoadData) &&
            resolve(lib, "cuModuleUnload", d.moduleUnload) &&
            resolve(lib, "cuModuleGetFunction", d.moduleGetFunction) &&
            resolve(lib, "cuLaunchKernel", d.launchKernel) &&
            resolve(lib, "cuStreamSynchronize", d.streamSynchronize) &&
            resolve(lib, "cuStreamWaitEvent", d.streamWaitEvent) &&
            resolve(lib, "cuEventCreate", d.eventCreate) &&
            resolve(lib, "cuEventDestroy_v2", d.eventDestroy) &&
            resolve(lib, "cuEventRecord", d.eventRecord) &&
            resolve(lib, "cuEventSynchronize", d.eventSynchronize) &&
            resolve(lib, "cuMemAlloc_v2", d.memAlloc) &&
            resolve(lib, "cuMemFree_v2", d.memFree) &&
            resolve(lib, "cuMemAllocAsync", d.memAllocAsync) &&
            resolve(lib, "cuMemFreeAsync", d.memFreeAsync) &&
            resolve(lib, "cuMemcpyHtoD_v2", d.memcpyHtoD) &&
            resolve(lib, "cuMemcpyDtoH_v2", d.memcpyDtoH) &&
            resolve(lib, "cuMemcpyAsync", d.memcpyAsync) &&
            resolve(lib, "cuMemsetD32Async", d.memsetD32Async) &&
            resolve(lib, "cuGetErrorString", d.getErrorString);
  if (!ok)
    return Status::error("the CUDA driver lacks an entry point lipt needs "
                         "(driver too old for CUDA 11.2's stream-ordered "
                         "allocator?)");
  if (CUresult rc = d.init(0); rc != 0)
    return Status::error("the CUDA driver failed to initialise: " +
                         driverError(rc));
  int count = 0;
  if (CUresult rc = d.deviceGetCount(&count); rc != 0 || count == 0)
    return Status::error("no CUDA device on this machine" +
                         (rc ? ": " + driverError(rc) : std::string()));
  if (CUresult rc = d.deviceGet(&s.device, 0); rc != 0)
    return Status::error("cannot open CUDA device 0: " + driverError(rc));
  if (CUresult rc = d.primaryCtxRetain(&s.context, s.device); rc != 0)
    return Status::error("cannot create a CUDA context: " + driverError(rc));
  return Status::success();
}

/// The driver, initialised, with the context current on this thread; or
/// the reason it is not.
const lipt_runtime::Status &ready() {
  State &s = state();
  std::call_once(s.once, [&] { s.status = openDriver(s); });
  if (s.status)
    s.driver.ctxSetCurrent(s.context);
  return s.status;
}

/// This thread's call: its stream and first error.
struct Call {
  CUstream stream = nullptr;
  bool tf32 = false;
  std::string error;
  void *cublasHandle = nullptr;
};
thread_local Call call;

/// Records `rc` from `what` as the call's error (the first one wins).
bool check(CUresult rc, const char *what) {
  if (rc == 0)
    return true;
  if (call.error.empty())
    call.error = std::string(what) + " failed: " + driverError(rc);
  return false;
}

/// Whether work may go on: CUDA is ready and nothing failed yet.
bool usable(const char *what) {
  if (!call.error.empty())
    return false;
  if (const lipt_runtime::Status &s = ready(); !s) {
    call.error = std::string(what) + ": " + s.message;
    return false;
  }
  return true;
}

lipt_runtime::Status openCublas(State &s) {
  using lipt_runtime::Status;
  const char *names[] = {std::getenv("LIPT_CUBLAS_LIBRARY"), "libcublas.so.13",
                         "libcublas.so.12", "libcublas.so"};
  void *lib = nullptr;
  for (const char *name : names)
    if (name && (lib = dlopen(name, RTLD_NOW | RTLD_GLOBAL)))
      break;
  if (!lib)
    return Status::error("cuBLAS not found (tried $LIPT_CUBLAS_LIBRARY, "
                         "libcublas.so.13, .12); add its folder to "
                         "LD_LIBRARY_PATH");
  Cublas &c = s.cublas;
  if (!resolve(lib, "cublasCreate_v2", c.create) ||
      !resolve(lib, "cublasSetStream_v2", c.setStream) ||
      !resolve(lib, "cublasSetMathMode", c.setMathMode) ||
      !resolve(lib, "cublasGemmStridedBatchedEx", c.gemmStridedBatchedEx) ||
      !resolve(lib, "cublasGetStatusString", c.getStatusString))
    return Status::error("cuBLAS lacks an entry point lipt needs");
  return Status::success();
}

/// This thread's cuBLAS handle on the call's stream, or null (error kept).
void *cublasHandle() {
  if (!usable("cuBLAS"))
    return nullptr;
  State &s = state();
  std::call_once(s.cublasOnce, [&] { s.cublasStatus = openCublas(s); });
  if (!s.cublasStatus) {
    call.error = s.cublasStatus.message;
    return nullptr;
  }
  if (!call.cublasHandle && s.cublas.create(&call.cublasHandle) != 0) {
    call.error = "cublasCreate failed";
    return nullptr;
  }
  // TF32 is applied per call through the compute type; the math mode only
  // keeps cuBLAS from choosing it on its own.
  s.cublas.setMathMode(call.cublasHandle, 0);
  s.cublas.setStream(call.cublasHandle, call.stream);
  return call.cublasHandle;
}

/// A bf16 element as the host passes it: its 16 bits.
using Bf16Bits = uint16_t;

/// cuBLAS's type and compute type for operands In and a result Out: f32,
/// f64, or bf16 operands with f32 accumulation and result (tensor cores).
template <typename In> int dataType() {
  if constexpr (std::is_same_v<In, double>)
    return kR64F;
  else if constexpr (std::is_same_v<In, Bf16Bits>)
    return kR16BF;
  else
    return kR32F;
}

/// C[b] = op(A[b]) op(B[b]) (+ C[b]), row-major, on cuBLAS, which is
/// column-major: a row-major X is X^T to it, so it computes C^T = op(B)^T
/// op(A)^T with the operands swapped.
template <typename In, typename Out>
void gemm(lipt_runtime::MemRef3<In> *a, lipt_runtime::MemRef3<In> *b,
          lipt_runtime::MemRef3<Out> *c, bool transA, bool transB,
          bool accumulate) {
  void *handle = cublasHandle();
  if (!handle)
    return;
  if (a->strides[2] != 1 || b->strides[2] != 1 || c->strides[2] != 1) {
    call.error = "cuBLAS gemm: an operand's rows are not contiguous";
    return;
  }
  int64_t batch = c->sizes[0], rows = c->sizes[1], cols = c->sizes[2];
  int64_t inner = transA ? a->sizes[1] : a->sizes[2];
  // alpha and beta have the compute type's precision (f32 for bf16).
  const Out one = 1, zero = 0;
  bool f64 = std::is_same_v<Out, double>;
  bool f32Operands = std::is_same_v<In, float>;
  int inType = dataType<In>(), outType = dataType<Out>();
  int compute = f64                        ? kCompute64F
                : f32Operands && call.tf32 ? kCompute32FFastTf32
                                           : kCompute32F;
  int rc = state().cublas.gemmStridedBatchedEx(
      handle, transB ? kOpT : kOpN, transA ? kOpT : kOpN, int(cols), int(rows),
      int(inner), &one, b->aligned + b->offset, inType, int(b->strides[1]),
      b->strides[0], a->aligned + a->offset, inType, int(a->strides[1]),
      a->strides[0], accumulate ? &one : &zero, c->aligned + c->offset, outType,
      int(c->strides[1]), c->strides[0], int(batch), compute, kGemmDefault);
  if (rc != 0)
    call.error = std::string("cuBLAS gemm failed: ") +
                 state().cublas.getStatusString(rc);
}

} // namespace

namespace lipt_runtime::cuda {

Status available() { return ready(); }

std::string describeDevice() {
  if (!ready())
    return "";
  State &s = state();
  char name[256] = {};
  int major = 0, minor = 0;
  s.driver.deviceGetName(name, sizeof(name) - 1, s.device);
  s.driver.deviceGetAttribute(&major, kComputeCapabilityMajor, s.device);
  s.driver.deviceGetAttribute(&minor, kComputeCapabilityMinor, s.device);
  return std::string(name) + ", sm_" + std::to_string(major * 10 + minor);
}

Status allocate(size_t bytes, void *&ptr) {
  ptr = nullptr;
  if (Status s = ready(); !s)
    return s;
  CUdeviceptr p = 0;
  if (CUresult rc = state().driver.memAlloc(&p, bytes ? bytes : 1); rc != 0)
    return Status::error("cannot allocate " + std::to_string(bytes) +
                         " bytes on the GPU: " + driverError(rc));
  ptr = reinterpret_cast<void *>(p);
  return Status::success();
}

void release(void *ptr) {
  if (ptr && ready())
    state().driver.memFree(reinterpret_cast<CUdeviceptr>(ptr));
}

Status copyToDevice(void *device, const void *host, size_t bytes) {
  if (Status s = ready(); !s)
    return s;
  if (CUresult rc = state().driver.memcpyHtoD(
          reinterpret_cast<CUdeviceptr>(device), host, bytes);
      rc != 0)
    return Status::error("copy to the GPU failed: " + driverError(rc));
  return Status::success();
}

Status copyToHost(void *host, const void *device, size_t bytes) {
  if (Status s = ready(); !s)
    return s;
  if (CUresult rc = state().driver.memcpyDtoH(
          host, reinterpret_cast<CUdeviceptr>(device), bytes);
      rc != 0)
    return Status::error("copy from the GPU failed: " + driverError(rc));
  return Status::success();
}

void setTf32(bool enabled) { call.tf32 = enabled; }

void beginCall(Stream stream) {
  call.stream = stream;
  call.error.clear();
}

Status endCall() {
  if (usable("stream synchronize"))
    check(state().driver.streamSynchronize(call.stream), "kernel execution");
  Status s = call.error.empty() ? Status::success() : Status::error(call.error);
  call.error.clear();
  call.stream = nullptr;
  return s;
}

Status moduleLoadStatus() {
  State &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  return s.moduleError.empty() ? Status::success()
                               : Status::error(s.moduleError);
}

} // namespace lipt_runtime::cuda

//===----------------------------------------------------------------------===//
// The C interface (include/lipt-c/CudaRuntime.h).
//===----------------------------------------------------------------------===//

namespace {
/// What the C functions return a pointer into.
thread_local std::string statusText, endText;

const char *cString(const lipt_runtime::Status &s, std::string &keep) {
  if (s)
    return nullptr;
  keep = s.message;
  return keep.c_str();
}
} // namespace

extern "C" const char *lipt_cuda_status(void) {
  lipt_runtime::Status s = lipt_runtime::cuda::available();
  if (s)
    s = lipt_runtime::cuda::moduleLoadStatus();
  return cString(s, statusText);
}

extern "C" void lipt_cuda_begin_call(void *stream, int tf32) {
  lipt_runtime::cuda::beginCall(stream);
  lipt_runtime::cuda::setTf32(tf32 != 0);
}

extern "C" const char *lipt_cuda_end_call(void) {
  return cString(lipt_runtime::cuda::endCall(), endText);
}

//===----------------------------------------------------------------------===//
// MLIR's GPU host interface (gpu-to-llvm), as MLIR 22 declares it; the
// declarations are checked by test/Passes/lipt-cuda-pipeline.mlir.
//===----------------------------------------------------------------------===//

extern "C" {

void *mgpuModuleLoad(void *data, int64_t /*size*/) {
  State &s = state();
  lipt_runtime::Status st = ready();
  CUmodule module = nullptr;
  CUresult rc = st ? s.driver.moduleLoadData(&module, data) : 0;
  if (!st || rc != 0) {
    std::lock_guard<std::mutex> lock(s.mutex);
    if (s.moduleError.empty())
      s.moduleError =
          st ? "loading the artifact's kernels failed: " + driverError(rc)
             : st.message;
    return nullptr;
  }
  return module;
}

/// PTX text (lipt-compile's artifacts embed fatbins; a module lowered with
/// format=isa loads through here): the driver compiles it for the device.
void *mgpuModuleLoadJIT(void *data, int /*optLevel*/) {
  return mgpuModuleLoad(data, 0);
}

void mgpuModuleUnload(void *module) {
  // At exit the driver may already be gone; nothing to report then.
  if (module && state().status)
    state().driver.moduleUnload(module);
}

void *mgpuModuleGetFunction(void *module, const char *name) {
  if (!usable("kernel lookup"))
    return nullptr;
  if (!module) {
    lipt_runtime::Status loaded = lipt_runtime::cuda::moduleLoadStatus();
    call.error = loaded ? "kernel module missing" : loaded.message;
    return nullptr;
  }
  CUfunction fn = nullptr;
  check(state().driver.moduleGetFunction(&fn, module, name),
        "cuModuleGetFunction");
  return fn;
}

void mgpuLaunchKernel(void *fn, int64_t gx, int64_t gy, int64_t gz, int64_t bx,
                      int64_t by, int64_t bz, int32_t smem, void *stream,
                      void **params, void ** /*extra*/,
                      int64_t /*paramsCount*/) {
  if (!fn || !usable("kernel launch") || gx * gy * gz == 0)
    return;
  check(state().driver.launchKernel(fn, gx, gy, gz, bx, by, bz, smem, stream,
                                    params, nullptr),
        "kernel launch");
}

/// The call's stream: every function's work goes to the caller's stream.
void *mgpuStreamCreate() { return call.stream; }
void mgpuStreamDestroy(void * /*stream*/) {}

/// gpu-async-region synchronizes before every host call (a cuBLAS shim),
/// but every op of a call is on the call's one stream, which orders them,
/// and no host code reads device memory (lipt-linalg-to-gpu refuses it):
/// the call's stream is synchronized once, by endCall.
void mgpuStreamSynchronize(void *stream) {
  if (stream != call.stream && usable("stream synchronize"))
    check(state().driver.streamSynchronize(stream), "kernel execution");
}

void mgpuStreamWaitEvent(void *stream, void *event) {
  if (usable("stream wait"))
    check(state().driver.streamWaitEvent(stream, event, 0), "stream wait");
}

void *mgpuEventCreate() {
  CUevent event = nullptr;
  if (usable("event create"))
    check(state().driver.eventCreate(&event, /*disable timing*/ 2),
          "event create");
  return event;
}

void mgpuEventDestroy(void *event) {
  if (event && usable("event destroy"))
    state().driver.eventDestroy(event);
}

void mgpuEventSynchronize(void *event) {
  if (usable("event synchronize"))
    check(state().driver.eventSynchronize(event), "kernel execution");
}

void mgpuEventRecord(void *event, void *stream) {
  if (usable("event record"))
    check(state().driver.eventRecord(event, stream), "event record");
}

void *mgpuMemAlloc(uint64_t bytes, void *stream, bool /*hostShared*/) {
  CUdeviceptr p = 0;
  if (bytes && usable("device allocation"))
    check(state().driver.memAllocAsync(&p, bytes, stream), "device allocation");
  return reinterpret_cast<void *>(p);
}

void mgpuMemFree(void *ptr, void *stream) {
  // Freed even after an error: the buffer is no use to anyone.
  if (ptr && ready())
    state().driver.memFreeAsync(reinterpret_cast<CUdeviceptr>(ptr), stream);
}

void mgpuMemcpy(void *dst, void *src, size_t bytes, void *stream) {
  if (usable("device copy"))
    check(state().driver.memcpyAsync(reinterpret_cast<CUdeviceptr>(dst),
                                     reinterpret_cast<CUdeviceptr>(src), bytes,
                                     stream),
          "device copy");
}

void mgpuMemset32(void *dst, unsigned value, size_t count, void *stream) {
  if (usable("device memset"))
    check(state().driver.memsetD32Async(reinterpret_cast<CUdeviceptr>(dst),
                                        value, count, stream),
          "device memset");
}

void _mlir_ciface_lipt_cuda_gemm_f32(lipt_runtime::MemRef3<float> *a,
                                     lipt_runtime::MemRef3<float> *b,
                                     lipt_runtime::MemRef3<float> *c,
                                     bool transA, bool transB,
                                     bool accumulate) {
  gemm(a, b, c, transA, transB, accumulate);
}

void _mlir_ciface_lipt_cuda_gemm_f64(lipt_runtime::MemRef3<double> *a,
                                     lipt_runtime::MemRef3<double> *b,
                                     lipt_runtime::MemRef3<double> *c,
                                     bool transA, bool transB,
                                     bool accumulate) {
  gemm(a, b, c, transA, transB, accumulate);
}

void _mlir_ciface_lipt_cuda_gemm_bf16(lipt_runtime::MemRef3<Bf16Bits> *a,
                                      lipt_runtime::MemRef3<Bf16Bits> *b,
                                      lipt_runtime::MemRef3<float> *c,
                                      bool transA, bool transB,
                                      bool accumulate) {
  gemm(a, b, c, transA, transB, accumulate);
}

} // extern "C"
