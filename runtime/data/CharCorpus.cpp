//===- CharCorpus.cpp - character-level text data -------------------------===//

#include "lipt/Runtime/CharCorpus.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>

namespace lipt_runtime {

namespace {
constexpr const char *kSharedPath = "../shared/data/tinyshakespeare.txt";
constexpr const char *kHowToGet =
    "get tiny-shakespeare with `bash scripts/get-tinyshakespeare.sh PATH` and "
    "pass --data PATH or set LIPT_DATA=PATH";

/// A corpus is read whole into memory; 1 GiB is ~1000x tiny-shakespeare.
constexpr uint64_t kMaxCorpusBytes = uint64_t(1) << 30;

/// Why `path` cannot be a corpus, or "" if it can.
std::string corpusProblem(const std::string &path) {
  Status file = checkRegularFile(path, kMaxCorpusBytes);
  return file ? "" : "cannot open the corpus: " + file.message;
}

bool readable(const std::string &path) { return corpusProblem(path).empty(); }
} // namespace

Status resolveCorpusPath(const std::string &explicitPath, std::string &out) {
  if (!explicitPath.empty()) {
    if (std::string problem = corpusProblem(explicitPath); !problem.empty())
      return Status::error(explicitPath + ": " + problem + "; " + kHowToGet);
    out = explicitPath;
    return Status::success();
  }
  if (const char *env = std::getenv("LIPT_DATA"); env && *env) {
    if (std::string problem = corpusProblem(env); !problem.empty())
      return Status::error(std::string(env) + " (from LIPT_DATA): " + problem +
                           "; " + kHowToGet);
    out = env;
    return Status::success();
  }
  if (readable(kSharedPath)) {
    out = kSharedPath;
    return Status::success();
  }
  return Status::error(std::string("no corpus: no --data, LIPT_DATA unset, "
                                   "and ") +
                       kSharedPath + " does not exist; " + kHowToGet);
}

uint64_t SplitMix64::next() {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

Status CharCorpus::load(const std::string &path, CharCorpus &out) {
  if (std::string problem = corpusProblem(path); !problem.empty())
    return Status::error(path + ": " + problem + "; " + kHowToGet);
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Status::error(path + ": cannot open the corpus; " + kHowToGet);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  if (text.empty())
    return Status::error(path + ": the corpus is empty");
  out = CharCorpus();
  bool seen[256] = {};
  for (unsigned char c : text)
    seen[c] = true;
  for (int c = 0; c < 256; ++c)
    if (seen[c])
      out.vocabulary += char(c);
  std::vector<int32_t> ids;
  Status s = out.encode(text, ids);
  if (!s)
    return s;
  size_t split = ids.size() * 9 / 10; // the paper's 90/10 split
  out.train.assign(ids.begin(), ids.begin() + split);
  out.validation.assign(ids.begin() + split, ids.end());
  return Status::success();
}

Status CharCorpus::encode(const std::string &text,
                          std::vector<int32_t> &out) const {
  int32_t index[256];
  std::fill(std::begin(index), std::end(index), -1);
  for (size_t i = 0; i < vocabulary.size(); ++i)
    index[static_cast<unsigned char>(vocabulary[i])] = int32_t(i);
  out.clear();
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    int32_t id = index[static_cast<unsigned char>(text[i])];
    if (id < 0)
      return Status::error("character at byte " + std::to_string(i) +
                           " is not in the vocabulary");
    out.push_back(id);
  }
  return Status::success();
}

std::string CharCorpus::decode(const std::vector<int32_t> &ids) const {
  std::string s;
  for (int32_t id : ids)
    s += id >= 0 && size_t(id) < vocabulary.size() ? vocabulary[id] : '?';
  return s;
}

Status CharCorpus::sample(const std::vector<int32_t> &split, int64_t batch,
                          int64_t seqLen, SplitMix64 &rng,
                          std::vector<int32_t> &inputs,
                          std::vector<int32_t> &targets) const {
  if (batch < 1 || seqLen < 1)
    return Status::error("batch and seq_len must be >= 1");
  if (int64_t(split.size()) < seqLen + 1)
    return Status::error(
        "the split has " + std::to_string(split.size()) +
        " characters, fewer than seq_len + 1 = " + std::to_string(seqLen + 1));
  inputs.resize(batch * seqLen);
  targets.resize(batch * seqLen);
  uint64_t starts = uint64_t(split.size() - seqLen);
  for (int64_t b = 0; b < batch; ++b) {
    uint64_t at = rng.below(starts);
    std::copy_n(split.begin() + at, seqLen, inputs.begin() + b * seqLen);
    std::copy_n(split.begin() + at + 1, seqLen, targets.begin() + b * seqLen);
  }
  return Status::success();
}

} // namespace lipt_runtime
