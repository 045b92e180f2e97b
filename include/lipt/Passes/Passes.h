//===- Passes.h - lipt passes, patterns and pipelines -----------*- C++ -*-===//

#ifndef LIPT_PASSES_PASSES_H
#define LIPT_PASSES_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

namespace mlir {
class ConversionTarget;
class RewritePatternSet;
namespace lipt {

#define GEN_PASS_DECL
#include "lipt/Passes/Passes.h.inc"

/// Lowerings of lipt.spectral_soft_cap and lipt.spectral_hard_cap.
void populateLowerSpectralCapPatterns(RewritePatternSet &patterns);
/// Lowerings of every lipt op (includes the cap patterns and the Muon
/// step's decomposition).
void populateLiptToLinalgPatterns(RewritePatternSet &patterns);
/// The model ops' forward pass (embed, linear, attention, mlp, layer_norm,
/// convex_residual, head) for inference.
void populateLowerModelOpsPatterns(RewritePatternSet &patterns);
/// lipt.muon_step -> lipt.orthogonalize, elementwise updates and the
/// constraint op.
void populateDecomposeMuonStepPatterns(RewritePatternSet &patterns);
/// Soft caps -> one lipt.odd_polynomial where that costs fewer flops.
void populateFusePolynomialsPatterns(RewritePatternSet &patterns);

/// Emits an error on every op of `root` that `isTarget` selects whose tensor
/// types are not static (the lowerings need static shapes).
LogicalResult checkStaticShapes(Operation *root,
                                function_ref<bool(Operation *)> isTarget);

/// Options of lipt-cpu-pipeline.
struct LiptCpuPipelineOptions
    : public PassPipelineOptions<LiptCpuPipelineOptions> {
  Option<bool> batch{*this, "batch",
                     llvm::cl::desc("Run lipt-batch-same-shape"),
                     llvm::cl::init(true)};
  Option<bool> fuse{*this, "fuse",
                    llvm::cl::desc("Run lipt-fuse-polynomials (fewer flops)"),
                    llvm::cl::init(true)};
  Option<bool> blas{*this, "blas",
                    llvm::cl::desc("Call BLAS (liblipt_blas_shims) for matrix "
                                   "products instead of generating loops"),
                    llvm::cl::init(true)};
};

/// lipt -> linalg -> bufferized -> LLVM dialect, ready for mlir-runner or
/// the ExecutionEngine. Registered as `lipt-cpu-pipeline`.
void buildLiptCpuPipeline(OpPassManager &pm,
                          const LiptCpuPipelineOptions &options = {});
struct LiptCudaPipelineOptions
    : public PassPipelineOptions<LiptCudaPipelineOptions> {
  Option<bool> batch{*this, "batch",
                     llvm::cl::desc("Run lipt-batch-same-shape"),
                     llvm::cl::init(true)};
  Option<bool> fuse{*this, "fuse",
                    llvm::cl::desc("Run lipt-fuse-polynomials (fewer flops)"),
                    llvm::cl::init(true)};
  Option<std::string> chip{*this, "chip",
                           llvm::cl::desc("The GPU architecture (sm_90: H100, "
                                          "H200)"),
                           llvm::cl::init("sm_90")};
  Option<std::string> features{
      *this, "features",
      llvm::cl::desc("NVPTX features (the PTX version; sm_90 needs +ptx80)"),
      llvm::cl::init("+ptx80")};
  Option<std::string> format{
      *this, "format",
      llvm::cl::desc("What the kernels become: isa (PTX text), bin (cubin, "
                     "by ptxas) or fatbin (cubin and PTX, by ptxas and "
                     "fatbinary)"),
      llvm::cl::init("fatbin")};
  Option<bool> bf16Products{
      *this, "bf16-products",
      llvm::cl::desc("f32 matrix products take bf16 copies of their operands "
                     "(tensor cores, f32 accumulation)"),
      llvm::cl::init(false)};
};

/// lipt -> linalg -> buffers -> cuBLAS calls and NVVM kernels on device
/// buffers -> host LLVM dialect with the kernels serialized in gpu.binary
/// ops. Registered as `lipt-cuda-pipeline`.
void buildLiptCudaPipeline(OpPassManager &pm,
                           const LiptCudaPipelineOptions &options = {});
/// --lipt-import-custom-calls then --lipt-lower-to-linalg: lipt calls in,
/// linalg/tensor/arith/math out, foreign ops untouched. Registered as
/// `lipt-import-and-lower`.
void buildLiptImportAndLowerPipeline(OpPassManager &pm);
void registerLiptPipelines();

#define GEN_PASS_REGISTRATION
#include "lipt/Passes/Passes.h.inc"

} // namespace lipt
} // namespace mlir

#endif // LIPT_PASSES_PASSES_H
