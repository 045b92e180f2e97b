//===- CpuBackend.h - compile modules for the CPU ---------------*- C++ -*-===//
//
// The IR -> runtime bridge for the CPU: lowers a module with
// lipt-cpu-pipeline, then either JIT-compiles it with MLIR's ExecutionEngine
// into a lipt_runtime::Executable whose functions run on caller buffers, or
// writes it ahead of time as an artifact (include/lipt-c/Artifact.h) that
// lipt_runtime::loadArtifact runs where no LLVM exists.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_BACKEND_CPU_CPUBACKEND_H
#define LIPT_BACKEND_CPU_CPUBACKEND_H

#include "lipt/Runtime/Runtime.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <memory>
#include <string>
#include <vector>

namespace mlir {
class DialectRegistry;
namespace lipt {

/// Dialects, extensions and LLVM translations compiled modules need.
void registerCpuExecutionDialects(DialectRegistry &registry);

/// Lowers `module` in place to the LLVM dialect with lipt's calling
/// convention (include/lipt-c/Artifact.h: every public func.func gets a C
/// interface taking one memref descriptor per input, then per output) and
/// returns the signatures of those functions. Arguments and results must be
/// statically shaped tensors of f32/f64/f16/bf16.
FailureOr<std::vector<lipt_runtime::FunctionSignature>>
lowerForCpu(ModuleOp module);

/// How an artifact is compiled.
struct CpuArtifactOptions {
  /// The CPU the code may assume: an LLVM CPU name ("x86-64-v3", the
  /// default, runs on any x86 server of the last decade) or "host" (this
  /// machine's CPU and features: fastest here, may not run elsewhere).
  std::string cpu = "x86-64-v3";
  /// The folder holding liblipt_blas_shims.so, linked against.
  std::string runtimeLibDir;
  /// For a model file: its training spec as JSON (lipt_train::toJson), put
  /// in the manifest's "model" field (empty: none).
  std::string modelSpecJson;
};

/// Compiles every public func.func of `module` (lowered in place) into the
/// shared library `outputPath`. Needs a C compiler driver (`cc`) to link.
/// Failures are emitted as diagnostics on the module.
LogicalResult writeCpuArtifact(ModuleOp module, const std::string &outputPath,
                               const CpuArtifactOptions &options);

/// Compiles every public func.func of `module` (consumed: it is lowered in
/// place). Arguments and results must be statically shaped tensors of
/// f32/f64/f16/bf16. Failures are emitted as diagnostics on the module.
FailureOr<std::unique_ptr<lipt_runtime::Executable>>
compileForCpu(ModuleOp module);

} // namespace lipt
} // namespace mlir

#endif // LIPT_BACKEND_CPU_CPUBACKEND_H
