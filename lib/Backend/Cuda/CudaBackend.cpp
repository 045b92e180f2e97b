//===- CudaBackend.cpp - lower a module for NVIDIA GPUs -------------------===//
//
// The same calling convention as the CPU (HostCode.h), with the CUDA
// runtime's data placement (include/lipt/Runtime/Cuda.h): rank-0 arguments
// on the host, everything else on the device. In-process compilation
// writes an artifact to a temporary file and loads it: a CUDA module's
// host half needs the kernels embedded and the runtime's constructors
// run, which the artifact path already does.
//
//===----------------------------------------------------------------------===//

#include "lipt/Backend/Cuda/CudaBackend.h"
#include "lipt/Backend/HostCode.h"
#include "lipt/Passes/Passes.h"
#include "lipt/Runtime/Artifact.h"
#include "lipt/Runtime/Cuda.h"

#include "mlir/Dialect/GPU/IR/CompilationInterfaces.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cstdlib>
#include <dlfcn.h>

using namespace mlir;
namespace rt = lipt_runtime;

void mlir::lipt::registerCudaExecutionDialects(DialectRegistry &registry) {
  registerGPUDialectTranslation(registry);
  registerNVVMDialectTranslation(registry);
  // gpu.binary's embedding (without it translation dereferences null).
  gpu::registerOffloadingLLVMTranslationInterfaceExternalModels(registry);
  NVVM::registerNVVMTargetInterfaceExternalModels(registry);
}

void mlir::lipt::locateCudaToolkit() {
  if (std::getenv("CUDA_HOME"))
    return;
  if (llvm::sys::fs::can_execute("/usr/local/cuda/bin/ptxas"))
    setenv("CUDA_HOME", "/usr/local/cuda", /*overwrite=*/0);
}

FailureOr<std::string> mlir::lipt::ptxFeaturesFor(StringRef chip,
                                                  std::string &error) {
  unsigned arch = 0;
  StringRef digits = chip;
  if (digits.consume_front("sm_")) {
    digits.consume_back("a");
    digits.consume_back("f");
  }
  // PTX 8.0 (CUDA 12.0) covers sm_75 to sm_90a; Blackwell needs 8.6/8.7.
  if (!digits.getAsInteger(10, arch)) {
    if (arch >= 75 && arch <= 90)
      return std::string("+ptx80");
    if (arch == 100 || arch == 101 || arch == 103)
      return std::string("+ptx86");
    if (arch == 120 || arch == 121)
      return std::string("+ptx87");
  }
  error = "--gpu=" + chip.str() +
          " is not an architecture lipt compiles for (sm_75 to sm_90a, "
          "sm_100, sm_101, sm_103, sm_120, sm_121)";
  return failure();
}

namespace {

/// Lowers `module` in place with lipt-cuda-pipeline, kernels as `format`.
FailureOr<std::vector<rt::FunctionSignature>>
lowerForCuda(ModuleOp module, const lipt::ArtifactOptions &options,
             StringRef format) {
  std::string error;
  FailureOr<std::string> features =
      lipt::ptxFeaturesFor(options.gpuChip, error);
  if (failed(features))
    return mlir::emitError(module.getLoc()) << error;
  FailureOr<std::vector<rt::FunctionSignature>> sigs =
      lipt::prepareEntryPoints(module);
  if (failed(sigs))
    return failure();
  lipt::locateCudaToolkit();
  lipt::LiptCudaPipelineOptions pipeline;
  pipeline.chip = options.gpuChip;
  pipeline.features = *features;
  pipeline.format = format.str();
  pipeline.bf16Products = options.bf16Products;
  PassManager pm(module.getContext());
  lipt::buildLiptCudaPipeline(pm, pipeline);
  if (failed(pm.run(module)) ||
      failed(lipt::checkOutParamConvention(module, *sigs)))
    return failure();
  return sigs;
}

/// The folder this process loaded liblipt_cuda_runtime.so from.
std::string cudaRuntimeDir() {
  Dl_info info;
  if (!dladdr(reinterpret_cast<void *>(&rt::cuda::available), &info) ||
      !info.dli_fname)
    return "";
  return llvm::sys::path::parent_path(info.dli_fname).str();
}

class CudaBackend : public lipt::Backend {
public:
  StringRef name() const override { return "cuda"; }
  rt::DeviceKind deviceKind() const override { return rt::DeviceKind::cuda; }
  void buildPipeline(OpPassManager &pm) const override {
    lipt::buildLiptCudaPipeline(pm);
  }

  FailureOr<std::unique_ptr<rt::Executable>>
  compile(ModuleOp module) const override {
    llvm::SmallString<128> path;
    if (std::error_code ec =
            llvm::sys::fs::createTemporaryFile("lipt-cuda", "so", path))
      return module.emitError()
             << "cannot create a temporary file: " << ec.message();
    lipt::ArtifactOptions options;
    options.runtimeLibDir = cudaRuntimeDir();
    LogicalResult written = writeArtifact(module, path.str().str(), options);
    std::unique_ptr<rt::Executable> exe;
    rt::Status loaded = succeeded(written)
                            ? rt::loadArtifact(path.str().str(), exe)
                            : rt::Status::error("");
    llvm::sys::fs::remove(path); // dlopen keeps its mapping
    if (failed(written))
      return failure();
    if (!loaded)
      return module.emitError() << loaded.message;
    return exe;
  }

  LogicalResult
  writeArtifact(ModuleOp module, const std::string &path,
                const lipt::ArtifactOptions &options) const override {
    if (failed(lipt::checkOutputPath(module, path)))
      return failure();
    FailureOr<std::vector<rt::FunctionSignature>> sigs =
        lowerForCuda(module, options, "fatbin");
    if (failed(sigs))
      return failure();
    lipt::HostLibrary library;
    library.target = "cuda";
    library.targetFields =
        llvm::json::Object{{"cpu", options.targetCpu},
                           {"gpu", options.gpuChip},
                           {"tf32", options.tf32},
                           {"bf16_products", options.bf16Products}};
    library.targetCpu = options.targetCpu;
    library.runtimeLibDir = options.runtimeLibDir;
    library.libraries = {"lipt_cuda_runtime"};
    library.modelSpecJson = options.modelSpecJson;
    return lipt::writeHostLibrary(module, *sigs, path, std::move(library));
  }

  LogicalResult
  emitKernels(ModuleOp module, const std::string &dir,
              const lipt::ArtifactOptions &options) const override {
    if (failed(lowerForCuda(module, options, "isa")))
      return failure();
    if (std::error_code ec = llvm::sys::fs::create_directories(dir))
      return module.emitError() << dir << ": " << ec.message();
    for (auto binary : module.getOps<gpu::BinaryOp>()) {
      for (Attribute object : binary.getObjects()) {
        auto ptx = cast<gpu::ObjectAttr>(object).getObject();
        llvm::SmallString<128> file(dir);
        llvm::sys::path::append(file, binary.getSymName() + ".ptx");
        std::error_code ec;
        llvm::raw_fd_ostream os(file, ec);
        if (ec)
          return module.emitError() << file << ": " << ec.message();
        os << ptx.getValue();
      }
    }
    return success();
  }
};

} // namespace

const lipt::Backend &mlir::lipt::getCudaBackend() {
  static const CudaBackend backend;
  return backend;
}
