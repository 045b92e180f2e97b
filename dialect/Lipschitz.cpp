//===- Lipschitz.cpp - each lipt op's part of the certified bound ---------===//
//
// paper-notes, "Certified Lipschitz bound": the formulas are Certify.h's, the
// same the host certificate composes, so --lipt-certify and lipt-run
// --certify agree number for number.
//
//===----------------------------------------------------------------------===//

#include "lipt/Dialect/LiptOps.h"
#include "lipt/Runtime/SpectralMath.h"

#include <cmath>

using namespace mlir;
using namespace mlir::lipt;
namespace rt = ::lipt_runtime;

#include "lipt/Dialect/LiptInterfaces.cpp.inc"

LipschitzContext::~LipschitzContext() = default;

LogicalResult LipschitzContext::breaks(Operation *op, const Twine &why) {
  if (!breakingOp) {
    breakingOp = op;
    reason = why.str();
  }
  return failure();
}

namespace {

/// The RMS->RMS bound a model op's constraint attributes promise for its
/// weights, as training enforces them (rt::guaranteedCap), or why they
/// promise none.
template <typename ModelOp> WeightCap capOf(ModelOp op) {
  WeightCap cap;
  FloatAttr sigmaMax = op.getSigmaMaxAttr();
  cap.bound =
      rt::guaranteedCap(static_cast<rt::ConstraintKind>(op.getConstraint()),
                        sigmaMax ? sigmaMax.getValueAsDouble() : 0.0,
                        trainsPolynomialHardCap(op), cap.why);
  return cap;
}

/// The norms of `ops`' weights, in order; failure when one is unknown.
FailureOr<SmallVector<double>> normsOf(LipschitzContext &context,
                                       Operation *user, ValueRange weights,
                                       const WeightCap &cap) {
  SmallVector<double> out;
  for (Value w : weights) {
    FailureOr<double> n = context.weightNorm(user, w, cap);
    if (failed(n))
      return failure();
    out.push_back(*n);
  }
  return out;
}

LipschitzStep linearStep(double lipschitz, double inputBound) {
  return {lipschitz, lipschitz * inputBound};
}

/// sqrt(fan_in / fan_out) of a [..., fan_out, fan_in] weight: a spectral
/// bound times this is an RMS->RMS bound.
double rmsPerSpectral(Type type) {
  auto t = cast<RankedTensorType>(type);
  int64_t r = t.getRank();
  return std::sqrt(double(t.getDimSize(r - 1)) / double(t.getDimSize(r - 2)));
}

} // namespace

//===----------------------------------------------------------------------===//
// Activation maps
//===----------------------------------------------------------------------===//

FailureOr<LipschitzStep> EmbedOp::getLipschitzStep(LipschitzContext &, double) {
  // The bound is with respect to the embedded input, on the domain of
  // sequences whose tokens have RMS norm <= 1 (where Muon keeps the
  // embedding's rows).
  return LipschitzStep{1.0, 1.0};
}

FailureOr<LipschitzStep> LinearOp::getLipschitzStep(LipschitzContext &context,
                                                    double inputBound) {
  FailureOr<double> w = context.weightNorm(*this, getWeight(), capOf(*this));
  if (failed(w))
    return failure();
  return linearStep(*w, inputBound);
}

FailureOr<LipschitzStep>
AttentionOp::getLipschitzStep(LipschitzContext &context, double inputBound) {
  FailureOr<SmallVector<double>> w = normsOf(
      context, *this, {getWq(), getWk(), getWv(), getWo()}, capOf(*this));
  if (failed(w))
    return failure();
  rt::BlockNorms n;
  n.q = (*w)[0], n.k = (*w)[1], n.v = (*w)[2], n.o = (*w)[3];
  return LipschitzStep{
      rt::attentionLipschitz(n, inputBound, getSoftmaxScale().convertToDouble(),
                             context.variant),
      rt::attentionGain(n) * inputBound};
}

FailureOr<LipschitzStep> MlpOp::getLipschitzStep(LipschitzContext &context,
                                                 double inputBound) {
  FailureOr<SmallVector<double>> w =
      normsOf(context, *this, {getWIn(), getWOut()}, capOf(*this));
  if (failed(w))
    return failure();
  rt::BlockNorms n;
  n.mlpIn = (*w)[0], n.mlpOut = (*w)[1];
  return LipschitzStep{rt::mlpLipschitz(n, context.variant),
                       rt::mlpGain(n) * inputBound};
}

FailureOr<LipschitzStep>
LayerNormOp::getLipschitzStep(LipschitzContext &context, double) {
  return context.breaks(*this, "layer_norm's Lipschitz constant grows as "
                               "1/sqrt(eps): no useful bound is certified");
}

FailureOr<LipschitzStep> HeadOp::getLipschitzStep(LipschitzContext &context,
                                                  double inputBound) {
  WeightCap cap{std::nullopt,
                "only Muon training bounds its rows (lipt.train's optimizer "
                "is not muon)"};
  if (context.trainedRowRms)
    cap.bound = rt::rowRmsNormBound(*context.trainedRowRms,
                                    getWeight().getType().getDimSize(1));
  FailureOr<double> w = context.weightNorm(*this, getWeight(), cap);
  if (failed(w))
    return failure();
  return linearStep(std::abs(getFinalScale().convertToDouble()) * *w,
                    inputBound);
}

FailureOr<LipschitzStep>
ConvexResidualOp::getLipschitzStep(LipschitzContext &context,
                                   double inputBound) {
  FailureOr<LipschitzStep> branch = context.regionStep(getBody(), inputBound);
  if (failed(branch))
    return failure();
  double alpha = 1.0 / double(getBranches());
  return LipschitzStep{
      rt::convexResidualLipschitz(alpha, branch->lipschitz),
      rt::convexResidualBound(alpha, inputBound, branch->outputBound)};
}

//===----------------------------------------------------------------------===//
// Weight maps: what each guarantees about its result, for every input
//===----------------------------------------------------------------------===//

FailureOr<double> SpectralHardCapOp::getResultNormBound(std::string &why) {
  if (getMethod() != HardCapMethod::polynomial) {
    why = "msign is computed by a polynomial schedule that approximates the "
          "sign, so the result's norm is not bounded by sigma_max for every "
          "input (method = polynomial is)";
    return failure();
  }
  // Rescaled into the polynomial's range first, then at most 1.0109 times
  // the spectral bound (LiptOps.td).
  double spectral =
      getSigmaMax().convertToDouble() * rt::kHardCapPolynomialMaxOutput;
  return getNorm() == NormKind::rms ? spectral
                                    : spectral * rmsPerSpectral(getType());
}

FailureOr<double> RmsProjectOp::getResultNormBound(std::string &why) {
  // Slices along either matrix axis with RMS <= m give ||W||_F <= m
  // sqrt(fan_out fan_in), so ||W||_rr <= m fan_in.
  int64_t rank = getType().getRank(), axis = getReducedAxis();
  if (axis < rank - 2) {
    why = "it projects slices along a batch dimension";
    return failure();
  }
  return rt::rowRmsNormBound(getMaxRms().convertToDouble(),
                             getType().getDimSize(rank - 1));
}

FailureOr<double> SpectralSoftCapOp::getResultNormBound(std::string &why) {
  why = "a soft cap bounds a weight only inside the Muon step it is coupled "
        "to (Theorem 3.1), not on its own";
  return failure();
}

FailureOr<double> SpectralNormalizeOp::getResultNormBound(std::string &why) {
  why = "it divides by a power-iteration estimate of sigma_1, which can be "
        "below sigma_1";
  return failure();
}

FailureOr<double> SpectralHammerOp::getResultNormBound(std::string &why) {
  why = "it corrects only the singular value a power iteration finds";
  return failure();
}

FailureOr<double> SpectralWeightDecayOp::getResultNormBound(std::string &why) {
  why = "weight decay shrinks the top singular value without bounding it";
  return failure();
}

FailureOr<double> OddPolynomialOp::getResultNormBound(std::string &why) {
  why = "an odd polynomial bounds singular values only on the range its "
        "coefficients were fitted for";
  return failure();
}
