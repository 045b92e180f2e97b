//===- Trainer.h - train and certify a Lipschitz transformer ----*- C++ -*-===//
//
// The LibTorch half of `lipt-run model.mlir`: forward and backward with
// autograd, Muon (or AdamW) with the constraints run by compiled lipt
// kernels on the parameters' own memory, evaluation, safetensors
// checkpoints with optimizer state, report.json and the certificate.
// Built with exceptions; nothing escapes: every entry point returns the
// process exit code after printing what went wrong.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_TRAIN_TRAINER_H
#define LIPT_TRAIN_TRAINER_H

#include "lipt/Runtime/Runtime.h"
#include "lipt/Train/ModelSpec.h"

#include <string>

namespace lipt_train {

enum class OptimizerBackend {
  compiled, // the optimizer program (lipt/Optim/StepProgram.h), compiled
  reference // the same ops in eager LibTorch (lipt/Torch/Reference.h)
};

struct TrainOptions {
  std::string modelFile; // for messages and the report
  std::string dataPath;  // the corpus, already resolved
  std::string outDir;
  bool resume = false;
  int threads = 0; // 0: every core
  OptimizerBackend backend = OptimizerBackend::compiled;
  /// How often this process compiled the optimizer kernels (1 for a .mlir,
  /// 0 for an artifact): reported, so a schedule is seen not to recompile.
  int kernelCompilations = 0;
  /// Checkpoint and stop after this step (0: run to the end), e.g. to fit a
  /// job's time slot; --resume continues on the same schedule.
  int64_t stopAfter = 0;
  /// Testing the failure path: poison the loss at this step (-1: never).
  int64_t injectNanAtStep = -1;
  /// Testing a crash mid-checkpoint: SIGKILL this process after the files of
  /// this step's checkpoint are written, before they are published (-1:
  /// never).
  int64_t killInCheckpointAtStep = -1;
};

/// Trains `spec` from scratch or from `outDir`'s checkpoint; `kernels` holds
/// the compiled optimizer kernels (may be null for the eager backend).
/// Returns 0, 1 on error, 130 when interrupted (after checkpointing).
int train(const ModelSpec &spec, lipt_runtime::Executable *kernels,
          const TrainOptions &options);

/// Certifies the weights of a checkpoint (model config from its metadata):
/// prints the certificate as JSON and writes it to `outFile` if given.
/// Returns 0 when (c) <= (a) <= (b), 1 otherwise or on a bad checkpoint.
int certifyCheckpoint(const std::string &checkpoint, const std::string &outFile,
                      int threads);

} // namespace lipt_train

#endif // LIPT_TRAIN_TRAINER_H
