//===- MergeGpuModules.cpp - --lipt-merge-gpu-modules ---------------------===//

#include "lipt/Passes/Passes.h"

namespace mlir::lipt {
#define GEN_PASS_DEF_LIPTMERGEGPUMODULESPASS
#include "lipt/Passes/Passes.h.inc"
} // namespace mlir::lipt

using namespace mlir;

namespace {

struct LiptMergeGpuModulesPass
    : mlir::lipt::impl::LiptMergeGpuModulesPassBase<LiptMergeGpuModulesPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<gpu::GPUModuleOp> kernels(module.getOps<gpu::GPUModuleOp>());
    if (kernels.size() < 2)
      return;
    // Only what outlining makes: one kernel function per module, nothing
    // else a merge could clash on. Anything else is left as it is.
    for (gpu::GPUModuleOp m : kernels) {
      auto funcs = m.getOps<gpu::GPUFuncOp>();
      if (llvm::range_size(funcs) != 1 ||
          m.getBody()->getOperations().size() != 1 ||
          m->getAttr("targets"))
        return;
    }
    OpBuilder b(module.getBodyRegion());
    b.setInsertionPointToEnd(module.getBody());
    auto merged = gpu::GPUModuleOp::create(b, module.getLoc(), "lipt_kernels");
    SymbolTable symbols(module);
    symbols.insert(merged); // renames it should a user's symbol clash
    llvm::DenseMap<Attribute, SymbolRefAttr> moved;
    for (gpu::GPUModuleOp m : kernels) {
      gpu::GPUFuncOp fn = *m.getOps<gpu::GPUFuncOp>().begin();
      auto from = SymbolRefAttr::get(
          m.getSymNameAttr(), {FlatSymbolRefAttr::get(fn.getNameAttr())});
      SymbolTable::setSymbolName(fn, m.getSymName());
      fn->remove();
      merged.getBody()->push_back(fn);
      moved[from] = SymbolRefAttr::get(
          merged.getSymNameAttr(), {FlatSymbolRefAttr::get(fn.getNameAttr())});
      m.erase();
    }
    module.walk([&](gpu::LaunchFuncOp launch) {
      if (SymbolRefAttr to = moved.lookup(launch.getKernel()))
        launch.setKernelAttr(to);
    });
  }
};

} // namespace
