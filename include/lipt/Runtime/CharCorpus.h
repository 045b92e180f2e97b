//===- CharCorpus.h - character-level text data -----------------*- C++ -*-===//
//
// The paper's Shakespeare data pipeline: a byte-level vocabulary built from
// the text (sorted), the first 90% for training and the last 10% for
// validation, and batches of (input, next-character target) windows drawn
// at offsets from a seeded splitmix64 stream, so runs are reproducible on
// any machine.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_RUNTIME_CHARCORPUS_H
#define LIPT_RUNTIME_CHARCORPUS_H

#include "lipt/Runtime/Runtime.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lipt_runtime {

/// The corpus path: `explicitPath` (a flag or the model file) if given, else
/// $LIPT_DATA, else ../shared/data/tinyshakespeare.txt. Errors list what was
/// tried and how to get the data (scripts/get-tinyshakespeare.sh).
Status resolveCorpusPath(const std::string &explicitPath, std::string &out);

/// A deterministic 64-bit generator (splitmix64).
class SplitMix64 {
public:
  explicit SplitMix64(uint64_t seed) : state(seed) {}
  uint64_t next();
  /// Uniform in [0, n).
  uint64_t below(uint64_t n) { return next() % n; }

private:
  uint64_t state;
};

struct CharCorpus {
  std::string vocabulary; // sorted distinct bytes; id = index
  std::vector<int32_t> train, validation;

  /// Loads `path`; errors name the file (missing, empty, unreadable).
  static Status load(const std::string &path, CharCorpus &out);
  /// Ids of `text` (bytes outside the vocabulary are an error).
  Status encode(const std::string &text, std::vector<int32_t> &out) const;
  std::string decode(const std::vector<int32_t> &ids) const;

  /// `batch` windows of `seqLen` ids from `split` and their targets (the
  /// next id of each), row-major [batch, seqLen].
  Status sample(const std::vector<int32_t> &split, int64_t batch,
                int64_t seqLen, SplitMix64 &rng, std::vector<int32_t> &inputs,
                std::vector<int32_t> &targets) const;
};

} // namespace lipt_runtime

#endif // LIPT_RUNTIME_CHARCORPUS_H
