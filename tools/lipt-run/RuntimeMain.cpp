//===- RuntimeMain.cpp - lipt-run of the runtime-only build ---------------===//
//
// The lipt-run a machine without LLVM builds (-DLIPT_RUNTIME_ONLY=ON): it
// trains from and runs artifacts that lipt-compile wrote elsewhere, and
// certifies checkpoints. Same options as the full lipt-run (Options.cpp);
// a .mlir file is an error that says what this build cannot do.
//
//===----------------------------------------------------------------------===//

#include "Driver.h"

#include "lipt/Runtime/HostTuning.h"

int main(int argc, char **argv) {
  // Before anything else: BLAS and OpenMP read these settings at load time.
  lipt_runtime::tuneHostOrReexec(argv, "lipt-run");
  return lipt_run::runLiptRun(argc, argv, /*hooks=*/{});
}
