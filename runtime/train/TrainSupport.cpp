//===- TrainSupport.cpp - what the trainer's entry points share -----------===//

#include "TrainSupport.h"

#include "lipt/Runtime/Safetensors.h"
#include "lipt/Train/CheckpointFile.h"

#include <algorithm>
#include <thread>

namespace rt = lipt_runtime;

namespace lipt_train {

void check(const rt::Status &s) {
  if (!s)
    throw TrainError(s.message);
}

void setThreads(int threads) {
  int n =
      threads > 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
  torch::set_num_threads(n);
}

void loadCorpusFor(const ModelSpec &spec, const std::string &modelFile,
                   const std::string &dataPath, rt::CharCorpus &corpus) {
  check(rt::CharCorpus::load(dataPath, corpus));
  if (int64_t(corpus.vocabulary.size()) != spec.vocab)
    throw TrainError(modelFile + ": the model's vocabulary is " +
                     std::to_string(spec.vocab) + " but the corpus " +
                     dataPath + " has " +
                     std::to_string(corpus.vocabulary.size()) +
                     " distinct characters (set the embedding and head to [" +
                     std::to_string(corpus.vocabulary.size()) + ", d])");
  for (auto *split : {&corpus.train, &corpus.validation})
    if (int64_t(split->size()) < spec.seqLen + 1)
      throw TrainError(dataPath + ": a split has " +
                       std::to_string(split->size()) +
                       " characters, fewer than seq_len + 1 = " +
                       std::to_string(spec.seqLen + 1));
}

void forEachValidationBatch(
    const ModelSpec &spec, const rt::CharCorpus &corpus, int64_t batches,
    const std::function<bool(const std::vector<int32_t> &,
                             const std::vector<int32_t> &)> &visit) {
  rt::SplitMix64 rng(~uint64_t(spec.seed));
  for (int64_t b = 0; b < batches; ++b) {
    std::vector<int32_t> in, target;
    check(corpus.sample(corpus.validation, spec.batch, spec.seqLen, rng, in,
                        target));
    if (!visit(in, target))
      return;
  }
}

void requireChecksum(const rt::Safetensors &file, const std::string &path) {
  // A checkpoint without one was not written by lipt, or had it removed.
  if (!file.checksumVerified)
    throw TrainError(path + ": metadata '" + rt::kChecksumKey +
                     "' is missing; lipt writes it into every checkpoint, "
                     "and reads none without it");
}

std::unique_ptr<TorchModel> loadCheckpointModel(const std::string &path) {
  rt::Safetensors file;
  check(rt::readSafetensors(path, file));
  requireChecksum(file, path);
  ModelSpec spec;
  check(checkpointConfig(file, path, spec));
  auto model = std::make_unique<TorchModel>(spec);
  check(model->load(file, path));
  return model;
}

EvaluationInputs loadForEvaluation(const std::string &checkpoint,
                                   const std::string &dataPath, int threads) {
  setThreads(threads);
  EvaluationInputs in;
  in.model = loadCheckpointModel(checkpoint);
  loadCorpusFor(in.model->spec, checkpoint, dataPath, in.corpus);
  return in;
}

} // namespace lipt_train
