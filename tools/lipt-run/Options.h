//===- Options.h - lipt-run's command line, without LLVM --------*- C++ -*-===//
//
// One table of options for both lipt-runs: the full build's and the
// runtime-only build's (which has no LLVM, so no llvm::cl).
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_TOOLS_LIPT_RUN_OPTIONS_H
#define LIPT_TOOLS_LIPT_RUN_OPTIONS_H

#include "RunFunction.h"

#include "lipt/Train/Trainer.h"

#include <cstdint>
#include <optional>
#include <string>

namespace lipt_run {

struct Options {
  /// The positional argument (in run.source): a .mlir file or an artifact.
  RunFunctionOptions run;
  // Training.
  std::string dataPath, outDir = "lipt-out";
  std::optional<int64_t> steps;
  int64_t stopAfter = 0;
  bool resume = false;
  int threads = 0;
  lipt_train::OptimizerBackend backend = lipt_train::OptimizerBackend::compiled;
  int64_t injectNanAtStep = -1, killInCheckpointAtStep = -1;
  // Data parallelism: local workers to start (0: none; the torchrun
  // environment, if any, places this process), and how long a rank waits
  // for the others.
  int nproc = 0;
  int distTimeoutSeconds = 300;
  // Certification.
  std::string certify, certifyOut;
  // Evaluation (--eval).
  std::string evalCheckpoint;
  bool evalWithTorch = false; // --eval-backend=torch
  int64_t evalBatches = 0;    // 0: the config's eval_batches
  // Certified robustness (--robustness), over --eval-batches windows.
  std::string robustnessCheckpoint;
};

/// Parses argv into `out`. Returns an exit code when the program should stop
/// now (0 after --help, 1 after an error it printed), nothing otherwise.
std::optional<int> parseCommandLine(int argc, char **argv, Options &out);

} // namespace lipt_run

#endif // LIPT_TOOLS_LIPT_RUN_OPTIONS_H
