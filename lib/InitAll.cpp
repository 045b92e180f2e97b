//===- InitAll.cpp - register lipt dialects and passes --------------------===//

#include "lipt/InitAll.h"
#include "lipt/Dialect/LiptDialect.h"
#include "lipt/Passes/Passes.h"

#include "mlir/IR/DialectRegistry.h"

#include <mutex>

void mlir::lipt::registerLiptDialects(DialectRegistry &registry) {
  registry.insert<LiptDialect>();
}

void mlir::lipt::registerLiptPassesAndPipelines() {
  // MLIR aborts on a pipeline registered twice; hosts may reach this through
  // the C API, the dialect plugin and the pass plugin in one process.
  static std::once_flag once;
  std::call_once(once, [] {
    registerLiptPasses();
    registerLiptPipelines();
  });
}
