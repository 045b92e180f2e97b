//===- ModelImport.h - a model file as a ModelSpec --------------*- C++ -*-===//

#ifndef LIPT_MODELIMPORT_MODELIMPORT_H
#define LIPT_MODELIMPORT_MODELIMPORT_H

#include "lipt/Train/ModelSpec.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

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

/// The optimizer program of `spec`'s weight groups (lipt/Optim/
/// StepProgram.h), for compileForCpu or writeCpuArtifact: with Muon,
/// @muon_step_<g> per block-weight group (lipt.muon_step) and @embed_step,
/// @head_step (lipt.row_normalized_step); with AdamW, @adamw_step_<g>,
/// @adamw_embed and @adamw_head (lipt.adamw_step). Learning rates (and step
/// counts) are operands. Null, with a diagnostic, if an op rejects the
/// config.
OwningOpRef<ModuleOp> buildOptimizerKernels(const lipt_train::ModelSpec &spec,
                                            MLIRContext *context);

} // namespace mlir::lipt

#endif // LIPT_MODELIMPORT_MODELIMPORT_H
