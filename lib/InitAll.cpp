//===- InitAll.cpp - register lipt dialects and passes --------------------===//

#include "lipt/InitAll.h"
#include "lipt/Dialect/LiptDialect.h"
#include "lipt/Passes/Passes.h"

#include "mlir/IR/DialectRegistry.h"

void mlir::lipt::registerLiptDialects(DialectRegistry &registry) {
  registry.insert<LiptDialect>();
}

void mlir::lipt::registerLiptPassesAndPipelines() {
  registerLiptPasses();
  registerLiptPipelines();
}
