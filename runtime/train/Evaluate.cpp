//===- Evaluate.cpp - a checkpoint's validation loss ----------------------===//

#include "lipt/Train/Evaluate.h"

#include "TrainSupport.h"

#include <cmath>
#include <cstring>

namespace rt = lipt_runtime;

namespace lipt_train {

std::pair<double, double> lossAndAccuracy(const std::vector<float> &logits,
                                          const std::vector<int32_t> &targets,
                                          int64_t vocab) {
  double loss = 0, correct = 0;
  for (size_t i = 0; i < targets.size(); ++i) {
    const float *row = logits.data() + i * size_t(vocab);
    int64_t best = 0;
    for (int64_t v = 1; v < vocab; ++v)
      if (row[v] > row[best])
        best = v;
    double sum = 0;
    for (int64_t v = 0; v < vocab; ++v)
      sum += std::exp(double(row[v]) - double(row[best]));
    loss += double(row[best]) + std::log(sum) - double(row[targets[i]]);
    correct += best == targets[i];
  }
  double n = double(targets.size());
  return {loss / n, correct / n};
}

namespace {

/// The LibTorch driver's forward pass.
ForwardFn torchForward(const TorchModel &model) {
  return [&model](const std::vector<int32_t> &tokens,
                  std::vector<float> &logits) {
    torch::NoGradGuard noGrad;
    const ModelSpec &s = model.spec;
    torch::Tensor ids =
        torch::from_blob(const_cast<int32_t *>(tokens.data()),
                         {int64_t(tokens.size()) / s.seqLen, s.seqLen},
                         torch::kInt32)
            .to(torch::kLong);
    torch::Tensor out = model.forward(ids).to(torch::kFloat32).contiguous();
    logits.resize(size_t(out.numel()));
    std::memcpy(logits.data(), out.data_ptr(), logits.size() * sizeof(float));
    return rt::Status::success();
  };
}

} // namespace

rt::Status evaluateCheckpoint(const EvalOptions &options,
                              const ForwardFactory *compiled, EvalResult &out) {
  try {
    EvaluationInputs in = loadForEvaluation(options.checkpoint,
                                            options.dataPath, options.threads);
    const TorchModel &model = *in.model;
    const ModelSpec &spec = model.spec;
    ForwardFn forward;
    if (compiled)
      check((*compiled)(spec, model.toNamedTensors(), forward));
    else
      forward = torchForward(model);

    int64_t batches = options.batches > 0 ? options.batches : spec.evalBatches;
    double loss = 0, acc = 0;
    std::vector<float> logits;
    forEachValidationBatch(
        spec, in.corpus, batches,
        [&](const std::vector<int32_t> &in, const std::vector<int32_t> &t) {
          check(forward(in, logits));
          if (logits.size() != t.size() * size_t(spec.vocab))
            throw TrainError("the forward pass returned " +
                             std::to_string(logits.size()) + " logits for " +
                             std::to_string(t.size()) + " tokens");
          auto [l, a] = lossAndAccuracy(logits, t, spec.vocab);
          loss += l;
          acc += a;
          return true;
        });
    out.batches = batches;
    out.tokens = batches * spec.batch * spec.seqLen;
    out.valLoss = loss / double(batches);
    out.valAcc = acc / double(batches);
    if (!std::isfinite(out.valLoss))
      throw TrainError(options.checkpoint + ": the validation loss is not "
                                            "finite");
    return rt::Status::success();
  } catch (const std::exception &e) {
    return rt::Status::error(e.what());
  }
}

} // namespace lipt_train
