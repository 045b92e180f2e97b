//===- FusePolynomials.cpp - --lipt-fuse-polynomials ----------------------===//

#include "lipt/Dialect/LiptOps.h"
#include "lipt/Passes/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace mlir::lipt {
#define GEN_PASS_DEF_LIPTFUSEPOLYNOMIALSPASS
#include "lipt/Passes/Passes.h.inc"
} // namespace mlir::lipt

using namespace mlir;
using namespace mlir::lipt;

namespace {

/// Flops (products only, symmetric ones at half price) of the soft cap on an
/// n x m matrix (n <= m): unfused, two Gram matrices and two products;
/// fused, one Gram matrix, A^2, one n x n product and the final product.
bool fusedSoftCapIsCheaper(int64_t rows, int64_t cols) {
  double n = std::min(rows, cols), m = std::max(rows, cols);
  double unfused = 2 * (n * n * m + 2 * n * n * m);
  double fused = n * n * m + n * n * n + 2 * n * n * n + 2 * n * n * m;
  return fused < unfused;
}

struct FuseSoftCap : OpRewritePattern<SpectralSoftCapOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SpectralSoftCapOp op,
                                PatternRewriter &rw) const override {
    RankedTensorType type = op.getType();
    if (!type.hasStaticShape())
      return failure();
    int64_t rank = type.getRank();
    int64_t rows = type.getDimSize(rank - 2), cols = type.getDimSize(rank - 1);
    if (!fusedSoftCapIsCheaper(rows, cols))
      return rw.notifyMatchFailure(op, "the fused form costs no less here");
    // The strength on W itself (see the soft cap lowering).
    double bound = 1.0;
    if (FloatAttr s = op.getSigmaMaxAttr()) {
      bound = s.getValueAsDouble();
      if (op.getNorm() == NormKind::rms)
        bound *= std::sqrt(double(rows) / double(cols));
    }
    double a = op.getEffectiveAlpha() / (bound * bound);
    // p2(p1(s)) = s (1 - 3 a^2 s^4 + 3 a^3 s^6 - a^4 s^8): q in A = s^2.
    SmallVector<double> q{1.0, 0.0, -3 * a * a, 3 * a * a * a, -a * a * a * a};
    rw.replaceOpWithNewOp<OddPolynomialOp>(op, type, op.getWeight(),
                                           rw.getDenseF64ArrayAttr(q));
    return success();
  }
};

struct LiptFusePolynomialsPass
    : mlir::lipt::impl::LiptFusePolynomialsPassBase<LiptFusePolynomialsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFusePolynomialsPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void mlir::lipt::populateFusePolynomialsPatterns(RewritePatternSet &patterns) {
  patterns.add<FuseSoftCap>(patterns.getContext());
}
