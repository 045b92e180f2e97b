//===- CudaAbiTest.cpp - runtime/cuda's declarations vs CUDA's headers ----===//
//
// runtime/cuda declares the CUDA types, constants and entry points it uses
// itself (CudaApi.h) and resolves them with dlsym, so nothing checks them
// against CUDA at build time. This test does, where the toolkit's headers
// exist: every constant, and every entry point's arity and argument sizes
// (a wrong declaration would pass garbage to the driver, silently).
//
//===----------------------------------------------------------------------===//

#include "../../runtime/cuda/CudaApi.h"

#include <cublas_api.h>
#include <cuda.h>
#include <library_types.h>

#include <gtest/gtest.h>

#include <tuple>

namespace api = lipt_runtime::cuda_api;

namespace {

/// The sizes of a function pointer type's result and parameters.
template <typename F> struct Shape;
template <typename R, typename... A> struct Shape<R (*)(A...)> {
  static constexpr size_t arity = sizeof...(A);
  static constexpr size_t result = sizeof(R);
  static constexpr size_t sizes[] = {sizeof(A)..., 0};
};

template <typename Ours, typename Theirs> bool sameShape() {
  using O = Shape<Ours>;
  using T = Shape<Theirs>;
  if (O::arity != T::arity || O::result != T::result)
    return false;
  for (size_t i = 0; i < O::arity; ++i)
    if (O::sizes[i] != T::sizes[i])
      return false;
  return true;
}

#define EXPECT_SAME_SHAPE(field, function)                                     \
  EXPECT_TRUE((sameShape<decltype(api::field), decltype(&function)>()))        \
      << #field " vs " #function

TEST(CudaAbi, ConstantsAreTheHeaders) {
  EXPECT_EQ(api::kComputeCapabilityMajor,
            int(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR));
  EXPECT_EQ(api::kComputeCapabilityMinor,
            int(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR));
  EXPECT_EQ(api::kOpN, int(CUBLAS_OP_N));
  EXPECT_EQ(api::kOpT, int(CUBLAS_OP_T));
  EXPECT_EQ(api::kR32F, int(CUDA_R_32F));
  EXPECT_EQ(api::kR64F, int(CUDA_R_64F));
  EXPECT_EQ(api::kR16BF, int(CUDA_R_16BF));
  EXPECT_EQ(api::kCompute32F, int(CUBLAS_COMPUTE_32F));
  EXPECT_EQ(api::kCompute32FFastTf32, int(CUBLAS_COMPUTE_32F_FAST_TF32));
  EXPECT_EQ(api::kCompute64F, int(CUBLAS_COMPUTE_64F));
  EXPECT_EQ(api::kGemmDefault, int(CUBLAS_GEMM_DEFAULT));
  EXPECT_EQ(sizeof(api::CUdeviceptr), sizeof(CUdeviceptr));
  EXPECT_EQ(sizeof(api::CUresult), sizeof(CUresult));
}

TEST(CudaAbi, DriverEntryPointsHaveTheHeadersShape) {
  // The versioned names (_v2) are the ones CudaRuntime.cpp resolves.
  EXPECT_SAME_SHAPE(Driver::init, cuInit);
  EXPECT_SAME_SHAPE(Driver::deviceGetCount, cuDeviceGetCount);
  EXPECT_SAME_SHAPE(Driver::deviceGet, cuDeviceGet);
  EXPECT_SAME_SHAPE(Driver::deviceGetName, cuDeviceGetName);
  EXPECT_SAME_SHAPE(Driver::deviceGetAttribute, cuDeviceGetAttribute);
  EXPECT_SAME_SHAPE(Driver::primaryCtxRetain, cuDevicePrimaryCtxRetain);
  EXPECT_SAME_SHAPE(Driver::ctxSetCurrent, cuCtxSetCurrent);
  EXPECT_SAME_SHAPE(Driver::moduleLoadData, cuModuleLoadData);
  EXPECT_SAME_SHAPE(Driver::moduleUnload, cuModuleUnload);
  EXPECT_SAME_SHAPE(Driver::moduleGetFunction, cuModuleGetFunction);
  EXPECT_SAME_SHAPE(Driver::launchKernel, cuLaunchKernel);
  EXPECT_SAME_SHAPE(Driver::streamSynchronize, cuStreamSynchronize);
  EXPECT_SAME_SHAPE(Driver::streamWaitEvent, cuStreamWaitEvent);
  EXPECT_SAME_SHAPE(Driver::eventCreate, cuEventCreate);
  EXPECT_SAME_SHAPE(Driver::eventDestroy, cuEventDestroy_v2);
  EXPECT_SAME_SHAPE(Driver::eventRecord, cuEventRecord);
  EXPECT_SAME_SHAPE(Driver::eventSynchronize, cuEventSynchronize);
  EXPECT_SAME_SHAPE(Driver::memAlloc, cuMemAlloc_v2);
  EXPECT_SAME_SHAPE(Driver::memFree, cuMemFree_v2);
  EXPECT_SAME_SHAPE(Driver::memAllocAsync, cuMemAllocAsync);
  EXPECT_SAME_SHAPE(Driver::memFreeAsync, cuMemFreeAsync);
  EXPECT_SAME_SHAPE(Driver::memcpyHtoD, cuMemcpyHtoD_v2);
  EXPECT_SAME_SHAPE(Driver::memcpyDtoH, cuMemcpyDtoH_v2);
  EXPECT_SAME_SHAPE(Driver::memcpyAsync, cuMemcpyAsync);
  EXPECT_SAME_SHAPE(Driver::memsetD32Async, cuMemsetD32Async);
  EXPECT_SAME_SHAPE(Driver::getErrorString, cuGetErrorString);
}

TEST(CudaAbi, CublasEntryPointsHaveTheHeadersShape) {
  EXPECT_SAME_SHAPE(Cublas::create, cublasCreate_v2);
  EXPECT_SAME_SHAPE(Cublas::setStream, cublasSetStream_v2);
  EXPECT_SAME_SHAPE(Cublas::setMathMode, cublasSetMathMode);
  // C++ sees a second, inline overload (cudaDataType compute type): name
  // the library's one. The cast fails to compile if the header changes it.
  auto gemm = static_cast<cublasStatus_t (*)(
      cublasHandle_t, cublasOperation_t, cublasOperation_t, int, int, int,
      const void *, const void *, cudaDataType, int, long long, const void *,
      cudaDataType, int, long long, const void *, void *, cudaDataType, int,
      long long, int, cublasComputeType_t, cublasGemmAlgo_t)>(
      &cublasGemmStridedBatchedEx);
  EXPECT_TRUE((sameShape<decltype(api::Cublas::gemmStridedBatchedEx),
                         decltype(gemm)>()));
  EXPECT_SAME_SHAPE(Cublas::getStatusString, cublasGetStatusString);
}

} // namespace
