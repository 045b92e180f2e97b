//===- CpuExecutable.h - compile a module to a CPU Executable ---*- C++ -*-===//
//
// The IR -> runtime bridge for the CPU: lowers a module with
// lipt-cpu-pipeline and JIT-compiles it with MLIR's ExecutionEngine into a
// lipt_runtime::Executable whose functions run on caller buffers.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_EXECUTION_CPUEXECUTABLE_H
#define LIPT_EXECUTION_CPUEXECUTABLE_H

#include "lipt/Runtime/Runtime.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <memory>

namespace mlir {
class DialectRegistry;
namespace lipt {

/// Dialects, extensions and LLVM translations compiled modules need.
void registerCpuExecutionDialects(DialectRegistry &registry);

/// Compiles every public func.func of `module` (consumed: it is lowered in
/// place). Arguments and results must be statically shaped tensors of
/// f32/f64/f16/bf16. Failures are emitted as diagnostics on the module.
FailureOr<std::unique_ptr<lipt_runtime::Executable>>
compileForCpu(ModuleOp module);

} // namespace lipt
} // namespace mlir

#endif // LIPT_EXECUTION_CPUEXECUTABLE_H
