//===- HostCode.h - what every backend's host half shares -------*- C++ -*-===//
//
// Every backend compiles a module to host code with lipt's calling
// convention (include/lipt-c/Artifact.h): each public func.func gets a C
// interface taking one memref descriptor per input, then per output. The
// CPU backend's host code is the computation; the CUDA backend's launches
// kernels and calls cuBLAS. Both are written as artifacts the same way:
// LLVM IR, entry points and a manifest, an object file, a shared library.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_BACKEND_HOSTCODE_H
#define LIPT_BACKEND_HOSTCODE_H

#include "lipt/Runtime/Runtime.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"
#include "llvm/Support/JSON.h"

#include <string>
#include <vector>

namespace mlir::lipt {

/// The signatures of `module`'s public functions, each marked for the
/// calling convention (a C interface, arguments never written). Arguments
/// and results must be statically shaped tensors of f32/f64/f16/bf16/i32/
/// i64; anything else is a diagnostic on the function.
FailureOr<std::vector<lipt_runtime::FunctionSignature>>
prepareEntryPoints(ModuleOp module);

/// Checks, after lowering, that every function of `sigs` has its C
/// interface with one descriptor per input and output and no result.
LogicalResult checkOutParamConvention(
    ModuleOp module, const std::vector<lipt_runtime::FunctionSignature> &sigs);

/// How a lowered module becomes a shared library.
struct HostLibrary {
  /// The manifest's "target" ("cpu", "cuda") and its other target fields
  /// ("cpu", "gpu"...), beside format, abi, functions and model.
  std::string target;
  llvm::json::Object targetFields;
  /// The host CPU the code may assume (ArtifactOptions::targetCpu).
  std::string targetCpu;
  /// Where the runtime libraries in `libraries` are, and their names as
  /// -l takes them ("lipt_blas_shims").
  std::string runtimeLibDir;
  std::vector<std::string> libraries;
  /// The model's training spec JSON, or empty.
  std::string modelSpecJson;
};

/// Writes `module` (lowered to the LLVM dialect, checked by
/// checkOutParamConvention) as an artifact at `outputPath`: translated,
/// optimized for the host CPU, with a manifest and the entry points,
/// linked by `cc`. The output is replaced atomically; failures are
/// diagnostics on the module.
LogicalResult
writeHostLibrary(ModuleOp module,
                 const std::vector<lipt_runtime::FunctionSignature> &sigs,
                 const std::string &outputPath, HostLibrary library);

/// An error unless `path` is new or a regular file (the artifact replaces
/// it by a rename; never a device, FIFO or directory).
LogicalResult checkOutputPath(ModuleOp module, const std::string &path);

} // namespace mlir::lipt

#endif // LIPT_BACKEND_HOSTCODE_H
