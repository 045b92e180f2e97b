//===- Certificate.h - bounds (a), (b), (c) of a trained model --*- C++ -*-===//
//
// The Lipschitz certificate of issue 4, RMS->RMS with respect to the
// embedded input, where a sequence's norm is the largest per-token RMS norm:
//  (a) the notes' bound from the exact RMS->RMS norms of the weights (sound
//      variant; the reference's variant beside it, labelled);
//  (b) the bound the enforced caps alone guarantee, at every step;
//  (c) an empirical lower bound: the largest output/input change ratio found
//      by random and gradient-ascent perturbation pairs in embedding space
//      (inputs kept in the bound's domain: every token RMS <= 1).
// It holds when (c) <= (a) <= (b).
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_TRAIN_CERTIFICATE_H
#define LIPT_TRAIN_CERTIFICATE_H

#include "TorchModel.h"

#include "lipt/Runtime/Json.h"

#include <atomic>
#include <map>
#include <optional>

namespace lipt_train {

struct Certificate {
  /// No bound exists for models with layer_norm; reason says why.
  bool applicable = true;
  std::string reason;
  double soundA = 0, referenceA = 0;
  /// The public code's convention (paper-notes): the embedding and the head
  /// counted by their largest row RMS instead of L_embed = 1 and the head's
  /// operator norm; for comparison with the paper's table, not a bound on
  /// the logits' RMS norm. With the sound formula and with the reference's.
  double paperSound = 0, paperReference = 0;
  /// Absent when some weight is not capped; capsBReason names the first
  /// such weight and why.
  std::optional<double> capsB;
  std::string capsBReason;
  double empiricalC = 0;
  std::map<std::string, double> weightNorms; // RMS->RMS, by checkpoint name
  /// Empty when (c) <= (a) <= (b); else what failed.
  std::string failure;

  lipt_runtime::JsonValue toJson() const;
};

/// Thrown by certify when `stop` turned true (Ctrl-C, SIGTERM): a
/// certificate is computed whole or not at all.
struct CertificationInterrupted {};

/// Computes the certificate of `model`'s current weights. `probeSeed` seeds
/// the perturbation search; `probeSeqLen` is the sequence length it probes.
/// Checks `stop` (if given) between weights and search steps.
Certificate certify(const TorchModel &model, uint64_t probeSeed,
                    int64_t probeSeqLen,
                    const std::atomic<bool> *stop = nullptr);

/// certify with the probe lipt-run always uses (seeded from the config,
/// sequences of at most 64 tokens): what training, --certify and
/// --robustness report.
Certificate certifyWithRunProbe(const TorchModel &model,
                                const std::atomic<bool> *stop = nullptr);

} // namespace lipt_train

#endif // LIPT_TRAIN_CERTIFICATE_H
