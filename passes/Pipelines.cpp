//===- Pipelines.cpp - lipt pass pipelines --------------------------------===//
//
// Pipelines are free functions built from pass constructors (not pipeline
// text), so they work in any host, registered passes or not. Each pass has a
// line saying why it is there.
//
//===----------------------------------------------------------------------===//

#include "lipt/Passes/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/GPU/Pipelines/Passes.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace {
/// Code generation cannot compile ops of a dialect nobody registered (a
/// StableHLO op that is not a lipt call, say). Without this check they would
/// reach bufferization, which only says "op was not bufferized".
struct CheckNoUnregisteredOpsPass
    : PassWrapper<CheckNoUnregisteredOpsPass, OperationPass<>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(CheckNoUnregisteredOpsPass)
  /// `pipeline` names the pipeline in the message ("CPU", "CUDA").
  explicit CheckNoUnregisteredOpsPass(StringRef pipeline = "CPU")
      : pipeline(pipeline.str()) {}
  CheckNoUnregisteredOpsPass(const CheckNoUnregisteredOpsPass &) = default;
  std::string pipeline;
  StringRef getArgument() const final {
    return "lipt-check-no-unregistered-ops";
  }
  void runOnOperation() override {
    WalkResult result = getOperation()->walk([&](Operation *op) {
      if (op->isRegistered())
        return WalkResult::advance();
      op->emitError() << "lipt's " << pipeline << " pipeline cannot compile '"
                      << op->getName()
                      << "' (its dialect is not registered); lower it to "
                         "linalg first, or use lipt-import-and-lower and "
                         "leave it to the host";
      return WalkResult::interrupt();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

/// math.erf on f64 -> a call to libm's erf (LLVM has no intrinsic for it).
struct ErfToLibmCall : OpRewritePattern<math::ErfOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::ErfOp op,
                                PatternRewriter &rw) const override {
    if (!op.getType().isF64())
      return failure();
    auto module = op->getParentOfType<ModuleOp>();
    if (!module)
      return failure();
    auto fnType = rw.getFunctionType({rw.getF64Type()}, {rw.getF64Type()});
    if (!module.lookupSymbol<func::FuncOp>("erf")) {
      OpBuilder::InsertionGuard guard(rw);
      rw.setInsertionPointToStart(module.getBody());
      func::FuncOp::create(rw, op.getLoc(), "erf", fnType).setPrivate();
    }
    rw.replaceOpWithNewOp<func::CallOp>(op, "erf", rw.getF64Type(),
                                        op.getOperand());
    return success();
  }
};

/// The GELU's erf, which no LLVM intrinsic covers: f32 as MLIR's polynomial
/// approximation (no library needed, the same on every target), f64 as
/// libm's erf (lipt-compile links -lm; the JIT finds it in the process).
struct LowerErfPass : PassWrapper<LowerErfPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(LowerErfPass)
  StringRef getArgument() const final { return "lipt-lower-erf"; }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry
        .insert<func::FuncDialect, arith::ArithDialect, math::MathDialect>();
  }
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populatePolynomialApproximateErfPattern(patterns);
    patterns.add<ErfToLibmCall>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void mlir::lipt::buildLiptImportAndLowerPipeline(OpPassManager &pm) {
  // Calls to lipt.<op> written by JAX/XLA or torch-mlir -> lipt ops.
  pm.addPass(createLiptImportCustomCallsPass());
  // lipt ops -> linalg/tensor/arith/math; everything else stays as it was.
  pm.addPass(createLiptLowerToLinalgPass());
}

/// What every code-generating pipeline starts with: lipt (and imported
/// lipt calls) to linalg on buffers, results as caller-allocated
/// out-parameters.
static void addLiptToBufferPasses(OpPassManager &pm, StringRef pipeline,
                                  bool batch, bool fuse,
                                  bool fuseElementwise = false) {
  using namespace mlir::lipt;
  // Calls to lipt.<op> from other frameworks become lipt ops, so a module
  // exported from JAX or torch-mlir compiles and runs as it is.
  pm.addPass(createLiptImportCustomCallsPass());
  // A clear error for what no lipt pass can compile.
  pm.addPass(std::make_unique<CheckNoUnregisteredOpsPass>(pipeline));
  // One op (one set of calls) per group of same-shape weights.
  if (batch)
    pm.addPass(createLiptBatchSameShapePass());
  if (fuse) {
    // Expose the Muon step's constraint, then fuse polynomial steps where
    // that costs fewer flops.
    pm.addPass(createLiptDecomposeMuonStepPass());
    pm.addPass(createLiptFusePolynomialsPass());
  }
  // lipt ops -> linalg/tensor/arith/math.
  pm.addPass(createLiptLowerToLinalgPass());
  // Fold the scalar constants and reshapes the lowering leaves behind.
  pm.addPass(createCanonicalizerPass());
  // Chains of elementwise ops -> one op each (one kernel each on a GPU).
  if (fuseElementwise)
    pm.addPass(createLiptFuseElementwisePass());
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
}

void mlir::lipt::buildLiptCpuPipeline(OpPassManager &pm,
                                      const LiptCpuPipelineOptions &options) {
  addLiptToBufferPasses(pm, "CPU", options.batch, options.fuse);
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
  // bf16 conversions -> integer arithmetic. LLVM would otherwise call the
  // compiler-rt builtin __truncsfbf2, which gcc 12's libgcc lacks: an
  // ahead-of-time artifact (lipt-compile) could not link.
  arith::ArithExpandOpsPassOptions expand;
  expand.includeBf16 = true;
  pm.addPass(arith::createArithExpandOpsPass(expand));
  // erf (the GELU) has no LLVM intrinsic.
  pm.addPass(std::make_unique<LowerErfPass>());
  // Everything left (func, cf, arith, math, memref) -> LLVM dialect.
  pm.addPass(createConvertToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void mlir::lipt::buildLiptCudaPipeline(OpPassManager &pm,
                                       const LiptCudaPipelineOptions &options) {
  addLiptToBufferPasses(pm, "CUDA", options.batch, options.fuse,
                        /*fuseElementwise=*/true);
  // Matrix products -> cuBLAS (strided-batched gemm) through runtime/cuda:
  // generated contraction kernels would run 30-100x slower (platform-notes).
  LiptLinalgToBlasPassOptions cublas;
  cublas.library = "cublas";
  cublas.bf16 = options.bf16Products;
  pm.addPass(createLiptLinalgToBlasPass(cublas));
  // Free the temporaries bufferization allocated.
  bufferization::buildBufferDeallocationPipeline(pm);
  // Device buffers, and one kernel per remaining linalg op.
  pm.addPass(createLiptLinalgToGpuPass());
  pm.addPass(createCSEPass());
  pm.addPass(createCanonicalizerPass());
  // Kernels into gpu.module functions; then every GPU op of a function on
  // one stream (without it a synchronous gpu.alloc is silently left
  // unlowered). The runtime hands the call's stream to that stream.
  pm.addPass(createGpuKernelOutliningPass());
  // One gpu.module for all kernels: one NVVM compilation, ptxas run and
  // module load instead of one per kernel.
  pm.addPass(createLiptMergeGpuModulesPass());
  pm.addNestedPass<func::FuncOp>(createGpuAsyncRegionPass());
  // Host subviews and affine index arithmetic -> plain arithmetic.
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  // Kernels -> NVVM -> PTX (and, for bin/fatbin, ptxas); host -> LLVM with
  // the mgpu* runtime calls runtime/cuda provides. The default PTX version
  // aborts for sm_90: features carry +ptx80 (platform-notes).
  gpu::GPUToNVVMPipelineOptions nvvm;
  nvvm.cubinChip = options.chip;
  nvvm.cubinFeatures = options.features;
  nvvm.cubinFormat = options.format;
  nvvm.optLevel = 3;
  gpu::buildLowerToNVVMPassPipeline(pm, nvvm);
}

void mlir::lipt::registerLiptPipelines() {
  PassPipelineRegistration<>(
      "lipt-import-and-lower",
      "Import lipt custom calls, then lower lipt ops to linalg/tensor/arith/"
      "math (for hosts that consume linalg, e.g. IREE's input pipeline)",
      buildLiptImportAndLowerPipeline);
  PassPipelineRegistration<LiptCpuPipelineOptions>(
      "lipt-cpu-pipeline",
      "Lower lipt to the LLVM dialect for CPU execution (mlir-runner, "
      "ExecutionEngine)",
      buildLiptCpuPipeline);
  PassPipelineRegistration<LiptCudaPipelineOptions>(
      "lipt-cuda-pipeline",
      "Lower lipt to host LLVM that launches NVVM kernels and calls cuBLAS "
      "(runtime/cuda), with the kernels serialized for an NVIDIA GPU",
      buildLiptCudaPipeline);
}
