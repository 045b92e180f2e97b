//===- LiptOps.cpp - lipt op verifiers and folders ------------------------===//
//
// Verifiers say which operand or attribute is wrong and why; every one has a
// case in test/Dialect/invalid.mlir. Folds are only the sound identities.
//
//===----------------------------------------------------------------------===//

#include "lipt/Dialect/LiptOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include <cmath>

using namespace mlir;
using namespace mlir::lipt;

#define GET_OP_CLASSES
#include "lipt/Dialect/LiptOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Shared checks
//===----------------------------------------------------------------------===//

namespace {
/// Weights are [fan_out, fan_in] or batches of them.
LogicalResult verifyWeight(Operation *op, Value weight, StringRef what) {
  auto type = cast<RankedTensorType>(weight.getType());
  if (type.getRank() < 2)
    return op->emitOpError()
           << "expects " << what
           << " to be a matrix [fan_out, fan_in] or a batch of matrices "
              "(rank >= 2), got rank "
           << type.getRank();
  return success();
}

double toDouble(FloatAttr attr) { return attr.getValueAsDouble(); }

LogicalResult verifyFinite(Operation *op, StringRef name, double v) {
  if (!std::isfinite(v))
    return op->emitOpError() << "attribute '" << name << "' must be finite";
  return success();
}

LogicalResult verifyPositive(Operation *op, StringRef name, double v,
                             StringRef why) {
  if (failed(verifyFinite(op, name, v)))
    return failure();
  if (!(v > 0.0))
    return op->emitOpError() << "attribute '" << name << "' must be > 0 ("
                             << why << "), got " << v;
  return success();
}

LogicalResult verifyNonNegative(Operation *op, StringRef name, double v,
                                StringRef why) {
  if (failed(verifyFinite(op, name, v)))
    return failure();
  if (v < 0.0)
    return op->emitOpError() << "attribute '" << name << "' must be >= 0 ("
                             << why << "), got " << v;
  return success();
}

/// The lowering unrolls power iteration (its output is linalg/tensor/arith/
/// math only, no loops), so the count is bounded; 16 cold and 1-2 warm
/// iterations are the notes' figures.
constexpr int64_t kMaxIters = 1024;

LogicalResult verifyIters(Operation *op, IntegerAttr iters) {
  if (iters.getInt() < 1 || iters.getInt() > kMaxIters)
    return op->emitOpError()
           << "attribute 'iters' must be in [1, " << kMaxIters
           << "] (number of power iterations, unrolled by the lowering), got "
           << iters.getInt();
  return success();
}

LogicalResult verifyDecay(Operation *op, StringRef name, double wd) {
  if (failed(verifyFinite(op, name, wd)))
    return failure();
  if (wd < 0.0 || wd >= 1.0)
    return op->emitOpError()
           << "attribute '" << name
           << "' must be in [0, 1) (the weight is scaled by 1 - " << name
           << "), got " << wd;
  return success();
}

constexpr StringLiteral kSigmaMaxWhy = "a norm bound";

/// beta-like attributes: the fraction of the old average kept, in [0, 1).
LogicalResult verifyAveraging(Operation *op, StringRef name, double v,
                              StringRef why = "an averaging factor") {
  if (failed(verifyFinite(op, name, v)))
    return failure();
  if (v < 0.0 || v >= 1.0)
    return op->emitOpError() << "attribute '" << name << "' must be in [0, 1) ("
                             << why << "), got " << v;
  return success();
}

/// A step op's constraint attributes: sigma_max exactly when constrained,
/// and positive; hard_cap_method only for a hard cap.
LogicalResult verifyStepConstraint(Operation *op, ConstraintKind kind,
                                   FloatAttr sigmaMax,
                                   HardCapMethodAttr method) {
  bool constrained = kind != ConstraintKind::none;
  if (constrained && !sigmaMax)
    return op->emitOpError() << "constraint " << stringifyConstraintKind(kind)
                             << " needs attribute 'sigma_max'";
  if (!constrained && sigmaMax)
    return op->emitOpError()
           << "attribute 'sigma_max' is given but constraint is none; set "
              "'constraint' or drop 'sigma_max'";
  if (sigmaMax &&
      failed(verifyPositive(op, "sigma_max", toDouble(sigmaMax), kSigmaMaxWhy)))
    return failure();
  if (method && kind != ConstraintKind::hard_cap)
    return op->emitOpError() << "attribute 'hard_cap_method' needs constraint "
                                "= hard_cap";
  return success();
}

/// The soft cap can only guarantee sigma <= sigma_max after steps that grow
/// the weight by at most a factor softCapCouplingLimit() (~2.6).
LogicalResult verifyCouplingAchievable(Operation *op, double sigmaMax,
                                       double updateNorm, double wd) {
  std::string problem =
      ::lipt_runtime::softCapCouplingProblem(sigmaMax, updateNorm, wd);
  if (problem.empty())
    return success();
  return op->emitOpError() << problem;
}
} // namespace

//===----------------------------------------------------------------------===//
// SpectralSoftCapOp
//===----------------------------------------------------------------------===//

LogicalResult SpectralSoftCapOp::verify() {
  if (failed(verifyWeight(*this, getWeight(), "the weight")))
    return failure();
  if (auto sigmaMax = getSigmaMaxAttr())
    if (failed(verifyPositive(*this, "sigma_max", toDouble(sigmaMax),
                              kSigmaMaxWhy)))
      return failure();
  if (auto alpha = getAlphaAttr()) {
    if (getLrAttr() || getWdAttr())
      return emitOpError()
             << "takes either 'alpha', or 'sigma_max' with 'lr' (and "
                "optionally 'wd') to derive alpha by Theorem 3.1; not both";
    return verifyNonNegative(*this, "alpha", toDouble(alpha),
                             "a negative strength amplifies singular values");
  }
  if (!getSigmaMaxAttr() || !getLrAttr())
    return emitOpError()
           << "needs 'alpha', or 'sigma_max' with 'lr' (and optionally 'wd') "
              "to derive alpha by Theorem 3.1";
  if (failed(verifyNonNegative(*this, "lr", toDouble(getLrAttr()),
                               "the norm of the preceding update")))
    return failure();
  double wd = getWdAttr() ? toDouble(getWdAttr()) : 0.0;
  if (getWdAttr() && failed(verifyDecay(*this, "wd", wd)))
    return failure();
  return verifyCouplingAchievable(*this, toDouble(getSigmaMaxAttr()),
                                  toDouble(getLrAttr()), wd);
}

double SpectralSoftCapOp::getEffectiveAlpha() {
  if (auto alpha = getAlphaAttr())
    return toDouble(alpha);
  double wd = getWdAttr() ? toDouble(getWdAttr()) : 0.0;
  // The verifier guarantees the coupling is achievable.
  return ::lipt_runtime::softCapCouplingAlpha(
             ::lipt_runtime::softCapCouplingK(toDouble(getSigmaMaxAttr()),
                                              toDouble(getLrAttr()), wd))
      .value_or(std::nan(""));
}

OpFoldResult SpectralSoftCapOp::fold(FoldAdaptor) {
  // p1 = p2 = identity when the strength is zero (also when the coupling
  // says the step cannot have grown the weight past its bound).
  if (getEffectiveAlpha() == 0.0)
    return getWeight();
  return {};
}

//===----------------------------------------------------------------------===//
// SpectralHardCapOp
//===----------------------------------------------------------------------===//

LogicalResult SpectralHardCapOp::verify() {
  if (failed(verifyWeight(*this, getWeight(), "the weight")) ||
      failed(verifyPositive(*this, "sigma_max", toDouble(getSigmaMaxAttr()),
                            kSigmaMaxWhy)))
    return failure();
  if (getScheduleAttr() && getMethod() != HardCapMethod::msign)
    return emitOpError() << "attribute 'schedule' is only used by "
                            "method = msign (the polynomial method has fixed "
                            "coefficients)";
  return success();
}

//===----------------------------------------------------------------------===//
// OrthogonalizeOp
//===----------------------------------------------------------------------===//

LogicalResult OrthogonalizeOp::verify() {
  if (failed(verifyWeight(*this, getInput(), "the input")))
    return failure();
  return verifyPositive(*this, "eps", toDouble(getEpsAttr()),
                        "it guards the Frobenius normalisation of a zero "
                        "input");
}

//===----------------------------------------------------------------------===//
// PowerIterationOp
//===----------------------------------------------------------------------===//

LogicalResult PowerIterationOp::verify() {
  if (failed(verifyWeight(*this, getWeight(), "the weight")) ||
      failed(verifyIters(*this, getItersAttr())))
    return failure();
  auto w = cast<RankedTensorType>(getWeight().getType());
  ArrayRef<int64_t> shape = w.getShape();
  ArrayRef<int64_t> batch = shape.drop_back(2);
  int64_t m = shape[shape.size() - 2], n = shape.back();
  auto expect = [&](Value v, StringRef name, ArrayRef<int64_t> want,
                    StringRef meaning) -> LogicalResult {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getElementType() != w.getElementType())
      return emitOpError() << name << " must have the weight's element type "
                           << w.getElementType() << ", got "
                           << t.getElementType();
    if (t.getShape() != want) {
      RankedTensorType wantType =
          RankedTensorType::get(want, t.getElementType());
      return emitOpError() << name << " must be " << meaning << ": " << wantType
                           << " for weight " << w << ", got " << t;
    }
    return success();
  };
  SmallVector<int64_t> vecN(batch), vecM(batch);
  vecN.push_back(n);
  vecM.push_back(m);
  if (failed(expect(getStart(), "start vector", vecN,
                    "batch dims followed by fan_in")) ||
      failed(expect(getSigma(), "result sigma", batch,
                    "one value per matrix (the batch dims)")) ||
      failed(
          expect(getU(), "result u", vecM, "batch dims followed by fan_out")) ||
      failed(expect(getV(), "result v", vecN, "batch dims followed by fan_in")))
    return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// Power-iteration based constraints
//===----------------------------------------------------------------------===//

namespace {
/// Hammer and normalize: a weight, a bound and a power-iteration count.
template <typename OpTy> LogicalResult verifyBoundedPowerIteration(OpTy op) {
  if (failed(verifyWeight(op, op.getWeight(), "the weight")) ||
      failed(verifyIters(op, op.getItersAttr())))
    return failure();
  return verifyPositive(op, "sigma_max", toDouble(op.getSigmaMaxAttr()),
                        kSigmaMaxWhy);
}
} // namespace

LogicalResult SpectralHammerOp::verify() {
  return verifyBoundedPowerIteration(*this);
}

LogicalResult SpectralNormalizeOp::verify() {
  return verifyBoundedPowerIteration(*this);
}

LogicalResult SpectralWeightDecayOp::verify() {
  if (failed(verifyWeight(*this, getWeight(), "the weight")) ||
      failed(verifyIters(*this, getItersAttr())))
    return failure();
  double rate = toDouble(getRateAttr());
  if (failed(verifyFinite(*this, "rate", rate)))
    return failure();
  if (rate < 0.0 || rate > 1.0)
    return emitOpError() << "attribute 'rate' must be in [0, 1] (sigma_1 "
                            "becomes (1 - rate) sigma_1), got "
                         << rate;
  return success();
}

OpFoldResult SpectralWeightDecayOp::fold(FoldAdaptor) {
  if (toDouble(getRateAttr()) == 0.0)
    return getWeight();
  return {};
}

//===----------------------------------------------------------------------===//
// OddPolynomialOp
//===----------------------------------------------------------------------===//

LogicalResult OddPolynomialOp::verify() {
  if (failed(verifyWeight(*this, getWeight(), "the weight")))
    return failure();
  ArrayRef<double> c = getCoefficients();
  if (c.empty())
    return emitOpError() << "attribute 'coefficients' must not be empty (q "
                            "needs at least its constant term)";
  for (double v : c)
    if (!std::isfinite(v))
      return emitOpError() << "attribute 'coefficients' must be finite";
  return success();
}

//===----------------------------------------------------------------------===//
// RmsProjectOp
//===----------------------------------------------------------------------===//

int64_t RmsProjectOp::getReducedAxis() {
  if (auto axis = getAxisAttr())
    return axis.getInt();
  return cast<RankedTensorType>(getWeight().getType()).getRank() - 1;
}

LogicalResult RmsProjectOp::verify() {
  if (failed(verifyWeight(*this, getWeight(), "the weight")) ||
      failed(verifyPositive(*this, "max_rms", toDouble(getMaxRmsAttr()),
                            "a norm bound")))
    return failure();
  int64_t rank = cast<RankedTensorType>(getWeight().getType()).getRank();
  int64_t axis = getReducedAxis();
  if (axis < 0 || axis >= rank)
    return emitOpError() << "attribute 'axis' must be a dimension of the "
                            "weight, in [0, "
                         << rank << "), got " << axis;
  return success();
}

//===----------------------------------------------------------------------===//
// MuonStepOp
//===----------------------------------------------------------------------===//

/// The step_scalars operands: [lr] or, for a soft cap, [lr, alpha].
static LogicalResult verifyStepScalars(MuonStepOp op) {
  size_t n = op.getStepScalars().size();
  bool softCap = op.getConstraint() == ConstraintKind::soft_cap;
  if (n == 0) {
    if (!op.getLrAttr())
      return op.emitOpError() << "needs a learning rate: attribute 'lr', or "
                                 "an lr operand (step_scalars)";
    return success();
  }
  if (op.getLrAttr())
    return op.emitOpError() << "takes the learning rate once: attribute 'lr' "
                               "or an lr operand, not both";
  size_t expected = softCap ? 2 : 1;
  if (n != expected)
    return op.emitOpError()
           << "with an lr operand takes " << expected << " step scalar"
           << (softCap ? "s (lr, then the soft cap's strength alpha)"
                       : " (lr; only a soft cap adds its strength)")
           << ", got " << n;
  return success();
}

LogicalResult MuonStepOp::verify() {
  if (failed(verifyWeight(*this, getWeight(), "the weight")) ||
      failed(verifyIters(*this, getItersAttr())) ||
      failed(verifyStepScalars(*this)) ||
      failed(verifyNonNegative(*this, "wd", toDouble(getWdAttr()),
                               "a weight-decay coefficient")) ||
      failed(verifyPositive(*this, "target_norm", toDouble(getTargetNormAttr()),
                            "the module's share of the learning rate")))
    return failure();
  if (getLrAttr() &&
      failed(verifyNonNegative(*this, "lr", toDouble(getLrAttr()),
                               "a learning rate")))
    return failure();
  if (failed(verifyAveraging(*this, "beta", toDouble(getBetaAttr()),
                             "momentum averaging factor")))
    return failure();
  if (getLrAttr()) {
    double decay = toDouble(getWdAttr()) * toDouble(getLrAttr()) *
                   toDouble(getTargetNormAttr());
    if (decay >= 1.0)
      return emitOpError() << "wd * lr * target_norm must be < 1 (the weight "
                              "is scaled by 1 minus it), got "
                           << decay;
  }
  if (failed(verifyStepConstraint(*this, getConstraint(), getSigmaMaxAttr(),
                                  getHardCapMethodAttr())))
    return failure();
  if (getConstraint() == ConstraintKind::soft_cap && getLrAttr()) {
    ::lipt_runtime::MuonCoupling p = getSoftCapCoupling();
    return verifyCouplingAchievable(*this, toDouble(getSigmaMaxAttr()),
                                    p.updateNorm, p.decay);
  }
  return success();
}

ScheduleAttr MuonStepOp::getEffectiveSchedule() {
  if (ScheduleAttr s = getScheduleAttr())
    return s;
  return ScheduleAttr::getNamed(getContext(), "muon5");
}

::lipt_runtime::MuonStepShape MuonStepOp::getStepShape() {
  auto type = cast<RankedTensorType>(getWeight().getType());
  int64_t rank = type.getRank();
  ScheduleAttr schedule = getEffectiveSchedule();
  ::lipt_runtime::MuonStepShape shape;
  shape.rows = type.getDimSize(rank - 2);
  shape.cols = type.getDimSize(rank - 1);
  shape.wd = toDouble(getWdAttr());
  shape.targetNorm = toDouble(getTargetNormAttr());
  // Theorem 3.1's premise uses the schedule's measured maximal gain: its
  // output can exceed 1 (muon5: 1.2).
  shape.scheduleGain = ::lipt_runtime::scheduleMaxGain(
      schedule.getSteps(), schedule.getFrobeniusScale());
  shape.rmsNorm = getNorm() == NormKind::rms;
  return shape;
}

::lipt_runtime::MuonCoupling MuonStepOp::getSoftCapCoupling() {
  return ::lipt_runtime::muonStepCoupling(getStepShape(),
                                          toDouble(getLrAttr()));
}

//===----------------------------------------------------------------------===//
// AdamwStepOp
//===----------------------------------------------------------------------===//

LogicalResult AdamwStepOp::verify() {
  if (failed(verifyWeight(*this, getWeight(), "the weight")) ||
      failed(verifyIters(*this, getItersAttr())) ||
      failed(verifyAveraging(*this, "beta", toDouble(getBetaAttr()))) ||
      failed(verifyAveraging(*this, "beta2", toDouble(getBeta2Attr()))) ||
      failed(verifyNonNegative(*this, "wd", toDouble(getWdAttr()),
                               "a weight-decay coefficient")) ||
      failed(verifyPositive(*this, "eps", toDouble(getEpsAttr()),
                            "the denominator's floor")))
    return failure();
  if (getConstraint() == ConstraintKind::soft_cap)
    return emitOpError() << "takes no soft cap: its strength is coupled to "
                            "Muon's update norm (Theorem 3.1); use hard_cap, "
                            "normalize or hammer";
  return verifyStepConstraint(*this, getConstraint(), getSigmaMaxAttr(),
                              getHardCapMethodAttr());
}

//===----------------------------------------------------------------------===//
// RowNormalizedStepOp
//===----------------------------------------------------------------------===//

LogicalResult RowNormalizedStepOp::verify() {
  if (failed(verifyWeight(*this, getWeight(), "the weight")) ||
      failed(verifyAveraging(*this, "beta", toDouble(getBetaAttr()))) ||
      failed(verifyNonNegative(*this, "wd", toDouble(getWdAttr()),
                               "a weight-decay coefficient")) ||
      failed(verifyPositive(*this, "target_norm", toDouble(getTargetNormAttr()),
                            "the module's share of the learning rate")) ||
      failed(verifyPositive(*this, "max_inflation",
                            toDouble(getMaxInflationAttr()),
                            "the largest gain of a row's normalisation")) ||
      failed(verifyPositive(*this, "max_rms", toDouble(getMaxRmsAttr()),
                            "a row's RMS bound")))
    return failure();
  return success();
}
