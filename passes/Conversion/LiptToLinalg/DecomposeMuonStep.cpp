//===- DecomposeMuonStep.cpp - --lipt-decompose-muon-step -----------------===//
//
// The pattern itself is in LiptToLinalgPatterns.cpp (lipt-lower-to-linalg
// uses it too); this pass applies it alone.
//
//===----------------------------------------------------------------------===//

#include "lipt/Dialect/LiptOps.h"
#include "lipt/Passes/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::lipt {
#define GEN_PASS_DEF_LIPTDECOMPOSEMUONSTEPPASS
#include "lipt/Passes/Passes.h.inc"
} // namespace mlir::lipt

using namespace mlir;
using namespace mlir::lipt;

namespace {
struct LiptDecomposeMuonStepPass
    : mlir::lipt::impl::LiptDecomposeMuonStepPassBase<
          LiptDecomposeMuonStepPass> {
  void runOnOperation() override {
    auto isStep = [](Operation *op) {
      return isa<MuonStepOp, AdamwStepOp, RowNormalizedStepOp>(op);
    };
    if (failed(checkStaticShapes(getOperation(), isStep)))
      return signalPassFailure();
    RewritePatternSet patterns(&getContext());
    populateDecomposeMuonStepPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
