//===- LiptPlugin.cpp - lipt as a plugin for mlir-opt and other hosts -----===//
//
// The dialect plugin also registers the passes: hosts that only pass
// --load-dialect-plugin can then run --pass-pipeline='builtin.module(
// lipt-lower-to-linalg)'. The code itself lives in libLiptCAPI.so, so a
// process that loads this plugin and uses lipt's C API holds one lipt, and
// registration (guarded there) happens once.
//
//===----------------------------------------------------------------------===//

#include "lipt/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/Compiler.h"

extern "C" LLVM_ATTRIBUTE_WEAK mlir::DialectPluginLibraryInfo
mlirGetDialectPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "Lipt", LLVM_VERSION_STRING,
          [](mlir::DialectRegistry *registry) {
            mlir::lipt::registerLiptDialects(*registry);
            mlir::lipt::registerLiptPassesAndPipelines();
          }};
}

extern "C" LLVM_ATTRIBUTE_WEAK mlir::PassPluginLibraryInfo
mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "LiptPasses", LLVM_VERSION_STRING,
          []() { mlir::lipt::registerLiptPassesAndPipelines(); }};
}
