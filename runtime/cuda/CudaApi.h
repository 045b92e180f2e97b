//===- CudaApi.h - the CUDA driver and cuBLAS as lipt calls them -*- C++
//-*-===//
//
// The handful of CUDA types, constants and entry points runtime/cuda uses,
// declared here instead of including cuda.h and cublas_api.h, so the runtime
// builds without the toolkit and links nothing of CUDA (CudaRuntime.cpp
// resolves the functions with dlsym). The values are the CUDA 13 headers';
// test/Unit/CudaAbiTest.cpp checks every constant, and every entry point's
// arity and argument sizes, against the real headers where they exist.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_RUNTIME_CUDA_CUDAAPI_H
#define LIPT_RUNTIME_CUDA_CUDAAPI_H

#include <cstddef>

namespace lipt_runtime::cuda_api {

using CUresult = int;
using CUdevice = int;
using CUcontext = void *;
using CUmodule = void *;
using CUfunction = void *;
using CUstream = void *;
using CUevent = void *;
using CUdeviceptr = unsigned long long;
constexpr int kComputeCapabilityMajor = 75, kComputeCapabilityMinor = 76;

/// The driver functions lipt calls, resolved once.
struct Driver {
  CUresult (*init)(unsigned);
  CUresult (*deviceGetCount)(int *);
  CUresult (*deviceGet)(CUdevice *, int);
  CUresult (*deviceGetName)(char *, int, CUdevice);
  CUresult (*deviceGetAttribute)(int *, int, CUdevice);
  CUresult (*primaryCtxRetain)(CUcontext *, CUdevice);
  CUresult (*ctxSetCurrent)(CUcontext);
  CUresult (*moduleLoadData)(CUmodule *, const void *);
  CUresult (*moduleUnload)(CUmodule);
  CUresult (*moduleGetFunction)(CUfunction *, CUmodule, const char *);
  CUresult (*launchKernel)(CUfunction, unsigned, unsigned, unsigned, unsigned,
                           unsigned, unsigned, unsigned, CUstream, void **,
                           void **);
  CUresult (*streamSynchronize)(CUstream);
  CUresult (*streamWaitEvent)(CUstream, CUevent, unsigned);
  CUresult (*eventCreate)(CUevent *, unsigned);
  CUresult (*eventDestroy)(CUevent);
  CUresult (*eventRecord)(CUevent, CUstream);
  CUresult (*eventSynchronize)(CUevent);
  CUresult (*memAlloc)(CUdeviceptr *, size_t);
  CUresult (*memFree)(CUdeviceptr);
  CUresult (*memAllocAsync)(CUdeviceptr *, size_t, CUstream);
  CUresult (*memFreeAsync)(CUdeviceptr, CUstream);
  CUresult (*memcpyHtoD)(CUdeviceptr, const void *, size_t);
  CUresult (*memcpyDtoH)(void *, CUdeviceptr, size_t);
  CUresult (*memcpyAsync)(CUdeviceptr, CUdeviceptr, size_t, CUstream);
  CUresult (*memsetD32Async)(CUdeviceptr, unsigned, size_t, CUstream);
  CUresult (*getErrorString)(CUresult, const char **);
};

/// cuBLAS, opened on the first matrix product.
struct Cublas {
  using Handle = void *;
  int (*create)(Handle *);
  int (*setStream)(Handle, CUstream);
  int (*setMathMode)(Handle, int);
  int (*gemmStridedBatchedEx)(Handle, int, int, int, int, int, const void *,
                              const void *, int, int, long long, const void *,
                              int, int, long long, const void *, void *, int,
                              int, long long, int, int, int);
  const char *(*getStatusString)(int);
};
// cublas_api.h / library_types.h values.
constexpr int kOpN = 0, kOpT = 1;
constexpr int kR32F = 0, kR64F = 1, kR16BF = 14;
constexpr int kCompute32F = 68, kCompute32FFastTf32 = 77, kCompute64F = 70;
constexpr int kGemmDefault = -1;

} // namespace lipt_runtime::cuda_api

#endif // LIPT_RUNTIME_CUDA_CUDAAPI_H
