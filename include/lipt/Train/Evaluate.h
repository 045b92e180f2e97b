//===- Evaluate.h - a checkpoint's validation loss --------------*- C++ -*-===//
//
// lipt-run --eval: the loss and accuracy of a checkpoint on the validation
// windows training evaluates on, with the logits from the model's compiled
// forward pass (the model ops lowered, lipt/ModelImport/ModelFunction.h) or
// from the LibTorch driver. Both go through the same host-side loss, so the
// two backends differ only in their forward pass.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_TRAIN_EVALUATE_H
#define LIPT_TRAIN_EVALUATE_H

#include "lipt/Runtime/Safetensors.h"
#include "lipt/Train/ModelSpec.h"

#include <functional>
#include <string>
#include <vector>

namespace lipt_train {

/// Logits [batch, seq, vocab] (f32, row-major) of token windows
/// [batch, seq].
using ForwardFn = std::function<lipt_runtime::Status(
    const std::vector<int32_t> &tokens, std::vector<float> &logits)>;

/// Builds the forward pass of a checkpoint's model from its config and its
/// weights (checkpoint order, lipt_train::weightsOf).
using ForwardFactory = std::function<lipt_runtime::Status(
    const ModelSpec &spec,
    const std::vector<lipt_runtime::NamedTensor> &weights, ForwardFn &out)>;

struct EvalOptions {
  std::string checkpoint;
  std::string dataPath; // the corpus, already resolved
  int threads = 0;
  /// Validation batches; 0: the config's eval_batches (what training's
  /// report used).
  int64_t batches = 0;
};

struct EvalResult {
  double valLoss = 0, valAcc = 0;
  int64_t batches = 0, tokens = 0;
};

/// Evaluates `options.checkpoint` with `compiled`'s forward pass, or with
/// the LibTorch driver's when it is null. Errors name the file and field.
lipt_runtime::Status evaluateCheckpoint(const EvalOptions &options,
                                        const ForwardFactory *compiled,
                                        EvalResult &out);

/// Mean cross-entropy (nats) and accuracy of `logits` [n, vocab] against
/// `targets` [n], in float64 (log-sum-exp; ties go to the lowest id, as
/// argmax).
std::pair<double, double> lossAndAccuracy(const std::vector<float> &logits,
                                          const std::vector<int32_t> &targets,
                                          int64_t vocab);

} // namespace lipt_train

#endif // LIPT_TRAIN_EVALUATE_H
