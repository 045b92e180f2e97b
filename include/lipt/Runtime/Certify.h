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

#include "lipt/Runtime/OptimizerStep.h"

#include <cstdint>
#include <optional>
#include <string>
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

//===--- the bound, one map at a time -----------------------------------===//
// Each map of the model has a Lipschitz constant on inputs whose tokens have
// RMS norm <= a (the input's activation bound) and a bound on its outputs'
// token norms. lipschitzBound composes them for the whole model; the
// compiler's --lipt-certify composes the same functions op by op
// (LipschitzOpInterface), so both give the same numbers.

/// Attention W_o (1/3) softmax(q k^T s / d_head) v on inputs with token
/// norms <= a: the value path plus s times the score path.
double attentionLipschitz(const BlockNorms &n, double a, double softmaxScale,
                          BoundVariant variant);
/// Its outputs' token norms over its inputs': each output is a convex
/// combination of values, so ||W_o|| ||W_v|| / 3.
double attentionGain(const BlockNorms &n);
/// The MLP W_out gelu(W_in x) / 1.1289 (GELU / 1.1289 is 1-Lipschitz).
double mlpLipschitz(const BlockNorms &n, BoundVariant variant);
/// Its gain: |gelu(x)| <= |x|, so ||W_out|| ||W_in|| / 1.1289.
double mlpGain(const BlockNorms &n);
/// A convex residual (1 - alpha) x + alpha f(x) whose branch f is
/// `branchLipschitz`-Lipschitz.
double convexResidualLipschitz(double alpha, double branchLipschitz);
/// Its output bound from its input's and its branch's output bound.
double convexResidualBound(double alpha, double inputBound, double branchBound);
/// The RMS->RMS norm bound of a [fan_out, fan_in] matrix whose rows have
/// RMS norm <= maxRowRms: ||W||_rr = sqrt(fan_in / fan_out) sigma_1 <=
/// sqrt(fan_in / fan_out) ||W||_F <= maxRowRms * fan_in.
double rowRmsNormBound(double maxRowRms, int64_t fanIn);

/// The RMS->RMS norm that training with constraint `kind` at `sigmaMax`
/// guarantees for a weight at every step, or nothing (with `why`): the soft
/// cap through Muon's coupling (Theorem 3.1, checked when the program is
/// built), the hard cap's polynomial (`polynomialHardCap`) up to its 1.0109
/// overshoot. The hard cap's msign form approximates the sign by a
/// polynomial schedule, normalize divides by a power-iteration estimate
/// that can sit below sigma_1, and the hammer only resets the singular
/// value the iteration finds: none of them bounds the norm for every
/// weight, so a bound (b) cannot rest on them.
std::optional<double> guaranteedCap(ConstraintKind kind, double sigmaMax,
                                    bool polynomialHardCap, std::string &why);

/// The certified bound L of the notes' algorithm (N = 2 * layers convex
/// residual branches, alpha = 1/N).
double lipschitzBound(const TransformerNorms &norms, BoundVariant variant);

/// An MLP's bound: the product of its layers' norms (ReLU has slope 1).
double mlpLipschitzBound(const std::vector<double> &layerNorms);

} // namespace lipt_runtime

#endif // LIPT_RUNTIME_CERTIFY_H
