//===- lipt-opt.cpp - mlir-opt with the lipt dialect and passes -----------===//
//
// Every upstream dialect, pass and extension is registered too, so one tool
// runs lipt lowerings and the upstream CPU/GPU pipelines after them.
//
//===----------------------------------------------------------------------===//

#include "lipt/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mlir::lipt::registerLiptPassesAndPipelines();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::lipt::registerLiptDialects(registry);
  // gpu-module-to-binary (lipt-cuda-pipeline) translates kernels to LLVM IR.
  mlir::registerAllToLLVMIRTranslations(registry);

  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "lipt optimizer driver\n", registry));
}
