//===- Pipelines.cpp - lipt pass pipelines --------------------------------===//
//
// Pipelines are free functions built from pass constructors (not pipeline
// text), so they work in any host, registered passes or not. Each pass has a
// line saying why it is there.
//
//===----------------------------------------------------------------------===//

#include "lipt/Passes/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void mlir::lipt::buildLiptCpuPipeline(OpPassManager &pm,
                                      const LiptCpuPipelineOptions &options) {
  // One op (one set of calls) per group of same-shape weights.
  if (options.batch)
    pm.addPass(createLiptBatchSameShapePass());
  if (options.fuse) {
    // Expose the Muon step's constraint, then fuse polynomial steps where
    // that costs fewer flops.
    pm.addPass(createLiptDecomposeMuonStepPass());
    pm.addPass(createLiptFusePolynomialsPass());
  }
  // lipt ops -> linalg/tensor/arith/math.
  pm.addPass(createLiptLowerToLinalgPass());
  // Fold the scalar constants and reshapes the lowering leaves behind.
  pm.addPass(createCanonicalizerPass());
  // Tensors -> buffers, including function arguments and results so callers
  // pass plain memrefs (without this, functions silently stay on tensors).
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  // Results become caller-allocated out-parameters; a result computed in a
  // fresh allocation is computed in the caller's buffer instead.
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.hoistStaticAllocs = true;
  outParams.modifyPublicFunctions = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  // Matrix products -> OpenBLAS: on 2 cores it runs them at ~65 GFLOP/s,
  // where the generated loops below reach 0.1 (platform-notes).
  if (options.blas)
    pm.addPass(createLiptLinalgToBlasPass());
  // Free the temporaries bufferization allocated.
  bufferization::buildBufferDeallocationPipeline(pm);
  // linalg.generic -> scf loops (the reference code generation).
  pm.addPass(createConvertLinalgToLoopsPass());
  pm.addPass(createSCFToControlFlowPass());
  // memref.subview/reshape metadata -> plain index arithmetic.
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  // Everything left (func, cf, arith, math, memref) -> LLVM dialect.
  pm.addPass(createConvertToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void mlir::lipt::registerLiptPipelines() {
  PassPipelineRegistration<LiptCpuPipelineOptions>(
      "lipt-cpu-pipeline",
      "Lower lipt to the LLVM dialect for CPU execution (mlir-runner, "
      "ExecutionEngine)",
      buildLiptCpuPipeline);
}
