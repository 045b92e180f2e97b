//===- LiptToLinalgPatterns.cpp - lipt -> linalg/tensor/arith/math --------===//
//
// One pattern per op. Each converts its operands to the batched compute form
// (MatrixBuilder), applies the map of shared/docs/paper-notes.md, and
// converts back. Bounds given in RMS->RMS units are turned into spectral
// bounds here, once: sigma <= sigma_max * sqrt(fan_out / fan_in).
//
//===----------------------------------------------------------------------===//

#include "MatrixBuilder.h"
#include "lipt/Dialect/LiptOps.h"
#include "lipt/Passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/PatternMatch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::lipt;

namespace {

/// The bound on sigma_1 that `sigmaMax` in unit `norm` means for a weight of
/// type `type` ([..., fan_out, fan_in]).
double spectralBound(RankedTensorType type, double sigmaMax, NormKind norm) {
  if (norm == NormKind::spectral)
    return sigmaMax;
  int64_t rank = type.getRank();
  double fanOut = type.getDimSize(rank - 2), fanIn = type.getDimSize(rank - 1);
  return sigmaMax * std::sqrt(fanOut / fanIn);
}

double toDouble(FloatAttr a) { return a.getValueAsDouble(); }

/// Replaces a weight -> weight op: `input` in the batched compute form goes
/// through `fn`, and the result comes back to the op's type. The skeleton
/// every matrix-map lowering shares.
template <typename Fn>
void replaceWithBatchedMap(Operation *op, PatternRewriter &rw, Value input,
                           Fn fn) {
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  MatrixBuilder mb(rw, op->getLoc(), type.getElementType());
  rw.replaceOp(op, mb.fromBatched(fn(mb, mb.toBatched(input)), type));
}

/// Frobenius normalisation followed by the schedule's steps.
Value orthogonalize(MatrixBuilder &mb, Value x, ScheduleAttr schedule,
                    double eps) {
  x = mb.frobeniusNormalize(x, schedule.getFrobeniusScale(), eps);
  for (const ::lipt_runtime::PolyStep &step : schedule.getSteps())
    x = mb.polyStep(x, step);
  return x;
}

struct LowerSoftCap : OpRewritePattern<SpectralSoftCapOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SpectralSoftCapOp op,
                                PatternRewriter &rw) const override {
    RankedTensorType type = op.getType();
    double bound =
        op.getSigmaMaxAttr()
            ? spectralBound(type, toDouble(op.getSigmaMaxAttr()), op.getNorm())
            : 1.0;
    // alpha acts on M = W / bound; on W it is alpha / bound^2 (p(x) is odd
    // with a cubic term), so W is never rescaled.
    double alpha = op.getEffectiveAlpha() / (bound * bound);
    replaceWithBatchedMap(op, rw, op.getWeight(),
                          [&](MatrixBuilder &mb, Value x) {
                            x = mb.polyStep(x, {1.0, -alpha, 0.0});   // p1
                            return mb.polyStep(x, {1.0, alpha, 0.0}); // p2
                          });
    return success();
  }
};

struct LowerHardCap : OpRewritePattern<SpectralHardCapOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SpectralHardCapOp op,
                                PatternRewriter &rw) const override {
    RankedTensorType type = op.getType();
    double s =
        spectralBound(type, toDouble(op.getSigmaMaxAttr()), op.getNorm());
    replaceWithBatchedMap(
        op, rw, op.getWeight(), [&](MatrixBuilder &mb, Value w) {
          return op.getMethod() == HardCapMethod::polynomial
                     ? polynomialCap(mb, w, s)
                     : msignCap(mb, w, s, op.getScheduleAttr());
        });
    return success();
  }

  /// paper-notes "Hard cap polynomial", on M = W / s folded into the
  /// coefficients: M (a + b A + c A^2) = W (a + b/s^2 A_W + c/s^4 A_W^2) / s.
  /// The map is only valid for sigma_1(M) <= R (kHardCapPolynomialRange), so
  /// W is first divided by max(1, u / R) with u >= sigma_1(M) an upper bound
  /// that costs one Gram matrix and its square: sigma_1^8 <= tr(A^4) =
  /// ||A^2||_F^2 for A = M^T M. u <= n^(1/8) when every singular value is at
  /// most 1 (2.0 at n = 256), so a weight the cap is meant for is not
  /// rescaled; one far outside comes out bounded instead of as NaN.
  static Value polynomialCap(MatrixBuilder &mb, Value w, double s) {
    bool wide = MatrixBuilder::isWide(w);
    Value gram = mb.matmul(w, w, /*transLhs=*/!wide, /*transRhs=*/wide);
    Value gram2 = mb.matmul(gram, gram, false, false);
    const double range = ::lipt_runtime::kHardCapPolynomialRange;
    // ||A_W^2||_F^(1/4) / s bounds sigma_1(M).
    w = mb.scalePerBatch(
        w, mb.norm(gram2), [&](OpBuilder &nb, Location nl, ValueRange v) {
          Value u = math::SqrtOp::create(
              nb, nl, math::SqrtOp::create(nb, nl, v[0]).getResult());
          Value limit = mb.constant(range * s);
          Value ratio = arith::DivFOp::create(nb, nl, u, limit);
          Value one = mb.constant(1.0);
          Value r = arith::MaximumFOp::create(nb, nl, ratio, one);
          return arith::DivFOp::create(nb, nl, one, r).getResult();
        });
    for (const ::lipt_runtime::PolyStep &st :
         ::lipt_runtime::hardCapPolynomialSteps())
      w = mb.polyStep(w, {st.a, st.b / (s * s), st.c / (s * s * s * s)});
    return w;
  }

  /// paper-notes "Exact hard cap via the matrix sign", on M = W / s:
  /// Q = msign(M), A = Q - M, cap(M) = 1/2 [Q + M - A msign(A)^T Q].
  static Value msignCap(MatrixBuilder &mb, Value w, double s,
                        ScheduleAttr schedule) {
    if (!schedule)
      schedule =
          ScheduleAttr::getNamed(mb.builder().getContext(), "msign_precise");
    const double eps = 1e-7;
    Value m = mb.axpby(1.0 / s, w, 0.0, nullptr);
    Value q = orthogonalize(mb, m, schedule, eps);
    Value a = mb.axpby(1.0, q, -1.0, m);
    Value qa = orthogonalize(mb, a, schedule, eps);
    Value half = mb.axpby(0.5, q, 0.5, m);
    Value negHalfA = mb.axpby(-0.5, a, 0.0, nullptr);
    // Associate the triple product on the small side: (A QA^T) Q is m x m
    // first when wide, A (QA^T Q) is n x n first when tall.
    Value capped = MatrixBuilder::isWide(w)
                       ? mb.matmul(mb.matmul(negHalfA, qa, false, true), q,
                                   false, false, half)
                       : mb.matmul(negHalfA, mb.matmul(qa, q, true, false),
                                   false, false, half);
    return mb.axpby(s, capped, 0.0, nullptr);
  }
};

struct LowerOrthogonalize : OpRewritePattern<OrthogonalizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(OrthogonalizeOp op,
                                PatternRewriter &rw) const override {
    replaceWithBatchedMap(op, rw, op.getInput(),
                          [&](MatrixBuilder &mb, Value x) {
                            return orthogonalize(mb, x, op.getSchedule(),
                                                 toDouble(op.getEpsAttr()));
                          });
    return success();
  }
};

struct LowerPowerIteration : OpRewritePattern<PowerIterationOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PowerIterationOp op,
                                PatternRewriter &rw) const override {
    auto wType = cast<RankedTensorType>(op.getWeight().getType());
    MatrixBuilder mb(rw, op.getLoc(), wType.getElementType());
    MatrixBuilder::Triple t = mb.powerIteration(
        mb.toBatched(op.getWeight()), mb.vectorToBatched(op.getStart()),
        op.getItersAttr().getInt());
    rw.replaceOp(op, {mb.scalarsFromBatched(t.sigma, op.getSigma().getType()),
                      mb.vectorFromBatched(t.u, op.getU().getType()),
                      mb.vectorFromBatched(t.v, op.getV().getType())});
    return success();
  }
};

/// Shared by hammer, normalize and spectral weight decay: batched weight and
/// its top singular triple from the default start vector.
template <typename OpTy>
struct PowerIterationConstraint : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op, PatternRewriter &rw) const override {
    replaceWithBatchedMap(
        op, rw, op.getWeight(), [&](MatrixBuilder &mb, Value w) {
          ArrayRef<int64_t> shape = shapeOf(w);
          MatrixBuilder::Triple t =
              mb.powerIteration(w, mb.defaultStartVector(shape[0], shape[2]),
                                op.getItersAttr().getInt());
          return apply(op, mb, w, t);
        });
    return success();
  }
  static Value apply(OpTy op, MatrixBuilder &mb, Value w,
                     const MatrixBuilder::Triple &t);
};

// Hammer: W + (s - sigma_1) u v^T.
template <>
Value PowerIterationConstraint<SpectralHammerOp>::apply(
    SpectralHammerOp op, MatrixBuilder &mb, Value w,
    const MatrixBuilder::Triple &t) {
  Value s = mb.constant(spectralBound(
      op.getType(), toDouble(op.getSigmaMaxAttr()), op.getNorm()));
  Value coef = mb.map(
      t.sigma, shapeOf(t.sigma), [&](OpBuilder &nb, Location nl, ValueRange v) {
        return arith::SubFOp::create(nb, nl, s, v[0]).getResult();
      });
  return mb.rankOneUpdate(w, coef, t.u, t.v);
}

// Normalize: W / max(1, sigma_1 / s).
template <>
Value PowerIterationConstraint<SpectralNormalizeOp>::apply(
    SpectralNormalizeOp op, MatrixBuilder &mb, Value w,
    const MatrixBuilder::Triple &t) {
  Value s = mb.constant(spectralBound(
      op.getType(), toDouble(op.getSigmaMaxAttr()), op.getNorm()));
  Value one = mb.constant(1.0);
  return mb.scalePerBatch(
      w, t.sigma, [&](OpBuilder &nb, Location nl, ValueRange v) {
        Value r = arith::DivFOp::create(nb, nl, v[0], s);
        r = arith::MaximumFOp::create(nb, nl, r, one);
        return arith::DivFOp::create(nb, nl, one, r).getResult();
      });
}

// Spectral weight decay: W - rate sigma_1 u v^T.
template <>
Value PowerIterationConstraint<SpectralWeightDecayOp>::apply(
    SpectralWeightDecayOp op, MatrixBuilder &mb, Value w,
    const MatrixBuilder::Triple &t) {
  Value negRate = mb.constant(-toDouble(op.getRateAttr()));
  Value coef = mb.map(
      t.sigma, shapeOf(t.sigma), [&](OpBuilder &nb, Location nl, ValueRange v) {
        return arith::MulFOp::create(nb, nl, negRate, v[0]).getResult();
      });
  return mb.rankOneUpdate(w, coef, t.u, t.v);
}

struct LowerOddPolynomial : OpRewritePattern<OddPolynomialOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(OddPolynomialOp op,
                                PatternRewriter &rw) const override {
    replaceWithBatchedMap(op, rw, op.getWeight(),
                          [&](MatrixBuilder &mb, Value x) {
                            return mb.oddPolynomial(x, op.getCoefficients());
                          });
    return success();
  }
};

/// The sum of squares of `x` over `axis`, indexed by every other dim, and
/// the map from x's dims to it.
std::pair<Value, AffineMap> sumOfSquaresAlong(MatrixBuilder &mb, Value x,
                                              int64_t axis) {
  OpBuilder &b = mb.builder();
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  SmallVector<AffineExpr> kept;
  SmallVector<int64_t> keptShape;
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis) {
      kept.push_back(b.getAffineDimExpr(d));
      keptShape.push_back(type.getDimSize(d));
    }
  AffineMap dropAxis = AffineMap::get(rank, 0, kept, b.getContext());
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  iters[axis] = utils::IteratorType::reduction;
  Value ss = mb.multiplyAccumulate(
      x, x, {mb.identity(rank), mb.identity(rank), dropAxis}, iters,
      mb.zeros(keptShape));
  return {ss, dropAxis};
}

struct LowerRmsProject : OpRewritePattern<RmsProjectOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(RmsProjectOp op,
                                PatternRewriter &rw) const override {
    RankedTensorType type = op.getType();
    MatrixBuilder mb(rw, op.getLoc(), type.getElementType());
    Value x = mb.convertElementType(op.getWeight(), mb.computeType());
    int64_t rank = type.getRank(), axis = op.getReducedAxis();
    auto [ss, dropAxis] = sumOfSquaresAlong(mb, x, axis);

    // x / max(1, rms / max_rms), rms = sqrt(ss / len).
    Value invLen = mb.constant(1.0 / double(type.getDimSize(axis)));
    Value invMax = mb.constant(1.0 / toDouble(op.getMaxRmsAttr()));
    Value one = mb.constant(1.0);
    Value y =
        mb.map({x, ss}, type.getShape(),
               [&](OpBuilder &nb, Location nl, ValueRange a) {
                 Value ms = arith::MulFOp::create(nb, nl, a[1], invLen);
                 Value r = math::SqrtOp::create(nb, nl, ms);
                 r = arith::MulFOp::create(nb, nl, r, invMax);
                 r = arith::MaximumFOp::create(nb, nl, r, one);
                 return arith::DivFOp::create(nb, nl, a[0], r).getResult();
               },
               {mb.identity(rank), dropAxis});
    rw.replaceOp(op, mb.convertElementType(y, type.getElementType()));
    return success();
  }
};

/// The constraints that do not depend on the step (hard cap, hammer,
/// normalize) on a stepped batched weight; `stepped` itself for none.
Value constrainStepped(PatternRewriter &rw, Location loc, Value stepped,
                       ConstraintKind kind, FloatAttr sigmaMax, NormKind norm,
                       HardCapMethodAttr method, IntegerAttr iters) {
  auto type = cast<RankedTensorType>(stepped.getType());
  auto normAttr = NormKindAttr::get(rw.getContext(), norm);
  switch (kind) {
  case ConstraintKind::hard_cap:
    if (!method)
      method = HardCapMethodAttr::get(rw.getContext(), HardCapMethod::msign);
    return SpectralHardCapOp::create(rw, loc, type, stepped, sigmaMax, method,
                                     ScheduleAttr(), normAttr);
  case ConstraintKind::hammer:
    return SpectralHammerOp::create(rw, loc, type, stepped, sigmaMax, iters,
                                    normAttr);
  case ConstraintKind::normalize:
    return SpectralNormalizeOp::create(rw, loc, type, stepped, sigmaMax, iters,
                                       normAttr);
  case ConstraintKind::none:
  case ConstraintKind::soft_cap:
    break;
  }
  return stepped;
}

/// Decomposes the Muon step into lipt.orthogonalize, elementwise updates and
/// the constraint op, on the batched compute form; those are then lowered by
/// their own patterns.
struct DecomposeMuonStep : OpRewritePattern<MuonStepOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MuonStepOp op,
                                PatternRewriter &rw) const override {
    auto type = cast<RankedTensorType>(op.getWeight().getType());
    MLIRContext *ctx = rw.getContext();
    Location loc = op.getLoc();
    MatrixBuilder mb(rw, loc, type.getElementType());
    Value w = mb.toBatched(op.getWeight());
    Value g = mb.toBatched(op.getGrad());
    Value mom = mb.toBatched(op.getMomentum());
    auto batchedType = cast<RankedTensorType>(w.getType());

    double beta = toDouble(op.getBetaAttr());
    double wd = toDouble(op.getWdAttr()), tn = toDouble(op.getTargetNormAttr());
    int64_t rank = type.getRank();
    // sqrt(fan_out / fan_in): msign has spectral norm 1, RMS->RMS norm
    // sqrt(fan_in / fan_out); this factor gives the update RMS->RMS norm 1.
    double c = std::sqrt(double(type.getDimSize(rank - 2)) /
                         double(type.getDimSize(rank - 1)));

    // paper-notes "Muon step with a constraint".
    Value newMom = mb.axpby(beta, mom, 1.0 - beta, g);
    Value dir =
        op.getNesterov() ? mb.axpby(beta, newMom, 1.0 - beta, g) : newMom;
    ScheduleAttr schedule = op.getEffectiveSchedule();
    Value ortho = OrthogonalizeOp::create(rw, loc, batchedType, dir, schedule,
                                          rw.getF64FloatAttr(1e-7));
    // W <- (1 - wd lr tn) W - lr c tn O, with lr fixed or an operand.
    Value stepped;
    if (Value lrOperand = op.getLrOperand()) {
      Value lr = mb.scalarOf(lrOperand);
      auto times = [&](double k, Value v) {
        return arith::MulFOp::create(rw, loc, mb.constant(k), v).getResult();
      };
      Value keep =
          arith::SubFOp::create(rw, loc, mb.constant(1.0), times(wd * tn, lr));
      stepped = mb.axpby(keep, w, times(-c * tn, lr), ortho);
    } else {
      double lr = toDouble(op.getLrAttr());
      stepped = mb.axpby(1.0 - wd * lr * tn, w, -lr * c * tn, ortho);
    }

    Value constrained = stepped;
    FloatAttr sigmaMax = op.getSigmaMaxAttr();
    auto normAttr = NormKindAttr::get(ctx, op.getNorm());
    switch (op.getConstraint()) {
    case ConstraintKind::none:
      break;
    case ConstraintKind::soft_cap: {
      if (Value alpha = op.getSoftCapAlphaOperand()) {
        constrained = dynamicSoftCap(
            mb, stepped, mb.scalarOf(alpha),
            spectralBound(type, toDouble(sigmaMax), op.getNorm()));
        break;
      }
      ::lipt_runtime::MuonCoupling p = op.getSoftCapCoupling();
      constrained = SpectralSoftCapOp::create(
          rw, loc, batchedType, stepped, /*alpha=*/FloatAttr(), sigmaMax,
          rw.getF64FloatAttr(p.updateNorm), rw.getF64FloatAttr(p.decay),
          normAttr);
      break;
    }
    default:
      constrained = constrainStepped(
          rw, loc, stepped, op.getConstraint(), sigmaMax, op.getNorm(),
          op.getHardCapMethodAttr(), op.getItersAttr());
      break;
    }
    rw.replaceOp(
        op, {mb.fromBatched(constrained, type), mb.fromBatched(newMom, type)});
    return success();
  }

  /// The soft cap with strength alpha (a run-time scalar) on W / bound: as
  /// LowerSoftCap, alpha / bound^2 on W itself, so W is never rescaled.
  static Value dynamicSoftCap(MatrixBuilder &mb, Value w, Value alpha,
                              double bound) {
    OpBuilder &b = mb.builder();
    Location loc = mb.location();
    Value onW = arith::MulFOp::create(b, loc, alpha,
                                      mb.constant(1.0 / (bound * bound)));
    Value minus = arith::NegFOp::create(b, loc, onW);
    w = mb.polyStep(w, 1.0, minus, Value());  // p1(x) = x - a x^3
    return mb.polyStep(w, 1.0, onW, Value()); // p2(x) = x + a x^3
  }
};

/// AdamW on the batched compute form: the moments and the update in one
/// elementwise pass each, then the constraint op.
struct DecomposeAdamwStep : OpRewritePattern<AdamwStepOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AdamwStepOp op,
                                PatternRewriter &rw) const override {
    auto type = cast<RankedTensorType>(op.getWeight().getType());
    Location loc = op.getLoc();
    MatrixBuilder mb(rw, loc, type.getElementType());
    Value w = mb.toBatched(op.getWeight()), g = mb.toBatched(op.getGrad());
    Value m = mb.toBatched(op.getExpAvg());
    Value v = mb.toBatched(op.getExpAvgSq());
    double beta = toDouble(op.getBetaAttr()),
           beta2 = toDouble(op.getBeta2Attr());
    Value lr = mb.scalarOf(op.getLr()), t = mb.scalarOf(op.getStep());
    auto scalar = [&](auto opTag, Value a, Value b) {
      return decltype(opTag)::create(rw, loc, a, b).getResult();
    };
    Value one = mb.constant(1.0);
    // Bias corrections 1 - beta^t and 1 - beta2^t.
    Value c1 = scalar(arith::SubFOp(), one,
                      math::PowFOp::create(rw, loc, mb.constant(beta), t));
    Value c2 = scalar(arith::SubFOp(), one,
                      math::PowFOp::create(rw, loc, mb.constant(beta2), t));
    Value keep = scalar(
        arith::SubFOp(), one,
        scalar(arith::MulFOp(), lr, mb.constant(toDouble(op.getWdAttr()))));
    Value stepSize = scalar(arith::DivFOp(), lr, c1);
    Value invC2 = scalar(arith::DivFOp(), one, c2);
    Value eps = mb.constant(toDouble(op.getEpsAttr()));

    Value newM = mb.axpby(beta, m, 1.0 - beta, g);
    Value cb2 = mb.constant(beta2), cg2 = mb.constant(1.0 - beta2);
    Value newV = mb.map(
        {v, g}, shapeOf(v), [&](OpBuilder &nb, Location nl, ValueRange a) {
          Value gg = arith::MulFOp::create(nb, nl, a[1], a[1]);
          Value old = arith::MulFOp::create(nb, nl, cb2, a[0]);
          gg = arith::MulFOp::create(nb, nl, cg2, gg);
          return arith::AddFOp::create(nb, nl, old, gg).getResult();
        });
    Value stepped =
        mb.map({w, newM, newV}, shapeOf(w),
               [&](OpBuilder &nb, Location nl, ValueRange a) {
                 Value denom = arith::MulFOp::create(nb, nl, a[2], invC2);
                 denom = math::SqrtOp::create(nb, nl, denom);
                 denom = arith::AddFOp::create(nb, nl, denom, eps);
                 Value upd = arith::DivFOp::create(nb, nl, a[1], denom);
                 upd = arith::MulFOp::create(nb, nl, stepSize, upd);
                 Value kept = arith::MulFOp::create(nb, nl, keep, a[0]);
                 return arith::SubFOp::create(nb, nl, kept, upd).getResult();
               });
    Value constrained = constrainStepped(
        rw, loc, stepped, op.getConstraint(), op.getSigmaMaxAttr(),
        op.getNorm(), op.getHardCapMethodAttr(), op.getItersAttr());
    rw.replaceOp(op, {mb.fromBatched(constrained, type),
                      mb.fromBatched(newM, type), mb.fromBatched(newV, type)});
    return success();
  }
};

/// The embedding/unembedding update, per row of the last dim: the
/// row-normalised momentum, the decayed step, then lipt.rms_project.
struct DecomposeRowNormalizedStep : OpRewritePattern<RowNormalizedStepOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(RowNormalizedStepOp op,
                                PatternRewriter &rw) const override {
    auto type = cast<RankedTensorType>(op.getWeight().getType());
    Location loc = op.getLoc();
    MatrixBuilder mb(rw, loc, type.getElementType());
    Type ct = mb.computeType();
    Value w = mb.convertElementType(op.getWeight(), ct);
    Value g = mb.convertElementType(op.getGrad(), ct);
    Value m = mb.convertElementType(op.getMomentum(), ct);
    int64_t rank = type.getRank(), axis = rank - 1;
    double beta = toDouble(op.getBetaAttr()),
           tn = toDouble(op.getTargetNormAttr());

    Value newM = mb.axpby(beta, m, 1.0 - beta, g);
    // u = m * min(1 / rms_row(m), max_inflation); a zero row stays zero.
    auto [ss, dropAxis] = sumOfSquaresAlong(mb, newM, axis);
    Value invLen = mb.constant(1.0 / double(type.getDimSize(axis)));
    Value maxGain = mb.constant(toDouble(op.getMaxInflationAttr()));
    Value one = mb.constant(1.0);
    Value u =
        mb.map({newM, ss}, type.getShape(),
               [&](OpBuilder &nb, Location nl, ValueRange a) {
                 Value ms = arith::MulFOp::create(nb, nl, a[1], invLen);
                 Value gain = arith::DivFOp::create(
                     nb, nl, one, math::SqrtOp::create(nb, nl, ms));
                 gain = arith::MinimumFOp::create(nb, nl, gain, maxGain);
                 return arith::MulFOp::create(nb, nl, a[0], gain).getResult();
               },
               {mb.identity(rank), dropAxis});
    // W <- (1 - wd lr tn) W - lr tn u.
    Value lrTn = arith::MulFOp::create(rw, loc, mb.scalarOf(op.getLr()),
                                       mb.constant(tn));
    Value keep = arith::SubFOp::create(
        rw, loc, one,
        arith::MulFOp::create(rw, loc, lrTn,
                              mb.constant(toDouble(op.getWdAttr()))));
    Value stepped = mb.axpby(keep, w, arith::NegFOp::create(rw, loc, lrTn), u);
    Value projected =
        RmsProjectOp::create(rw, loc, stepped.getType(), stepped,
                             rw.getI64IntegerAttr(axis), op.getMaxRmsAttr());
    rw.replaceOp(op, {mb.convertElementType(projected, type.getElementType()),
                      mb.convertElementType(newM, type.getElementType())});
    return success();
  }
};

} // namespace

void mlir::lipt::populateLowerSpectralCapPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerSoftCap, LowerHardCap>(patterns.getContext());
}

void mlir::lipt::populateLiptToLinalgPatterns(RewritePatternSet &patterns) {
  populateLowerSpectralCapPatterns(patterns);
  patterns.add<LowerOrthogonalize, LowerPowerIteration,
               PowerIterationConstraint<SpectralHammerOp>,
               PowerIterationConstraint<SpectralNormalizeOp>,
               PowerIterationConstraint<SpectralWeightDecayOp>, LowerRmsProject,
               LowerOddPolynomial>(patterns.getContext());
  populateDecomposeMuonStepPatterns(patterns);
  populateLowerModelOpsPatterns(patterns);
}

void mlir::lipt::populateDecomposeMuonStepPatterns(
    RewritePatternSet &patterns) {
  patterns
      .add<DecomposeMuonStep, DecomposeAdamwStep, DecomposeRowNormalizedStep>(
          patterns.getContext());
}

LogicalResult
mlir::lipt::checkStaticShapes(Operation *root,
                              function_ref<bool(Operation *)> isTarget) {
  bool ok = true;
  root->walk([&](Operation *op) {
    if (!isTarget(op))
      return;
    for (Type t : op->getOperandTypes())
      if (auto shaped = dyn_cast<ShapedType>(t);
          shaped && !shaped.hasStaticShape()) {
        op->emitOpError() << "lowering needs static shapes, got " << t;
        ok = false;
        return;
      }
  });
  return success(ok);
}
