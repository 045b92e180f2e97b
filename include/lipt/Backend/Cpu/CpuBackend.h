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

#include "lipt/Backend/Backend.h"
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

/// Compiles every public func.func of `module` (lowered in place) into the
/// shared library `outputPath`. Needs a C compiler driver (`cc`) to link.
/// Failures are emitted as diagnostics on the module.
LogicalResult writeCpuArtifact(ModuleOp module, const std::string &outputPath,
                               const ArtifactOptions &options);

/// Compiles every public func.func of `module` (consumed: it is lowered in
/// place). Arguments and results must be statically shaped tensors of
/// f32/f64/f16/bf16. Failures are emitted as diagnostics on the module.
FailureOr<std::unique_ptr<lipt_runtime::Executable>>
compileForCpu(ModuleOp module);

/// The CPU backend (what lookupBackend("cpu") returns): the functions above
/// behind the Backend interface.
const Backend &getCpuBackend();

} // namespace lipt
} // namespace mlir

#endif // LIPT_BACKEND_CPU_CPUBACKEND_H
