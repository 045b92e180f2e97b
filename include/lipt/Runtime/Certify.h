//===- Certify.h - Lipschitz bounds of a Lipschitz transformer --*- C++ -*-===//
//
// paper-notes, "Certified Lipschitz bound (RMS->RMS, with respect to the
// embedded input)". Two variants, always labelled:
//  - sound: what lipt certifies. The MLP branch W_out gelu(W_in x) / 1.1289
//    is w_out w_in Lipschitz (GELU / 1.1289 is 1-Lipschitz), and the
//    softmax scale s multiplies only the attention-score path.
//  - reference: the reference implementation's formula, which divides the
//    MLP term by 1.1289 once more (under-stating the bound by 1.1289 per MLP
//    branch) and multiplies the whole attention term by s.
// Inputs are RMS->RMS operator norms: of the trained weights (exact norms,
// bound (a)) or the enforced caps (bound (b), which holds at every step).
//
//===----------------------------------------------------------------------===//

#ifndef LIPT_RUNTIME_CERTIFY_H
#define LIPT_RUNTIME_CERTIFY_H

#include <vector>

namespace lipt_runtime {

/// The GELU's largest slope; the MLP divides by it (paper-notes).
constexpr double kGeluMaxSlope = 1.1289;

struct BlockNorms {
  double q = 1, k = 1, v = 1, o = 1, mlpIn = 1, mlpOut = 1;
};

struct TransformerNorms {
  double embed = 1;        // L_embed
  double head = 1;         // L_head (includes final_scale)
  double softmaxScale = 1; // s
  std::vector<BlockNorms> blocks;
};

enum class BoundVariant { sound, reference };

/// The certified bound L of the notes' algorithm (N = 2 * layers convex
/// residual branches, alpha = 1/N).
double lipschitzBound(const TransformerNorms &norms, BoundVariant variant);

/// An MLP's bound: the product of its layers' norms (ReLU has slope 1).
double mlpLipschitzBound(const std::vector<double> &layerNorms);

} // namespace lipt_runtime

#endif // LIPT_RUNTIME_CERTIFY_H
