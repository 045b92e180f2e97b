//===- Backend.h - what a compilation target provides -----------*- C++ -*-===//
//
// A backend turns a module of lipt (and linalg/tensor/arith) ops into code
// for one kind of device: the pipeline that lowers it, compilation into an
// Executable in this process, and an ahead-of-time artifact that the
// runtime loads without LLVM. The CPU backend (lib/Backend/Cpu)
// and the CUDA backend (lib/Backend/Cuda) register beside each other, and the
// tools pick one with --target=NAME without knowing which exist.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_BACKEND_BACKEND_H
#define LIPT_BACKEND_BACKEND_H

#include "lipt/Runtime/Runtime.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <memory>
#include <string>
#include <vector>

namespace mlir {
class OpPassManager;
namespace lipt {

/// How an artifact is compiled.
struct ArtifactOptions {
  /// The processor the code may assume, as the backend names them (CPU:
  /// an LLVM CPU name; "x86-64-v3", the default, runs on any x86 server of
  /// the last decade; "host" is this machine, fastest here).
  std::string targetCpu = "x86-64-v3";
  /// The folder holding the runtime library the artifact links
  /// (liblipt_blas_shims.so).
  std::string runtimeLibDir;
  /// For a model file: its training spec as JSON (lipt_train::toJson), put
  /// in the manifest's "model" field (empty: none).
  std::string modelSpecJson;
  /// GPU backends: the architecture the kernels are compiled for.
  std::string gpuChip = "sm_90";
  /// GPU backends: let f32 matrix products use TF32 tensor cores (10-bit
  /// mantissa inputs, f32 accumulation).
  bool tf32 = false;
  /// GPU backends: f32 matrix products take bf16 copies of their operands
  /// (tensor cores, f32 accumulation; the paper's orthogonalization
  /// precision). Compiled in, unlike tf32.
  bool bf16Products = false;
};

class Backend {
public:
  virtual ~Backend() = default;
  /// What --target= calls it: "cpu".
  virtual StringRef name() const = 0;
  /// The kind of device its executables run on.
  virtual lipt_runtime::DeviceKind deviceKind() const = 0;
  /// Adds the passes that lower a module to this backend's code.
  virtual void buildPipeline(OpPassManager &pm) const = 0;
  /// Compiles every public func.func of `module` (lowered in place) into an
  /// Executable of this process. Failures are diagnostics on the module.
  virtual FailureOr<std::unique_ptr<lipt_runtime::Executable>>
  compile(ModuleOp module) const = 0;
  /// Writes every public func.func of `module` (lowered in place) as an
  /// artifact at `path` (include/lipt-c/Artifact.h).
  virtual LogicalResult writeArtifact(ModuleOp module, const std::string &path,
                                      const ArtifactOptions &options) const = 0;
  /// Writes each device kernel of `module` (lowered in place) as text into
  /// the folder `dir` (CUDA: NAME.ptx per gpu.module; lipt makes one,
  /// lipt_kernels.ptx, holding every kernel), for
  /// inspection and tests. Backends without device kernels say so.
  virtual LogicalResult emitKernels(ModuleOp module, const std::string &dir,
                                    const ArtifactOptions &options) const;
};

/// The backend --target=`name` names, or null.
const Backend *lookupBackend(StringRef name);
/// Every backend's name, for messages.
std::vector<std::string> backendNames();

} // namespace lipt
} // namespace mlir

#endif // LIPT_BACKEND_BACKEND_H
