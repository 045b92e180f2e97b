//===- CudaBackend.h - compile modules for NVIDIA GPUs ----------*- C++ -*-===//
//
// lipt-cuda-pipeline (lipt -> linalg -> cuBLAS calls and NVVM kernels on
// device buffers), then an artifact: host code that launches the kernels,
// with their binary (cubin and PTX, fatbin) embedded, linked against
// liblipt_cuda_runtime.so. Compilation needs the CUDA toolkit's ptxas,
// fatbinary and libdevice ($CUDA_HOME, else /usr/local/cuda); running needs
// a GPU and its driver, neither of which this machine has to have.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_BACKEND_CUDA_CUDABACKEND_H
#define LIPT_BACKEND_CUDA_CUDABACKEND_H

#include "lipt/Backend/Backend.h"

namespace mlir {
class DialectRegistry;
namespace lipt {

/// The LLVM IR translations a CUDA module needs (GPU, NVVM) on top of the
/// CPU's.
void registerCudaExecutionDialects(DialectRegistry &registry);

/// Points MLIR's NVVM serialization at the CUDA toolkit: sets CUDA_HOME to
/// /usr/local/cuda when it is unset and that folder has ptxas (without a
/// toolkit path libdevice is not linked and ptxas fails on __nv_* calls).
void locateCudaToolkit();

/// The PTX features (+ptxNN) lipt uses for `chip`, or an error message.
FailureOr<std::string> ptxFeaturesFor(StringRef chip, std::string &error);

/// The CUDA backend (what lookupBackend("cuda") returns).
const Backend &getCudaBackend();

} // namespace lipt
} // namespace mlir

#endif // LIPT_BACKEND_CUDA_CUDABACKEND_H
