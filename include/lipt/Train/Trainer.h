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
#include "lipt/Train/World.h"

#include <functional>
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
  /// Where the weights, batches and optimizer state live and the optimizer
  /// program runs: the CPU, or the first CUDA device (the kernels must be
  /// compiled for it; needs a LibTorch with CUDA, cudaTrainingAvailable).
  /// Checkpoints, the report and the certificate are the same either way.
  lipt_runtime::DeviceKind device = lipt_runtime::DeviceKind::cpu;
  /// This process's place in a data-parallel job (lipt/Train/World.h): with
  /// a world size above 1 each rank trains on its share of every batch,
  /// gradients are averaged, the optimizer's leaves are split across ranks,
  /// and rank 0 alone writes checkpoints, the report and the certificate.
  WorldConfig world;
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

  /// Where the run reports: one line per event (the configuration, each
  /// evaluation, how it ended, the certificate); null: silent.
  std::function<void(const std::string &line)> log;
  /// Progress after each step (step done, of steps, the loss, tokens/s,
  /// seconds to go; done = the last call of a stretch); null: none.
  std::function<void(int64_t step, int64_t steps, double loss, double tps,
                     double eta, bool done)>
      progress;
};

/// How a run ended, when it did not fail.
enum class TrainOutcome {
  finished,    // every step, certified (or the report says why not)
  stopped,     // after --stop-after-step, checkpointed
  interrupted, // SIGINT/SIGTERM: checkpointed (or, during certification,
               // the last step's checkpoint complete)
};

struct TrainResult {
  /// Not ok: what failed (a bad checkpoint, data, a NaN loss, a certificate
  /// that fails its own check); the last good checkpoint is intact.
  lipt_runtime::Status status;
  TrainOutcome outcome = TrainOutcome::finished;
};

/// Trains `spec` from scratch or from `options.outDir`'s checkpoint;
/// `kernels` holds the compiled optimizer program (null for the reference
/// backend). Reports through `options.log` and `options.progress`; prints
/// nothing itself.
TrainResult train(const ModelSpec &spec, lipt_runtime::Executable *kernels,
                  const TrainOptions &options);

/// Whether this process can train on a GPU: the CUDA driver and a device
/// (lipt's CUDA runtime), and a LibTorch built with CUDA; else an error
/// naming what is missing and how to get it.
lipt_runtime::Status cudaTrainingAvailable();

/// Certifies the weights of a checkpoint (model config from its metadata)
/// into `json` (the certificate as JSON), also written to `outFile` if
/// given. An error for a bad checkpoint or a certificate that fails its
/// check ((c) <= (a) <= (b)); `interrupted` when a signal stopped it.
lipt_runtime::Status certifyCheckpoint(const std::string &checkpoint,
                                       const std::string &outFile, int threads,
                                       std::string &json, bool &interrupted);

} // namespace lipt_train

#endif // LIPT_TRAIN_TRAINER_H
