//===- CustomCallImportFuzzer.cpp - fuzz the custom-call import -----------===//
//
// Foreign IR (StableHLO/MHLO custom calls, torch.operator) through
// --lipt-import-custom-calls and back through --lipt-export-custom-calls.
// Either pass may refuse; what it produces must verify.
//
//===----------------------------------------------------------------------===//

#include "FuzzContext.h"

#include "lipt/Passes/Passes.h"

#include "mlir/Pass/PassManager.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static lipt_fuzz::FuzzContext contexts;
  auto module = contexts.parse(data, size);
  if (!module)
    return 0;
  mlir::PassManager imports(module->getContext());
  imports.addPass(mlir::lipt::createLiptImportCustomCallsPass());
  if (mlir::failed(imports.run(*module)))
    return 0; // the verifier ran after the pass: what succeeded is valid IR
  mlir::PassManager exports(module->getContext());
  exports.addPass(mlir::lipt::createLiptExportCustomCallsPass());
  (void)exports.run(*module);
  return 0;
}
