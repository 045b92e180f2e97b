//===- TrainSupport.h - what the trainer's entry points share ---*- C++ -*-===//
//
// Internal to LiptTrainer: errors as exceptions inside the library (caught
// once at each entry point of Trainer.h and Evaluate.h), threads, the
// validation stream and reading a checkpoint into a model.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_RUNTIME_TRAIN_TRAINSUPPORT_H
#define LIPT_RUNTIME_TRAIN_TRAINSUPPORT_H

#include "TorchModel.h"

#include "lipt/Runtime/CharCorpus.h"
#include "lipt/Runtime/Safetensors.h"

#include <functional>
#include <memory>
#include <stdexcept>

namespace lipt_train {

/// Errors inside the trainer: caught once at the entry points.
struct TrainError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
/// Throws a TrainError with the message of a failed status.
void check(const lipt_runtime::Status &s);

/// LibTorch's threads: `threads`, or every core for 0.
void setThreads(int threads);

/// Loads the corpus at `dataPath` for the model of `spec` (read from
/// `modelFile`, for messages): its vocabulary must be the model's and both
/// splits must hold a window.
void loadCorpusFor(const ModelSpec &spec, const std::string &modelFile,
                   const std::string &dataPath, lipt_runtime::CharCorpus &out);

/// The validation windows every evaluation uses (the Python cross-check
/// mirrors them): `batches` batches of [spec.batch, spec.seqLen] ids and
/// their targets from the stream seeded by spec.seed. `visit` returns
/// false to stop early.
void forEachValidationBatch(
    const ModelSpec &spec, const lipt_runtime::CharCorpus &corpus,
    int64_t batches,
    const std::function<bool(const std::vector<int32_t> &inputs,
                             const std::vector<int32_t> &targets)> &visit);

/// Throws unless `file` (read from `path`) carried a checksum that
/// verified: lipt writes one into every checkpoint and reads none without.
void requireChecksum(const lipt_runtime::Safetensors &file,
                     const std::string &path);

/// A lipt checkpoint's model: checksum, config (metadata 'lipt.config') and
/// every weight checked; throws a TrainError naming the file and field.
std::unique_ptr<TorchModel> loadCheckpointModel(const std::string &path);

/// A checkpoint's model and the corpus it is evaluated on: what --eval and
/// --robustness start from.
struct EvaluationInputs {
  std::unique_ptr<TorchModel> model;
  lipt_runtime::CharCorpus corpus;
};
/// Loads both, with LibTorch on `threads` threads.
EvaluationInputs loadForEvaluation(const std::string &checkpoint,
                                   const std::string &dataPath, int threads);

} // namespace lipt_train

#endif // LIPT_RUNTIME_TRAIN_TRAINSUPPORT_H
