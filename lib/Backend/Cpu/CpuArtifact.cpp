//===- CpuArtifact.cpp - write a module as an ahead-of-time artifact ------===//
//
// lowerForCpu, then the host library every backend writes (HostCode.h):
// the CPU artifact's code is all host code, linked against
// liblipt_blas_shims.so (BLAS calls and the scratch allocator).
//
//===----------------------------------------------------------------------===//

#include "lipt/Backend/Cpu/CpuBackend.h"
#include "lipt/Backend/HostCode.h"

using namespace mlir;
namespace rt = lipt_runtime;

LogicalResult mlir::lipt::writeCpuArtifact(ModuleOp module,
                                           const std::string &outputPath,
                                           const ArtifactOptions &options) {
  if (failed(checkOutputPath(module, outputPath)))
    return failure();
  FailureOr<std::vector<rt::FunctionSignature>> sigs = lowerForCpu(module);
  if (failed(sigs))
    return failure();
  HostLibrary library;
  library.target = "cpu";
  library.targetFields = llvm::json::Object{{"cpu", options.targetCpu}};
  library.targetCpu = options.targetCpu;
  library.runtimeLibDir = options.runtimeLibDir;
  library.libraries = {"lipt_blas_shims"};
  library.modelSpecJson = options.modelSpecJson;
  return writeHostLibrary(module, *sigs, outputPath, std::move(library));
}
