//===- FuseElementwise.cpp - --lipt-fuse-elementwise ----------------------===//
//
// On a GPU every elementwise linalg op is a kernel that reads and writes
// whole matrices: fusing a chain of them into one kernel saves a round
// trip to memory per link. Only all-parallel producers fuse into
// all-parallel consumers, and only producers with one use (no work is
// duplicated): contractions keep the exact form lipt-linalg-to-blas
// matches, so every product still goes to cuBLAS, and reductions keep the
// form lipt-linalg-to-gpu splits across a block.
//
//===----------------------------------------------------------------------===//

#include "lipt/Passes/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::lipt {
#define GEN_PASS_DEF_LIPTFUSEELEMENTWISEPASS
#include "lipt/Passes/Passes.h.inc"
} // namespace mlir::lipt

using namespace mlir;

namespace {

bool allParallel(Operation *op) {
  auto linalgOp = dyn_cast_or_null<linalg::LinalgOp>(op);
  return linalgOp && linalgOp.getNumLoops() == linalgOp.getNumParallelLoops();
}

struct LiptFuseElementwisePass
    : mlir::lipt::impl::LiptFuseElementwisePassBase<LiptFuseElementwisePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    linalg::populateElementwiseOpsFusionPatterns(
        patterns, [](OpOperand *fused) {
          Operation *producer = fused->get().getDefiningOp();
          return producer && producer->hasOneUse() && allParallel(producer) &&
                 allParallel(fused->getOwner());
        });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
