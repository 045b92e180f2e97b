//===- LiptLowerToLinalg.cpp - --lipt-lower-to-linalg ---------------------===//

#include "lipt/Dialect/LiptOps.h"
#include "lipt/Passes/Passes.h"

#include "mlir/Transforms/DialectConversion.h"

namespace mlir::lipt {
#define GEN_PASS_DEF_LIPTLOWERTOLINALGPASS
#include "lipt/Passes/Passes.h.inc"
} // namespace mlir::lipt

using namespace mlir;
using namespace mlir::lipt;

namespace {
struct LiptLowerToLinalgPass
    : mlir::lipt::impl::LiptLowerToLinalgPassBase<LiptLowerToLinalgPass> {
  void runOnOperation() override {
    // Ops of unregistered dialects (generic-form StableHLO, torch) have no
    // Dialect object: getDialect() is null for them.
    auto isLipt = [](Operation *op) {
      return isa_and_nonnull<LiptDialect>(op->getDialect());
    };
    if (failed(checkStaticShapes(getOperation(), isLipt)))
      return signalPassFailure();
    ConversionTarget target(getContext());
    target.addIllegalDialect<LiptDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(&getContext());
    populateLiptToLinalgPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
