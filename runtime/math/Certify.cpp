//===- Certify.cpp - Lipschitz bounds of a Lipschitz transformer ----------===//

#include "lipt/Runtime/Certify.h"
#include "lipt/Runtime/SpectralMath.h"

#include <cstddef>

namespace lipt_runtime {

double attentionLipschitz(const BlockNorms &n, double a, double s,
                          BoundVariant variant) {
  double scores = 2.0 * n.v * a * a * n.q * n.k;
  return variant == BoundVariant::sound ? (n.o / 3.0) * (n.v + s * scores)
                                        : (n.o / 3.0) * (n.v + scores) * s;
}

double attentionGain(const BlockNorms &n) { return n.o * n.v / 3.0; }

double mlpLipschitz(const BlockNorms &n, BoundVariant variant) {
  return variant == BoundVariant::sound ? n.mlpOut * n.mlpIn
                                        : n.mlpOut * n.mlpIn / kGeluMaxSlope;
}

double mlpGain(const BlockNorms &n) {
  return n.mlpOut * n.mlpIn / kGeluMaxSlope;
}

double convexResidualLipschitz(double alpha, double branchLipschitz) {
  return (1 - alpha) + alpha * branchLipschitz;
}

double convexResidualBound(double alpha, double inputBound,
                           double branchBound) {
  return (1 - alpha) * inputBound + alpha * branchBound;
}

double rowRmsNormBound(double maxRowRms, int64_t fanIn) {
  return maxRowRms * double(fanIn);
}

std::optional<double> guaranteedCap(ConstraintKind kind, double sigmaMax,
                                    bool polynomialHardCap, std::string &why) {
  switch (kind) {
  case ConstraintKind::soft_cap:
    return sigmaMax;
  case ConstraintKind::hard_cap:
    if (polynomialHardCap)
      return sigmaMax * kHardCapPolynomialMaxOutput;
    why = "the hard cap's msign form approximates the sign by a polynomial "
          "schedule, so it does not bound the norm for every weight "
          "(hard_cap_method = polynomial does)";
    return std::nullopt;
  case ConstraintKind::normalize:
    why = "normalize divides by a power-iteration estimate of sigma_1, which "
          "can be below it, so it does not bound the norm";
    return std::nullopt;
  case ConstraintKind::hammer:
    why = "the hammer resets only the singular value a power iteration "
          "finds, so it does not bound the norm";
    return std::nullopt;
  case ConstraintKind::none:
    break;
  }
  why = "its weights are unconstrained";
  return std::nullopt;
}

double lipschitzBound(const TransformerNorms &n, BoundVariant variant) {
  // The embedding, then per layer the attention and MLP residual branches
  // (activation bound a before each), then the head.
  const double alpha = n.blocks.empty() ? 1.0 : 1.0 / (2.0 * n.blocks.size());
  double L = n.embed, a = 1.0;
  for (const BlockNorms &b : n.blocks) {
    L *= convexResidualLipschitz(
        alpha, attentionLipschitz(b, a, n.softmaxScale, variant));
    a = convexResidualBound(alpha, a, attentionGain(b) * a);
    L *= convexResidualLipschitz(alpha, mlpLipschitz(b, variant));
    a = convexResidualBound(alpha, a, mlpGain(b) * a);
  }
  return L * n.head;
}

double mlpLipschitzBound(const std::vector<double> &layerNorms) {
  double L = 1.0;
  for (double w : layerNorms)
    L *= w;
  return L;
}

} // namespace lipt_runtime
