//===- LowerSpectralCap.cpp - --lower-spectral-cap ------------------------===//

#include "lipt/Dialect/LiptOps.h"
#include "lipt/Passes/Passes.h"

#include "mlir/Transforms/DialectConversion.h"

namespace mlir::lipt {
#define GEN_PASS_DEF_LOWERSPECTRALCAPPASS
#include "lipt/Passes/Passes.h.inc"
} // namespace mlir::lipt

using namespace mlir;
using namespace mlir::lipt;

namespace {
struct LowerSpectralCapPass
    : mlir::lipt::impl::LowerSpectralCapPassBase<LowerSpectralCapPass> {
  void runOnOperation() override {
    auto isCap = [](Operation *op) {
      return isa<SpectralSoftCapOp, SpectralHardCapOp>(op);
    };
    if (failed(checkStaticShapes(getOperation(), isCap)))
      return signalPassFailure();
    ConversionTarget target(getContext());
    target.addIllegalOp<SpectralSoftCapOp, SpectralHardCapOp>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(&getContext());
    populateLowerSpectralCapPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
