//===- Driver.h - lipt-run without the compiler -----------------*- C++ -*-===//
//
// Everything lipt-run does that needs no MLIR: the command line, --certify,
// artifacts (running their functions, training a model file's artifact),
// and training a spec with given kernels. The full build adds reading .mlir
// files (lipt-run.cpp); the runtime-only build has only this
// (RuntimeMain.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_TOOLS_LIPT_RUN_DRIVER_H
#define LIPT_TOOLS_LIPT_RUN_DRIVER_H

#include "Options.h"

#include "lipt/Runtime/Runtime.h"
#include "lipt/Train/Evaluate.h"
#include "lipt/Train/ModelSpec.h"

#include <memory>

namespace lipt_run {

/// Reads a .mlir file and trains its model or runs its functions; the exit
/// code. Only the full build has one.
using ModuleRunner = int (*)(const Options &options);

/// What only the full build can do: read .mlir files and compile.
struct CompilerHooks {
  /// Trains a .mlir file's model or runs its functions.
  ModuleRunner runModule = nullptr;
  /// Compiles a checkpoint's model forward pass (--eval).
  lipt_train::ForwardFactory compileForward;
};

/// lipt-run after host tuning: parses the command line, then certifies or
/// evaluates a checkpoint, or runs an artifact, or hands a module to
/// `hooks.runModule` (the runtime-only build has no hooks: a .mlir, or the
/// compiled --eval, is then an error saying so).
int runLiptRun(int argc, char **argv, const CompilerHooks &hooks);

/// Trains `spec` (with --steps applied) with `kernels`, which this process
/// compiled `compilations` times (1 from a .mlir, 0 from an artifact); null
/// kernels for the eager backend.
int trainSpec(const Options &options, lipt_train::ModelSpec spec,
              std::unique_ptr<lipt_runtime::Executable> kernels,
              int compilations);

} // namespace lipt_run

#endif // LIPT_TOOLS_LIPT_RUN_DRIVER_H
