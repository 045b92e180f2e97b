//===- ModelImport.h - a model file as a ModelSpec --------------*- C++ -*-===//

#ifndef LIPT_TRAIN_MODELIMPORT_H
#define LIPT_TRAIN_MODELIMPORT_H

#include "lipt/Train/ModelSpec.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace lipt_train {

/// The MLIR module of the optimizer kernels, for group g:
///  - @msign_g: [B, m, n] -> [B, m, n], Muon's orthogonalization
///    (lipt.orthogonalize with spec.orthogonalize);
///  - @cap_g (constrained groups): the constraint in unit form, on weights
///    already divided by their bound: soft cap with alpha 1 (the driver
///    scales by sqrt(alpha), since p_a(x) = p_1(sqrt(a) x) / sqrt(a)), or
///    hard cap / hammer / normalize with sigma_max 1.
std::string optimizerKernelsSource(const ModelSpec &spec,
                                   const std::vector<WeightGroup> &groups);

} // namespace lipt_train

namespace mlir::lipt {

/// Reads the model of a module: the one func.func that ends in lipt.head,
/// of the form embed, then per layer a convex_residual around attention and
/// one around mlp (each optionally after a layer_norm), an optional
/// layer_norm, then head; its weights are its arguments in checkpoint order
/// (lipt_train::weightsOf). The `lipt.train` attribute gives the training
/// config; batch and seq_len default to the tokens argument's shape and
/// must agree with it. Everything else is an error at the offending op.
FailureOr<lipt_train::ModelSpec> importModel(ModuleOp module);

/// True when `module` holds a model (a function that ends in lipt.head).
bool hasModel(ModuleOp module);

/// The optimizer kernels of `spec`'s weight groups as a module
/// (lipt_train::optimizerKernelsSource), for compileForCpu or
/// writeCpuArtifact. Null, with a diagnostic, if they do not parse.
OwningOpRef<ModuleOp> buildOptimizerKernels(const lipt_train::ModelSpec &spec,
                                            MLIRContext *context);

} // namespace mlir::lipt

#endif // LIPT_TRAIN_MODELIMPORT_H
