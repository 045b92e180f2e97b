//===- Pipelines.cpp - lipt pass pipelines --------------------------------===//
//
// Pipelines are free functions; each pass has a line saying why it is there.
//
//===----------------------------------------------------------------------===//

#include "lipt/Passes/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

void mlir::lipt::buildLiptCpuPipeline(OpPassManager &pm) {
  // Written as text so every step reads like the command line a user would
  // run by hand (see shared/docs/platform-notes.md, "CPU lowering that works").
  const char *pipeline =
      // lipt ops -> linalg/tensor/arith/math.
      "lipt-lower-to-linalg,"
      // Fold the scalar constants and reshapes the lowering leaves behind.
      "canonicalize,"
      // Tensors -> buffers, including function arguments and results so
      // callers pass plain memrefs (without this, functions stay on tensors).
      "one-shot-bufferize{bufferize-function-boundaries=1 "
      "function-boundary-type-conversion=identity-layout-map},"
      // Free the temporaries bufferization allocated.
      "buffer-deallocation-pipeline,"
      // linalg.generic -> scf loops (the reference code generation).
      "convert-linalg-to-loops,"
      "convert-scf-to-cf,"
      // memref.subview/reshape metadata -> plain index arithmetic.
      "expand-strided-metadata,"
      "lower-affine,"
      // Everything left (func, cf, arith, math, memref) -> LLVM dialect.
      "convert-to-llvm,"
      "reconcile-unrealized-casts";
  if (failed(parsePassPipeline(pipeline, pm, llvm::errs())))
    llvm::report_fatal_error("lipt-cpu-pipeline: invalid pipeline text");
}

void mlir::lipt::registerLiptPipelines() {
  PassPipelineRegistration<>(
      "lipt-cpu-pipeline",
      "Lower lipt to the LLVM dialect for CPU execution (mlir-runner, "
      "ExecutionEngine)",
      buildLiptCpuPipeline);
}
