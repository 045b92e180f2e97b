//===- LiptPlugin.cpp - lipt as a plugin for mlir-opt and other hosts -----===//
//
// The dialect plugin also registers the passes: hosts that only pass
// --load-dialect-plugin can then run --pass-pipeline='builtin.module(
// lipt-lower-to-linalg)'. Registering twice (both plugin entry points loaded)
// is guarded.
//
//===----------------------------------------------------------------------===//

#include "lipt/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/Compiler.h"

namespace {
void registerPassesOnce() {
  static bool done = [] {
    mlir::lipt::registerLiptPassesAndPipelines();
    return true;
  }();
  (void)done;
}
} // namespace

extern "C" LLVM_ATTRIBUTE_WEAK mlir::DialectPluginLibraryInfo
mlirGetDialectPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "Lipt", LLVM_VERSION_STRING,
          [](mlir::DialectRegistry *registry) {
            mlir::lipt::registerLiptDialects(*registry);
            registerPassesOnce();
          }};
}

extern "C" LLVM_ATTRIBUTE_WEAK mlir::PassPluginLibraryInfo
mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "LiptPasses", LLVM_VERSION_STRING,
          []() { registerPassesOnce(); }};
}
