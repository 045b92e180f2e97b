//===- Cuda.h - lipt's CUDA runtime, loaded lazily --------------*- C++ -*-===//
//
// liblipt_cuda_runtime.so (runtime/cuda) is what a CUDA artifact calls:
// MLIR's mgpu* host entry points (module loading, launches, streams, device
// allocations) and the cuBLAS shims lipt-linalg-to-blas{library=cublas}
// emits. It links nothing of CUDA: the driver (libcuda.so.1) and cuBLAS
// are opened with dlopen on first use, so every lipt binary starts on a
// machine without a GPU and says what is missing when asked to use one.
//
// Calling convention of a CUDA artifact's functions: rank-0 arguments
// (step scalars) are host memory; every other argument and result is
// device memory. A call runs on one stream, the caller's (beginCall), and
// has finished when the call returns.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_RUNTIME_CUDA_H
#define LIPT_RUNTIME_CUDA_H

#include "lipt/Runtime/Runtime.h"

#include <cstddef>
#include <string>

namespace lipt_runtime::cuda {

/// Success when the CUDA driver loads and has a device (the first call
/// initialises it on device 0 and its primary context, the one PyTorch and
/// the CUDA runtime use); otherwise an error naming what is missing: the
/// driver library, or a device.
Status available();

/// The device's name and compute capability ("NVIDIA H200, sm_90").
std::string describeDevice();

/// Device memory (synchronous; for tools and tests).
Status allocate(size_t bytes, void *&ptr);
void release(void *ptr);
Status copyToDevice(void *device, const void *host, size_t bytes);
Status copyToHost(void *host, const void *device, size_t bytes);

/// Uses TF32 tensor cores for f32 products in this thread's later calls
/// (an artifact compiled with --tf32 turns it on).
void setTf32(bool enabled);

/// Brackets a call of compiled code on this thread: every launch, copy and
/// cuBLAS call in between goes to `stream` (null: the default stream).
/// endCall waits for the stream and returns the first error any of them
/// met (CUDA's message, and which step), or success.
void beginCall(Stream stream);
Status endCall();

/// Whether the modules of loaded artifacts loaded: an artifact loads its
/// kernels when it is opened, before anyone can ask.
Status moduleLoadStatus();

} // namespace lipt_runtime::cuda

#endif // LIPT_RUNTIME_CUDA_H
