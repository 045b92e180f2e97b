//===- RunFunction.h - lipt-run --function on any Executable ----*- C++ -*-===//
//
// Runs one function of an Executable (JIT-compiled IR or a loaded artifact)
// on --input literals or .npy files, printing results or writing .npy files,
// in the manner of iree-run-module. MLIR-free: the runtime-only lipt-run
// uses it too. Every bad input is an error naming it and exit code 1.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_TOOLS_LIPT_RUN_RUNFUNCTION_H
#define LIPT_TOOLS_LIPT_RUN_RUNFUNCTION_H

#include "lipt/Runtime/Runtime.h"

#include <string>
#include <vector>

namespace lipt_run {

struct RunFunctionOptions {
  std::string source; ///< the module or artifact, for messages
  std::string function;
  std::vector<std::string> inputs;  ///< 2x3xf32=[...] or @file.npy
  std::vector<std::string> outputs; ///< @file.npy or - (print)
  /// A safetensors file whose tensors fill the arguments after the
  /// --input ones, in checkpoint order (a lipt checkpoint's config order,
  /// else the file's).
  std::string weights;
  bool list = false; ///< --list-functions instead
  /// --device: where the function runs (cuda: a CUDA artifact, or IR
  /// compiled with the CUDA backend; inputs are copied to the GPU and the
  /// results back).
  lipt_runtime::DeviceKind device = lipt_runtime::DeviceKind::cpu;
};

/// --list-functions, or --function with its inputs and outputs; the exit
/// code.
int runFunction(lipt_runtime::Executable &exe,
                const RunFunctionOptions &options);

/// Loads the artifact options.source (lipt-compile's output) and runs
/// runFunction on it; the exit code.
int runArtifact(const RunFunctionOptions &options);

/// Prints "lipt-run: error: MESSAGE" and returns 1.
int fail(const std::string &message);

/// "name(2x3xf32, ...) -> (...)".
std::string signatureText(const lipt_runtime::FunctionSignature &sig);

} // namespace lipt_run

#endif // LIPT_TOOLS_LIPT_RUN_RUNFUNCTION_H
