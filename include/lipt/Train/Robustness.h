//===- Robustness.h - certified robustness radii of a checkpoint -*- C++
//-*-===//
//
// lipt-run --robustness: what the certified Lipschitz bound L (the sound
// bound (a), RMS->RMS w.r.t. the embedded input, a sequence's norm being
// its largest per-token RMS norm) promises about predictions. For a
// position whose top logit leads the runner-up by margin m,
//   |d(l_i - l_j)| <= sqrt(2) ||d logits||_2 <= sqrt(2 V) L ||d x||,
// so no perturbation of the embedded input smaller than
//   r = m / (sqrt(2 V) L)
// (staying in the bound's domain, token RMS <= 1) can change the
// prediction. The report gives the margins and radii over validation
// windows, and an adversarial search (projected gradient ascent on the
// runner-up's lead) inside r, which must flip nothing, and at multiples of
// r, which shows how far the certificate is from the model's real
// robustness.
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_TRAIN_ROBUSTNESS_H
#define LIPT_TRAIN_ROBUSTNESS_H

#include "lipt/Runtime/Json.h"
#include "lipt/Runtime/Runtime.h"

#include <string>
#include <vector>

namespace lipt_train {

struct RobustnessOptions {
  std::string checkpoint;
  std::string dataPath; // the corpus, already resolved
  int threads = 0;
  int64_t batches = 0; // validation batches; 0: the config's eval_batches
  /// Report the fraction of positions whose radius exceeds each.
  std::vector<double> thresholds = {1e-5, 1e-4, 1e-3, 1e-2};
  /// Positions attacked, and the radius multiples attacked at.
  int64_t attackPositions = 32, attackSteps = 40;
  std::vector<double> attackMultiples = {1, 10, 100, 1000};
};

/// The report as JSON (`holds` is false when an attack inside a certified
/// radius flipped a prediction: the certificate would be false, and the
/// error says so). Errors name the file and field.
lipt_runtime::Status robustnessReport(const RobustnessOptions &options,
                                      lipt_runtime::JsonValue &out);

} // namespace lipt_train

#endif // LIPT_TRAIN_ROBUSTNESS_H
